/**
 * `torch.<name>` for element-wise math and comparisons: arithmetic with PyTorch's promotion,
 * comparisons and logical ops, the unary functions, rounding, isclose / allclose, where, clamp
 * and masked_fill. Reductions, scans, sorting and searching are torchConcreteReductions.ts.
 */
import { castValue, isFloating } from '../tensor/dtype';
import {
  astype,
  binary,
  clamp,
  compare,
  logical,
  mapUnary,
  maskedFill,
  resultType,
  roundHalfEven,
  unary,
  where,
  type BinaryOp,
  type CompareOp,
  type LogicalOp,
  type UnaryOp,
} from '../tensor/elementwise';
import { NdArray, broadcastShapes, emptyArray, valuesOf } from '../tensor/ndarray';
import { expand, reshape } from '../tensor/strided';
import { reduce } from '../tensor/reductions';
import {
  boolArg,
  floatArg,
  intArg,
  isNone,
  operandArg,
  strArg,
  tensorArg,
  type Args,
  type Env,
  T,
  define,
  operands,
  optOperand,
  type Table,
} from './torchConcreteArgs';
import { pyBool } from './values';
import { nonzeroTuple } from './torchConcreteReductions';

const F: Table = {};
export const MATH_FUNCTIONS = F;
// ---------------------------------------------------------------------------------------------
// Element-wise

const BINARY: [string[], BinaryOp][] = [
  [['mul', 'multiply'], 'mul'],
  [['true_divide'], 'div'],
  [['floor_divide'], 'floor_divide'],
  [['remainder'], 'remainder'],
  [['fmod'], 'fmod'],
  [['bitwise_and'], 'bitwise_and'],
  [['bitwise_or'], 'bitwise_or'],
  [['bitwise_xor'], 'bitwise_xor'],
  [['bitwise_left_shift'], 'left_shift'],
  [['bitwise_right_shift'], 'right_shift'],
  [['minimum'], 'minimum'],
  [['maximum'], 'maximum'],
  [['fmin'], 'fmin'],
  [['fmax'], 'fmax'],
  [['atan2', 'arctan2'], 'atan2'],
  [['hypot'], 'hypot'],
];
for (const [names, op] of BINARY) {
  define(F, names, ['input', 'other'], (a, env) => {
    const [x, y] = operands(a, env, 'input', 'other');
    return T(binary(op, x, y, env.budget));
  });
}

define(F, ['add'], ['input', 'other', '*', 'alpha='], (a, env) => {
  const [x, y] = operands(a, env, 'input', 'other');
  return T(binary('add', x, y, env.budget, floatArg(a.alpha, env, 'alpha', 1)));
});
define(F, ['sub', 'subtract'], ['input', 'other', '*', 'alpha='], (a, env) => {
  const [x, y] = operands(a, env, 'input', 'other');
  return T(binary('sub', x, y, env.budget, floatArg(a.alpha, env, 'alpha', 1)));
});
define(F, ['div', 'divide'], ['input', 'other', '*', 'rounding_mode='], (a, env) => {
  const [x, y] = operands(a, env, 'input', 'other');
  const mode = isNone(a.rounding_mode) ? 'none' : strArg(a.rounding_mode, env, 'rounding_mode', '');
  if (mode !== 'none' && mode !== 'trunc' && mode !== 'floor') {
    return env.ctx.raise(
      'RuntimeError',
      `div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`,
    );
  }
  const op: BinaryOp =
    mode === 'trunc' ? 'trunc_divide' : mode === 'floor' ? 'floor_divide' : 'div';
  return T(binary(op, x, y, env.budget));
});
define(F, ['pow'], ['input', 'exponent'], (a, env) => {
  const [x, y] = operands(a, env, 'input', 'exponent');
  return T(binary('pow', x, y, env.budget));
});

const COMPARE: [string[], CompareOp][] = [
  [['eq'], 'eq'],
  [['ne', 'not_equal'], 'ne'],
  [['lt', 'less'], 'lt'],
  [['le', 'less_equal'], 'le'],
  [['gt', 'greater'], 'gt'],
  [['ge', 'greater_equal'], 'ge'],
];
for (const [names, op] of COMPARE) {
  define(F, names, ['input', 'other'], (a, env) => {
    const [x, y] = operands(a, env, 'input', 'other');
    return T(compare(op, x, y, env.budget));
  });
}

for (const op of ['logical_and', 'logical_or', 'logical_xor'] as LogicalOp[]) {
  define(F, [op], ['input', 'other'], (a, env) => {
    const [x, y] = operands(a, env, 'input', 'other');
    return T(logical(op, x, y, env.budget));
  });
}

const UNARY: [string[], UnaryOp][] = [
  [['neg', 'negative'], 'neg'],
  [['abs', 'absolute'], 'abs'],
  [['bitwise_not'], 'bitwise_not'],
  [['logical_not'], 'logical_not'],
  [['exp'], 'exp'],
  [['exp2'], 'exp2'],
  [['expm1'], 'expm1'],
  [['log'], 'log'],
  [['log2'], 'log2'],
  [['log10'], 'log10'],
  [['log1p'], 'log1p'],
  [['sqrt'], 'sqrt'],
  [['rsqrt'], 'rsqrt'],
  [['sin'], 'sin'],
  [['cos'], 'cos'],
  [['tan'], 'tan'],
  [['asin', 'arcsin'], 'asin'],
  [['acos', 'arccos'], 'acos'],
  [['atan', 'arctan'], 'atan'],
  [['sinh'], 'sinh'],
  [['cosh'], 'cosh'],
  [['tanh'], 'tanh'],
  [['sigmoid'], 'sigmoid'],
  [['erf'], 'erf'],
  [['reciprocal'], 'reciprocal'],
  [['floor'], 'floor'],
  [['ceil'], 'ceil'],
  [['trunc', 'fix'], 'trunc'],
  [['frac'], 'frac'],
  [['sign', 'sgn'], 'sign'],
  [['square'], 'square'],
  [['relu'], 'relu'],
  [['isnan'], 'isnan'],
  [['isinf'], 'isinf'],
  [['isfinite'], 'isfinite'],
];
for (const [names, op] of UNARY) {
  define(F, names, ['input'], (a, env) => T(unary(op, tensorArg(a.input, env), env.budget)));
}
define(F, ['positive'], ['input'], (a, env) => {
  const x = tensorArg(a.input, env);
  if (x.dtype === 'bool') {
    return env.ctx.raise('RuntimeError', 'The `+` operator, on a bool tensor is not supported.');
  }
  return T(x);
});

define(F, ['round'], ['input', '*', 'decimals='], (a, env) => {
  const x = tensorArg(a.input, env);
  const decimals = intArg(a.decimals, env, 'decimals', 0);
  if (decimals === 0 || !isFloating(x.dtype)) return T(unary('round', x, env.budget));
  const scale = 10 ** Math.abs(decimals);
  return T(
    mapUnary(
      x,
      x.dtype,
      decimals > 0
        ? (v) => roundHalfEven(castValue(v * scale, x.dtype)) / scale
        : (v) => roundHalfEven(castValue(v / scale, x.dtype)) * scale,
      env.budget,
    ),
  );
});

define(F, ['isclose'], ['input', 'other', 'rtol=', 'atol=', 'equal_nan='], (a, env) => {
  return T(isClose(a, env));
});
define(F, ['allclose'], ['input', 'other', 'rtol=', 'atol=', 'equal_nan='], (a, env) => {
  const close = isClose(a, env);
  return pyBool(reduce('all', close, null, false, env.budget).data[0] !== 0);
});

function isClose(a: Args, env: Env): NdArray {
  const x = tensorArg(a.input, env);
  const y = tensorArg(a.other, env, 'other');
  const rtol = floatArg(a.rtol, env, 'rtol', 1e-5);
  const atol = floatArg(a.atol, env, 'atol', 1e-8);
  const equalNan = boolArg(a.equal_nan, env, 'equal_nan', false);
  const t = resultType(x, y);
  const xs = astype(x, isFloating(t) ? t : 'float64', env.budget);
  const ys = astype(y, isFloating(t) ? t : 'float64', env.budget);
  const shape = broadcastShapes(xs.shape, ys.shape);
  const xv = valuesOf(reshape(expand(xs, shape), [-1], env.budget), env.budget);
  const yv = valuesOf(reshape(expand(ys, shape), [-1], env.budget), env.budget);
  const out = emptyArray(shape, 'bool', env.budget);
  for (let i = 0; i < out.data.length; i++) {
    const p = xv[i];
    const q = yv[i];
    const close =
      p === q ||
      (equalNan && Number.isNaN(p) && Number.isNaN(q)) ||
      (Number.isFinite(p) && Number.isFinite(q) && Math.abs(p - q) <= atol + rtol * Math.abs(q));
    out.data[i] = close ? 1 : 0;
  }
  return out;
}

define(F, ['equal'], ['input', 'other'], (a, env) => {
  const x = tensorArg(a.input, env);
  const y = tensorArg(a.other, env, 'other');
  if (x.ndim !== y.ndim || x.shape.some((s, d) => s !== y.shape[d])) return pyBool(false);
  const eq = compare('eq', x, y, env.budget);
  return pyBool(reduce('all', eq, null, false, env.budget).data[0] !== 0);
});

define(F, ['where'], ['condition', 'input=', 'other='], (a, env) => {
  const cond = tensorArg(a.condition, env, 'condition');
  if (a.input === undefined && a.other === undefined) {
    return nonzeroTuple(cond, env);
  }
  const x = operandArg(a.input, env, 'input');
  const y = operandArg(a.other, env, 'other');
  return T(where(cond, x, y, env.budget));
});

define(F, ['clamp', 'clip'], ['input', 'min=', 'max='], (a, env) => {
  const x = tensorArg(a.input, env);
  return T(clamp(x, optOperand(a.min, env, 'min'), optOperand(a.max, env, 'max'), env.budget));
});
define(F, ['clamp_min'], ['input', 'min'], (a, env) =>
  T(clamp(tensorArg(a.input, env), operandArg(a.min, env, 'min'), undefined, env.budget)),
);
define(F, ['clamp_max'], ['input', 'max'], (a, env) =>
  T(clamp(tensorArg(a.input, env), undefined, operandArg(a.max, env, 'max'), env.budget)),
);

define(F, ['masked_fill'], ['input', 'mask', 'value'], (a, env) => {
  const x = tensorArg(a.input, env);
  const mask = tensorArg(a.mask, env, 'mask');
  return T(maskedFill(x, mask, operandArg(a.value, env, 'value'), env.budget));
});
