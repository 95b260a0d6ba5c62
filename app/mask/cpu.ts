/**
 * The CPU back end: closures built once from the checked DAG (no eval), computing exactly what the
 * WGSL computes. Ints wrap as i32 (Math.imul, `| 0`). Floats are rounded to f32 after every
 * operation in the mask evaluator, so mask decisions match the GPU's; the score evaluator keeps
 * float64, as the reference does. A math function is computed in float64 and rounded once
 * (semantics.ts floatMath; the WGSL helpers are within an ulp or two of that), except sigmoid, gelu
 * and gelu_tanh, which round every step as the WGSL does. Shared nodes are computed once per call
 * into numbered slots, in the same order the WGSL binds them to `let`s. Tensors have 1 to 4 axes.
 */
import type { CheckedProgram } from './eval/program';
import { MAX_TENSOR_RANK, sharedNodes, type ArgName, type Ir } from './ir';
import {
  floatFloorDiv,
  floatMath,
  floatMod,
  floatPow,
  intAdd,
  intFloorDiv,
  intMath,
  intMod,
  intMul,
  intNeg,
  intPow,
  intShl,
  intShr,
  intSub,
  toF32,
  toF64,
  wrapIndex,
  type FloatRound,
} from './semantics';

/** Argument slots: score, b, h, q_idx, kv_idx. */
const ARG_SLOT: Record<ArgName, number> = { score: 0, b: 1, h: 2, q_idx: 3, kv_idx: 4 };

interface Frame {
  args: Float64Array;
  slots: Float64Array;
}
type Thunk = (f: Frame) => number;

export type Precision = 'f32' | 'f64';

/** An evaluator of one entry point: args in the order score, b, h, q_idx, kv_idx. */
export interface CpuFunction {
  (score: number, b: number, h: number, qIdx: number, kvIdx: number): number;
}

export function buildCpuFunction(
  root: Ir,
  program: Pick<CheckedProgram, 'tensors' | 'params'>,
  precision: Precision,
): CpuFunction {
  const r: FloatRound = precision === 'f32' ? toF32 : toF64;
  const tensorData = program.tensors.map((t) =>
    t.type === 'float' ? Float64Array.from(t.values, (v) => r(v)) : Int32Array.from(t.values),
  );
  const paramValues = program.params.map((p) => (p.type === 'float' ? r(p.value) : p.value));
  const shared = sharedNodes(root);
  const slotOf = new Map<number, number>();
  const build = (node: Ir): Thunk => {
    const slot = slotOf.get(node.id);
    if (slot !== undefined) return (f) => f.slots[slot];
    return buildNode(node, build, r, tensorData, paramValues, program);
  };
  const steps: Thunk[] = [];
  shared.forEach((node, k) => {
    steps.push(build(node));
    slotOf.set(node.id, k);
  });
  const result = build(root);
  const frame: Frame = { args: new Float64Array(5), slots: new Float64Array(shared.length) };
  const count = steps.length;
  return (score, b, h, qIdx, kvIdx) => {
    const args = frame.args;
    args[0] = r(score);
    args[1] = b | 0;
    args[2] = h | 0;
    args[3] = qIdx | 0;
    args[4] = kvIdx | 0;
    for (let k = 0; k < count; k += 1) frame.slots[k] = steps[k](frame);
    return result(frame);
  };
}

function buildNode(
  node: Ir,
  build: (n: Ir) => Thunk,
  r: FloatRound,
  tensorData: (Int32Array | Float64Array)[],
  paramValues: number[],
  program: Pick<CheckedProgram, 'tensors'>,
): Thunk {
  switch (node.op) {
    case 'const': {
      const v = node.type === 'float' ? r(node.value) : node.value;
      return () => v;
    }
    case 'arg': {
      const k = ARG_SLOT[node.name];
      return (f) => f.args[k];
    }
    case 'param': {
      const v = paramValues[node.index];
      return () => v;
    }
    case 'tensor': {
      const data = tensorData[node.tensor];
      const shape = program.tensors[node.tensor].shape;
      if (shape.length !== node.indices.length || shape.length > MAX_TENSOR_RANK) {
        throw new Error(`a read of a ${shape.length}-D tensor with ${node.indices.length} indices`);
      }
      const idx = node.indices.map(build);
      const [i0, i1] = idx;
      // 1-D and 2-D reads (the common ones) unrolled; any rank by the loop below.
      if (shape.length === 1) {
        const n0 = shape[0];
        return (f) => {
          const a = wrapIndex(i0(f), n0);
          return a < 0 ? 0 : data[a];
        };
      }
      if (shape.length === 2) {
        const [n0, n1] = shape;
        return (f) => {
          const a = wrapIndex(i0(f), n0);
          const c = wrapIndex(i1(f), n1);
          return a < 0 || c < 0 ? 0 : data[a * n1 + c];
        };
      }
      const rank = shape.length;
      return (f) => {
        // Row-major offset by Horner's rule, as the WGSL fm_read3 / fm_read4 compute it.
        let flat = 0;
        for (let k = 0; k < rank; k += 1) {
          const a = wrapIndex(idx[k](f), shape[k]);
          if (a < 0) return 0;
          flat = flat * shape[k] + a;
        }
        return data[flat];
      };
    }
    case 'unary': {
      const a = build(node.a);
      if (node.fn === 'not') return (f) => (a(f) === 0 ? 1 : 0);
      if (node.fn === 'bitnot') return (f) => ~a(f);
      return node.type === 'int' ? (f) => intNeg(a(f)) : (f) => -a(f);
    }
    case 'cast': {
      const a = build(node.a);
      if (node.type === 'bool') return (f) => (a(f) !== 0 ? 1 : 0);
      if (node.type === 'float' && node.a.type === 'int') return (f) => r(a(f));
      return a;
    }
    case 'select': {
      const c = build(node.cond);
      const t = build(node.then);
      const e = build(node.else);
      return (f) => (c(f) !== 0 ? t(f) : e(f));
    }
    case 'call': {
      const [a, b] = node.args.map(build);
      if (node.fn === 'min') return (f) => Math.min(a(f), b(f));
      if (node.fn === 'max') return (f) => Math.max(a(f), b(f));
      const fn = node.type === 'int' ? intMath(node.fn) : floatMath(node.fn, r);
      if (fn === undefined) throw new Error(`${node.fn} of an int`);
      return (f) => fn(a(f));
    }
    case 'binary':
      return buildBinary(node, build(node.a), build(node.b), r);
  }
}

function buildBinary(
  node: Extract<Ir, { op: 'binary' }>,
  a: Thunk,
  b: Thunk,
  r: FloatRound,
): Thunk {
  const isFloat = node.a.type === 'float';
  switch (node.fn) {
    case 'add':
      return isFloat ? (f) => r(a(f) + b(f)) : (f) => intAdd(a(f), b(f));
    case 'sub':
      return isFloat ? (f) => r(a(f) - b(f)) : (f) => intSub(a(f), b(f));
    case 'mul':
      return isFloat ? (f) => r(a(f) * b(f)) : (f) => intMul(a(f), b(f));
    case 'div':
      return (f) => r(a(f) / b(f));
    case 'floordiv':
      return isFloat ? (f) => floatFloorDiv(a(f), b(f), r) : (f) => intFloorDiv(a(f), b(f));
    case 'mod':
      return isFloat ? (f) => floatMod(a(f), b(f), r) : (f) => intMod(a(f), b(f));
    case 'pow':
      return isFloat ? (f) => floatPow(a(f), b(f), r) : (f) => intPow(a(f), b(f));
    case 'bitand':
      return (f) => a(f) & b(f);
    case 'bitor':
      return (f) => a(f) | b(f);
    case 'bitxor':
      return (f) => a(f) ^ b(f);
    case 'shl':
      return (f) => intShl(a(f), b(f));
    case 'shr':
      return (f) => intShr(a(f), b(f));
    case 'lt':
      return (f) => (a(f) < b(f) ? 1 : 0);
    case 'le':
      return (f) => (a(f) <= b(f) ? 1 : 0);
    case 'gt':
      return (f) => (a(f) > b(f) ? 1 : 0);
    case 'ge':
      return (f) => (a(f) >= b(f) ? 1 : 0);
    case 'eq':
      return (f) => (a(f) === b(f) ? 1 : 0);
    case 'ne':
      return (f) => (a(f) !== b(f) ? 1 : 0);
    case 'land':
      return (f) => (a(f) !== 0 && b(f) !== 0 ? 1 : 0);
    case 'lor':
      return (f) => (a(f) !== 0 || b(f) !== 0 ? 1 : 0);
  }
}
