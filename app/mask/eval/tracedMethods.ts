/**
 * torch functions and Tensor methods on traced values: one table serves both spellings
 * (`torch.clamp(x, min=0)` and `x.clamp(min=0)`, `torch.where(c, x, y)` and `x.where(c, y)`).
 * Each entry takes the tensor argument first, as torch's own signatures do.
 */
import type { MathFn } from '../ir';
import type { ScalarType } from '../types';
import { bindArgs } from './args';
import type { Runtime } from './runtime';
import { TraceError } from './pyerrors';
import { CONTROL_FLOW_MESSAGE } from './traced';
import {
  NONE,
  native,
  pyBool,
  pyInt,
  pyTuple,
  type CallArgs,
  type CallContext,
  type PyValue,
} from './values';

type TracedFn = (args: CallArgs, ctx: CallContext, runtime: Runtime) => PyValue;

const DTYPE_TYPES: Record<string, ScalarType> = {
  bool: 'bool',
  uint8: 'int',
  int32: 'int',
  int64: 'int',
  float32: 'float',
  float64: 'float',
};

function typeOfDtype(v: PyValue | undefined): ScalarType | undefined {
  if (v?.kind === 'dtype') return DTYPE_TYPES[v.dtype];
  return undefined;
}

function unaryMath(fn: MathFn): TracedFn {
  return (args, ctx, runtime) => {
    const [x] = bindArgs(fn, args, ['input'], 1, ctx);
    return runtime.tracer.math(fn, [x ?? NONE], ctx.span, `torch.${fn}`);
  };
}

function binaryOp(
  op: '+' | '-' | '*' | '/' | '//' | '%' | '**' | '&' | '|' | '^' | '<<' | '>>',
): TracedFn {
  return (args, ctx, runtime) => {
    const [a, b] = bindArgs(
      'op',
      {
        positional: args.positional,
        keywords: new Map([...args.keywords].filter(([k]) => k !== 'alpha')),
      },
      ['input', 'other'],
      2,
      ctx,
    );
    return runtime.tracer.binary(op, a ?? NONE, b ?? NONE, ctx.span);
  };
}

function compareOp(op: '<' | '<=' | '>' | '>=' | '==' | '!='): TracedFn {
  return (args, ctx, runtime) => {
    const [a, b] = bindArgs('compare', args, ['input', 'other'], 2, ctx);
    return runtime.tracer.compare(op, a ?? NONE, b ?? NONE, ctx.span);
  };
}

function logical(op: '&' | '|' | '^'): TracedFn {
  return (args, ctx, runtime) => {
    const [a, b] = bindArgs('logical', args, ['input', 'other'], 2, ctx);
    const t = runtime.tracer;
    const x = t.convert(a ?? NONE, 'bool', ctx.span);
    const y = t.convert(b ?? NONE, 'bool', ctx.span);
    return t.binary(op, x, y, ctx.span);
  };
}

function conversion(to: ScalarType): TracedFn {
  return (args, ctx, runtime) => runtime.tracer.convert(args.positional[0] ?? NONE, to, ctx.span);
}

function identity(args: CallArgs): PyValue {
  return args.positional[0] ?? NONE;
}

/** `x.new_ones(size, dtype=...)` and friends: a traced constant (a 0-d result only). */
function newConstant(fill: number | 'arg'): TracedFn {
  return (args, ctx, runtime) => {
    const [self, size, third] = args.positional;
    const value = fill === 'arg' ? third : pyInt(fill);
    const shape = size ?? NONE;
    if (shape.kind === 'tuple' && shape.items.length > 0) {
      throw new TraceError(
        'NotImplementedError',
        'new_ones / new_zeros / new_full with a non-empty size are not supported while tracing: use size ()',
      );
    }
    const selfType = self?.kind === 'sym' ? self.ir.type : 'int';
    const type = typeOfDtype(args.keywords.get('dtype')) ?? selfType;
    return runtime.tracer.constantLike(value ?? NONE, type, ctx.span);
  };
}

function likeConstant(fill: number | 'arg'): TracedFn {
  return (args, ctx, runtime) => {
    const [self, second] = args.positional;
    const value = fill === 'arg' ? (second ?? args.keywords.get('fill_value')) : pyInt(fill);
    const selfType = self?.kind === 'sym' ? self.ir.type : 'int';
    const type = typeOfDtype(args.keywords.get('dtype')) ?? selfType;
    return runtime.tracer.constantLike(value ?? NONE, type, ctx.span);
  };
}

function clamp(args: CallArgs, ctx: CallContext, runtime: Runtime): PyValue {
  const [x, lo, hi] = bindArgs('clamp', args, ['input', 'min', 'max'], 1, ctx);
  if ((lo === undefined || lo.kind === 'none') && (hi === undefined || hi.kind === 'none')) {
    ctx.raise('RuntimeError', "torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  return runtime.tracer.clamp(x ?? NONE, lo, hi, ctx.span);
}

function to(args: CallArgs, ctx: CallContext, runtime: Runtime): PyValue {
  const self = args.positional[0] ?? NONE;
  const dtype = [...args.positional.slice(1), args.keywords.get('dtype')].find(
    (v) => v?.kind === 'dtype',
  );
  const type = typeOfDtype(dtype);
  return type ? runtime.tracer.convert(self, type, ctx.span) : self;
}

function noItem(): PyValue {
  throw new TraceError(
    'RuntimeError',
    `.item() / .tolist() of a traced value: ${CONTROL_FLOW_MESSAGE}`,
  );
}

function maxOrMin(which: 'max' | 'min'): TracedFn {
  return (args, ctx, runtime) => {
    if (args.positional.length === 2 && args.keywords.size === 0) {
      return runtime.tracer.math(
        which,
        [args.positional[0], args.positional[1]],
        ctx.span,
        `torch.${which}`,
      );
    }
    throw new TraceError(
      'NotImplementedError',
      `torch.${which} over a dimension of a traced value is not supported; use torch.${which === 'max' ? 'maximum' : 'minimum'}(a, b)`,
    );
  };
}

/** Every traced torch function / Tensor method flexmask implements, by name. */
export const TRACED_FUNCTIONS: Record<string, TracedFn> = {
  where: (args, ctx, runtime) => {
    const [c, x, y] = bindArgs('where', args, ['condition', 'input', 'other'], 3, ctx);
    return runtime.tracer.where(c ?? NONE, x ?? NONE, y ?? NONE, ctx.span);
  },
  abs: unaryMath('abs'),
  absolute: unaryMath('abs'),
  sign: unaryMath('sign'),
  sgn: unaryMath('sign'),
  exp: unaryMath('exp'),
  exp2: unaryMath('exp2'),
  log: unaryMath('log'),
  log2: unaryMath('log2'),
  log1p: unaryMath('log1p'),
  expm1: unaryMath('expm1'),
  sqrt: unaryMath('sqrt'),
  rsqrt: unaryMath('rsqrt'),
  sigmoid: unaryMath('sigmoid'),
  tanh: unaryMath('tanh'),
  sin: unaryMath('sin'),
  cos: unaryMath('cos'),
  erf: unaryMath('erf'),
  floor: unaryMath('floor'),
  ceil: unaryMath('ceil'),
  round: unaryMath('round'),
  trunc: unaryMath('trunc'),
  relu: unaryMath('relu'),
  gelu: (args, ctx, runtime) => {
    const [x, approximate] = bindArgs('gelu', args, ['input', 'approximate'], 1, ctx);
    const fn = approximate?.kind === 'str' && approximate.value === 'tanh' ? 'gelu_tanh' : 'gelu';
    return runtime.tracer.math(fn, [x ?? NONE], ctx.span, 'gelu');
  },
  softplus: (args, ctx, runtime) => {
    const [x] = bindArgs('softplus', args, ['input', 'beta', 'threshold'], 1, ctx);
    const t = runtime.tracer;
    return t.math(
      'log1p',
      [t.math('exp', [x ?? NONE], ctx.span, 'softplus')],
      ctx.span,
      'softplus',
    );
  },
  silu: (args, ctx, runtime) => {
    const [x] = bindArgs('silu', args, ['input'], 1, ctx);
    const t = runtime.tracer;
    return t.binary('*', x ?? NONE, t.math('sigmoid', [x ?? NONE], ctx.span, 'silu'), ctx.span);
  },
  square: (args, ctx, runtime) =>
    runtime.tracer.binary('*', args.positional[0] ?? NONE, args.positional[0] ?? NONE, ctx.span),
  neg: (args, ctx, runtime) => runtime.tracer.unary('-', args.positional[0] ?? NONE, ctx.span),
  negative: (args, ctx, runtime) => runtime.tracer.unary('-', args.positional[0] ?? NONE, ctx.span),
  minimum: (args, ctx, runtime) =>
    runtime.tracer.math('min', args.positional.slice(0, 2), ctx.span, 'torch.minimum'),
  maximum: (args, ctx, runtime) =>
    runtime.tracer.math('max', args.positional.slice(0, 2), ctx.span, 'torch.maximum'),
  fmin: (args, ctx, runtime) =>
    runtime.tracer.math('min', args.positional.slice(0, 2), ctx.span, 'torch.fmin'),
  fmax: (args, ctx, runtime) =>
    runtime.tracer.math('max', args.positional.slice(0, 2), ctx.span, 'torch.fmax'),
  max: maxOrMin('max'),
  min: maxOrMin('min'),
  clamp,
  clip: clamp,
  clamp_min: (args, ctx, runtime) =>
    runtime.tracer.clamp(
      args.positional[0] ?? NONE,
      args.positional[1] ?? args.keywords.get('min'),
      undefined,
      ctx.span,
    ),
  clamp_max: (args, ctx, runtime) =>
    runtime.tracer.clamp(
      args.positional[0] ?? NONE,
      undefined,
      args.positional[1] ?? args.keywords.get('max'),
      ctx.span,
    ),
  add: binaryOp('+'),
  sub: binaryOp('-'),
  subtract: binaryOp('-'),
  mul: binaryOp('*'),
  multiply: binaryOp('*'),
  div: (args, ctx, runtime) => {
    const mode = args.keywords.get('rounding_mode');
    const rest = new Map([...args.keywords].filter(([k]) => k !== 'rounding_mode'));
    if (mode?.kind === 'str' && mode.value === 'floor')
      return binaryOp('//')({ positional: args.positional, keywords: rest }, ctx, runtime);
    if (mode?.kind === 'str' && mode.value === 'trunc') {
      const q = binaryOp('/')({ positional: args.positional, keywords: rest }, ctx, runtime);
      const both = args.positional.slice(0, 2).map((v) => runtime.tracer.toIr(v, ctx.span));
      const truncated = runtime.tracer.math('trunc', [q], ctx.span, 'div');
      return both.every((n) => n !== undefined && n.type !== 'float')
        ? runtime.tracer.convert(truncated, 'int', ctx.span)
        : truncated;
    }
    return binaryOp('/')({ positional: args.positional, keywords: rest }, ctx, runtime);
  },
  divide: binaryOp('/'),
  true_divide: binaryOp('/'),
  floor_divide: binaryOp('//'),
  remainder: binaryOp('%'),
  pow: binaryOp('**'),
  bitwise_and: binaryOp('&'),
  bitwise_or: binaryOp('|'),
  bitwise_xor: binaryOp('^'),
  bitwise_left_shift: binaryOp('<<'),
  bitwise_right_shift: binaryOp('>>'),
  bitwise_not: (args, ctx, runtime) =>
    runtime.tracer.unary('~', args.positional[0] ?? NONE, ctx.span),
  logical_and: logical('&'),
  logical_or: logical('|'),
  logical_xor: logical('^'),
  logical_not: (args, ctx, runtime) =>
    runtime.tracer.unary(
      '~',
      runtime.tracer.convert(args.positional[0] ?? NONE, 'bool', ctx.span),
      ctx.span,
    ),
  eq: compareOp('=='),
  ne: compareOp('!='),
  not_equal: compareOp('!='),
  lt: compareOp('<'),
  less: compareOp('<'),
  le: compareOp('<='),
  gt: compareOp('>'),
  greater: compareOp('>'),
  ge: compareOp('>='),
  full_like: likeConstant('arg'),
  ones_like: likeConstant(1),
  zeros_like: likeConstant(0),
  dot: (args, ctx, runtime) =>
    runtime.tracer.dot(args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
  inner: (args, ctx, runtime) =>
    runtime.tracer.dot(args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
  matmul: (args, ctx, runtime) =>
    runtime.tracer.dot(args.positional[0] ?? NONE, args.positional[1] ?? NONE, ctx.span),
  sum: (args, ctx, runtime) => {
    const x = args.positional[0] ?? NONE;
    return x.kind === 'symtable' ? runtime.tracer.sum(x, ctx.span) : x;
  },
};

/** Methods only (no torch.<name> function of the same meaning). */
const TRACED_METHODS: Record<string, TracedFn> = {
  to,
  type: to,
  long: conversion('int'),
  int: conversion('int'),
  short: conversion('int'),
  bool: conversion('bool'),
  float: conversion('float'),
  double: conversion('float'),
  new_ones: newConstant(1),
  new_zeros: newConstant(0),
  new_full: newConstant('arg'),
  item: noItem,
  tolist: noItem,
  __bool__: noItem,
  cpu: identity,
  cuda: identity,
  detach: identity,
  clone: identity,
  contiguous: identity,
  view: identity,
  reshape: identity,
  squeeze: identity,
  unsqueeze: identity,
  flatten: identity,
  expand: identity,
  numel: () => pyInt(1),
  dim: () => pyInt(0),
  size: () => pyTuple([]),
  is_floating_point: (args) =>
    pyBool(args.positional[0]?.kind === 'sym' && args.positional[0].ir.type === 'float'),
  where: (args, ctx, runtime) => {
    const [self, condition, other] = args.positional;
    return runtime.tracer.where(condition ?? NONE, self ?? NONE, other ?? NONE, ctx.span);
  },
};

/** `x.<name>` for a traced value: a property or a bound method, or undefined. */
export function tracedAttribute(
  self: PyValue,
  name: string,
  runtime: Runtime,
): PyValue | undefined {
  if (name === 'shape')
    return self.kind === 'symtable' ? pyTuple(self.shape.map((n) => pyInt(n))) : pyTuple([]);
  if (name === 'ndim') return pyInt(self.kind === 'symtable' ? self.shape.length : 0);
  if (name === 'device') return { kind: 'device', name: 'cpu' };
  if (name === 'T' || name === 'mT') return self;
  if (name === 'dtype' && self.kind === 'sym') {
    return {
      kind: 'dtype',
      dtype: self.ir.type === 'bool' ? 'bool' : self.ir.type === 'int' ? 'int64' : 'float32',
    };
  }
  const fn = TRACED_METHODS[name] ?? TRACED_FUNCTIONS[name] ?? inplaceVariant(name);
  if (fn === undefined) return undefined;
  return native(`Tensor.${name}`, (args, ctx) =>
    fn({ positional: [self, ...args.positional], keywords: args.keywords }, ctx, runtime),
  );
}

function inplaceVariant(name: string): TracedFn | undefined {
  if (!name.endsWith('_')) return undefined;
  const base = TRACED_FUNCTIONS[name.slice(0, -1)];
  if (base === undefined) return undefined;
  return () => {
    throw new TraceError(
      'NotImplementedError',
      `in-place ${name}() on a traced value is not supported: write x = x.${name.slice(0, -1)}(...)`,
    );
  };
}

/** Calls a traced torch function; a TraceError becomes the Python exception it describes. */
export function callTraced(
  name: string,
  args: CallArgs,
  ctx: CallContext,
  runtime: Runtime,
): PyValue | undefined {
  const fn = TRACED_FUNCTIONS[name];
  if (fn === undefined) return undefined;
  try {
    return fn(args, ctx, runtime);
  } catch (error) {
    if (error instanceof TraceError) return runtime.raiseTrace(error);
    throw error;
  }
}
