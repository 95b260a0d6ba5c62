/**
 * Programs built directly as IR, with no parser or checker in the way, and every back
 * end run on them. Tests of the IR and the back ends use this so they stay independent of the
 * front end (which is being replaced by a tracer).
 */
import { boundsOf, type Tri } from '../app/mask/bounds';
import type { CheckedProgram } from '../app/mask/eval/program';
import { buildCpuFunction } from '../app/mask/cpu';
import {
  dependence,
  IrBuilder,
  type ArgName,
  type BinaryFn,
  type Ir,
  type MathFn,
  type UnaryFn,
} from '../app/mask/ir';
import { DEFAULT_LIMITS, type CompileLimits } from '../app/mask/limits';
import type { ParamInfo, ScalarType, SourceSpan, TensorInfo } from '../app/mask/types';
import { emitWgsl } from '../app/mask/wgsl';
import { emitWgslBounds } from '../app/mask/wgslBounds';

const COMPARE: ReadonlySet<BinaryFn> = new Set(['lt', 'le', 'gt', 'ge', 'eq', 'ne', 'land', 'lor']);

/** Node-building shorthands over one IrBuilder; every node gets a span of its own. */
export class TestIr {
  readonly ir: IrBuilder;
  private next = 0;
  constructor(limits: CompileLimits = DEFAULT_LIMITS) {
    this.ir = new IrBuilder(limits);
  }
  /** A fresh span, so tests can tell which node's span a shared node kept. */
  span(): SourceSpan {
    this.next += 1;
    return { start: this.next, end: this.next + 1 };
  }
  arg(name: ArgName): Ir {
    return this.ir.make({
      op: 'arg',
      name,
      type: name === 'score' ? 'float' : 'int',
      span: this.span(),
    });
  }
  int(value: number): Ir {
    return this.ir.constant('int', value, this.span());
  }
  float(value: number): Ir {
    return this.ir.constant('float', value, this.span());
  }
  bool(value: boolean): Ir {
    return this.ir.constant('bool', value ? 1 : 0, this.span());
  }
  param(index: number, type: ScalarType): Ir {
    return this.ir.make({ op: 'param', index, type, span: this.span() });
  }
  tensor(tensor: number, type: ScalarType, ...indices: Ir[]): Ir {
    return this.ir.make({ op: 'tensor', tensor, type, indices, span: this.span() });
  }
  unary(fn: UnaryFn, a: Ir): Ir {
    return this.ir.make({
      op: 'unary',
      fn,
      type: fn === 'not' ? 'bool' : a.type,
      a,
      span: this.span(),
    });
  }
  /** Comparisons and logic give bools, `/` a float, the rest the left operand's type. */
  bin(fn: BinaryFn, a: Ir, b: Ir): Ir {
    const type: ScalarType = COMPARE.has(fn) ? 'bool' : fn === 'div' ? 'float' : a.type;
    return this.ir.make({ op: 'binary', fn, type, a, b, span: this.span() });
  }
  call(fn: MathFn, ...args: Ir[]): Ir {
    return this.ir.make({ op: 'call', fn, type: args[0].type, args, span: this.span() });
  }
  cast(type: ScalarType, a: Ir): Ir {
    return this.ir.make({ op: 'cast', type, a, span: this.span() });
  }
  select(cond: Ir, then: Ir, otherwise: Ir): Ir {
    return this.ir.make({
      op: 'select',
      type: then.type,
      cond,
      then,
      else: otherwise,
      span: this.span(),
    });
  }
}

export interface TestTensor {
  type: ScalarType;
  shape: number[];
  /** Row-major; bools as 0/1. */
  values: number[];
}

/** The fields of a CheckedProgram the back ends read (the rest belong to the front end). */
type BackEndFields = Pick<
  CheckedProgram,
  'params' | 'tensors' | 'mask' | 'score' | 'maskDeps' | 'scoreDeps'
>;

/** A CheckedProgram around hand-built entry points; tensors are packed one after another. */
export function irProgram(
  entries: { mask?: Ir; score?: Ir },
  tensors: TestTensor[] = [],
  params: { type: ScalarType; value: number }[] = [],
): CheckedProgram {
  const span = { start: 0, end: 0 };
  let offset = 0;
  const tensorInfos: TensorInfo[] = tensors.map((t, k) => {
    const info = { name: `t${k}`, ...t, offset, span };
    offset += t.values.length;
    return info;
  });
  const paramInfos: ParamInfo[] = params.map((p, k) => ({ name: `p${k}`, ...p, span }));
  const none = { b: false, h: false };
  const program: BackEndFields = {
    params: paramInfos,
    tensors: tensorInfos,
    mask: entries.mask,
    score: entries.score,
    maskDeps: entries.mask ? dependence(entries.mask) : none,
    scoreDeps: entries.score ? dependence(entries.score) : none,
  };
  // The back ends never read the front end's fields (syntax, coverage, export).
  return program as CheckedProgram;
}

/** Every back end on one program, as compile() would wire them. */
export function backEnds(program: CheckedProgram): {
  wgsl: string;
  wgslBounds: string;
  mask(b: number, h: number, q: number, kv: number): boolean;
  score(score: number, b: number, h: number, q: number, kv: number): number;
  /** mask_mod's entry point evaluated in f32 (for int or float results, not just bools). */
  maskValue(score: number, b: number, h: number, q: number, kv: number): number;
  bounds(b: number, h: number, qLo: number, qHi: number, kvLo: number, kvHi: number): Tri;
} {
  const mask = program.mask ? buildCpuFunction(program.mask, program, 'f32') : undefined;
  const score = program.score ? buildCpuFunction(program.score, program, 'f64') : undefined;
  return {
    wgsl: emitWgsl(program),
    wgslBounds: emitWgslBounds(program),
    mask: (b, h, q, kv) => (mask ? mask(0, b, h, q, kv) !== 0 : true),
    score: (s, b, h, q, kv) => (score ? score(s, b, h, q, kv) : s),
    maskValue: (s, b, h, q, kv) => (mask ? mask(s, b, h, q, kv) : NaN),
    bounds: (b, h, qLo, qHi, kvLo, kvHi) => boundsOf(program, b, h, qLo, qHi, kvLo, kvHi),
  };
}

/** Python's `t[i0, i1, ...]` on a row-major tensor: negative indices from the end, else 0. */
export function pythonRead(t: TestTensor, indices: number[]): number {
  let flat = 0;
  for (let k = 0; k < t.shape.length; k += 1) {
    const n = t.shape[k];
    const i = indices[k] < 0 ? indices[k] + n : indices[k];
    if (i < 0 || i >= n) return 0;
    flat = flat * n + i;
  }
  return t.values[flat];
}
