/**
 * `torch.<name>` for element-wise math, comparisons, reductions, scans, sorting and searching.
 */
import { castValue, isFloating, type DType } from '../tensor/dtype';
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
import { diff } from '../tensor/creation';
import {
  NdArray,
  broadcastShapes,
  cloneArray,
  emptyArray,
  normalizeDim,
  scalarArray,
  valuesOf,
} from '../tensor/ndarray';
import { expand, reshape, sliceDim, squeeze } from '../tensor/views';
import { argReduce, cumulative, maxMinDim, reduce, type ReduceOp } from '../tensor/reductions';
import { bucketize, nonzero, searchsorted, sort, unique } from '../tensor/sorting';
import {
  boolArg,
  dimsArg,
  dtypeArg,
  floatArg,
  intArg,
  isNone,
  operandArg,
  optIntArg,
  optTensorArg,
  scalarOf,
  strArg,
  tensorArg,
  type Args,
  type Env,
  T,
  define,
  floatInput,
  named,
  operands,
  optOperand,
  tensors,
  type Table,
} from './torchConcreteArgs';
import { pyBool, pyTuple, type PyValue } from './values';

const F: Table = {};
const FUNCTIONAL: Table = {};
export const MATH_FUNCTIONS = F;
/** softmax and log_softmax also live in torch.nn.functional. */
export const MATH_FUNCTIONAL = FUNCTIONAL;
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

function nonzeroTuple(x: NdArray, env: Env): PyValue {
  const nz = nonzero(x, env.budget);
  const count = nz.shape[0];
  const columns: NdArray[] = [];
  for (let j = 0; j < Math.max(x.ndim, 1); j++) {
    columns.push(
      x.ndim === 0
        ? new NdArray('int64', [count], [1], 0, new Float64Array(count))
        : cloneArray(new NdArray('int64', [count], [x.ndim], j, nz.data), env.budget),
    );
  }
  return tensors(columns);
}

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

// ---------------------------------------------------------------------------------------------
// Reductions

function reduction(names: string[], op: ReduceOp, withDType: boolean): void {
  const spec = withDType
    ? ['input', 'dim=', 'keepdim=', '*', 'dtype=']
    : ['input', 'dim=', 'keepdim='];
  define(F, names, spec, (a, env) => {
    const x = tensorArg(a.input, env);
    const dims = dimsArg(a.dim, env);
    const keepdim = boolArg(a.keepdim, env, 'keepdim', false);
    return T(reduce(op, x, dims, keepdim, env.budget, dtypeArg(a.dtype, env)));
  });
}
reduction(['sum'], 'sum', true);
reduction(['prod'], 'prod', true);
reduction(['mean'], 'mean', true);
reduction(['amax'], 'amax', false);
reduction(['amin'], 'amin', false);
reduction(['any'], 'any', false);
reduction(['all'], 'all', false);
define(F, ['count_nonzero'], ['input', 'dim='], (a, env) =>
  T(reduce('count_nonzero', tensorArg(a.input, env), dimsArg(a.dim, env), false, env.budget)),
);

for (const isMax of [true, false]) {
  const name = isMax ? 'max' : 'min';
  define(F, [name], ['input', 'dim=', 'keepdim=', '*', 'other='], (a, env) => {
    const x = tensorArg(a.input, env);
    const other = a.other ?? (a.dim?.kind === 'tensor' ? a.dim : undefined);
    if (other !== undefined) {
      return T(
        binary(isMax ? 'maximum' : 'minimum', x, tensorArg(other, env, 'other'), env.budget),
      );
    }
    if (isNone(a.dim)) return T(reduce(isMax ? 'amax' : 'amin', x, null, false, env.budget));
    const r = maxMinDim(
      x,
      intArg(a.dim, env, 'dim'),
      boolArg(a.keepdim, env, 'keepdim', false),
      isMax,
      env.budget,
    );
    return named(['values', 'indices'], [T(r.values), T(r.indices)]);
  });
  define(F, [isMax ? 'argmax' : 'argmin'], ['input', 'dim=', 'keepdim='], (a, env) => {
    const x = tensorArg(a.input, env);
    const keepdim = boolArg(a.keepdim, env, 'keepdim', false);
    return T(argReduce(x, optIntArg(a.dim, env, 'dim'), keepdim, isMax, env.budget));
  });
}

define(F, ['logsumexp'], ['input', 'dim', 'keepdim='], (a, env) => {
  const x = floatInput(tensorArg(a.input, env), env);
  const dims = dimsArg(a.dim, env);
  const keepdim = boolArg(a.keepdim, env, 'keepdim', false);
  const m = reduce('amax', x, dims, true, env.budget);
  // a row of -inf stays -inf instead of becoming nan
  const safe = mapUnary(m, m.dtype, (v) => (Number.isFinite(v) ? v : 0), env.budget);
  const s = reduce(
    'sum',
    unary('exp', binary('sub', x, safe, env.budget), env.budget),
    dims,
    true,
    env.budget,
  );
  const r = binary('add', unary('log', s, env.budget), safe, env.budget);
  return T(keepdim ? r : squeeze(r, dims ?? x.shape.map((_, d) => d)));
});

function softmax(x: NdArray, dim: number, log: boolean, env: Env): NdArray {
  const m = reduce('amax', x, [dim], true, env.budget);
  const shifted = binary('sub', x, m, env.budget);
  const e = unary('exp', shifted, env.budget);
  const s = reduce('sum', e, [dim], true, env.budget);
  return log
    ? binary('sub', shifted, unary('log', s, env.budget), env.budget)
    : binary('div', e, s, env.budget);
}

for (const log of [false, true]) {
  const names = log ? ['log_softmax'] : ['softmax'];
  const body = (a: Args, env: Env) => {
    const dtype = dtypeArg(a.dtype, env);
    let x = tensorArg(a.input, env);
    if (dtype) x = astype(x, dtype, env.budget);
    x = floatInput(x, env);
    return T(softmax(x, intArg(a.dim, env, 'dim'), log, env));
  };
  define(F, names, ['input', 'dim', 'dtype='], body);
  define(FUNCTIONAL, names, ['input', 'dim=', '_stacklevel=', 'dtype='], body);
}

for (const op of ['cumsum', 'cumprod'] as const) {
  define(F, [op], ['input', 'dim', '*', 'dtype='], (a, env) =>
    T(
      cumulative(
        op,
        tensorArg(a.input, env),
        intArg(a.dim, env, 'dim'),
        env.budget,
        dtypeArg(a.dtype, env),
      ),
    ),
  );
}

define(F, ['diff'], ['input', 'n=', 'dim=', 'prepend=', 'append='], (a, env) => {
  const x = tensorArg(a.input, env);
  return T(
    diff(
      x,
      intArg(a.n, env, 'n', 1),
      intArg(a.dim, env, 'dim', -1),
      optTensorArg(a.prepend, env, 'prepend'),
      optTensorArg(a.append, env, 'append'),
      env.budget,
    ),
  );
});

// ---------------------------------------------------------------------------------------------
// Sorting and searching

define(F, ['sort'], ['input', 'dim=', 'descending=', 'stable='], (a, env) => {
  const r = sort(
    tensorArg(a.input, env),
    intArg(a.dim, env, 'dim', -1),
    boolArg(a.descending, env, 'descending', false),
    env.budget,
  );
  return named(['values', 'indices'], [T(r.values), T(r.indices)]);
});
define(F, ['argsort'], ['input', 'dim=', 'descending=', 'stable='], (a, env) => {
  const r = sort(
    tensorArg(a.input, env),
    intArg(a.dim, env, 'dim', -1),
    boolArg(a.descending, env, 'descending', false),
    env.budget,
  );
  return T(r.indices);
});
define(F, ['msort'], ['input'], (a, env) =>
  T(sort(tensorArg(a.input, env), 0, false, env.budget).values),
);
define(F, ['topk'], ['input', 'k', 'dim=', 'largest=', 'sorted='], (a, env) => {
  const x = tensorArg(a.input, env);
  const k = intArg(a.k, env, 'k');
  const dim = normalizeDim(intArg(a.dim, env, 'dim', -1), x.ndim);
  const n = x.ndim === 0 ? 1 : x.shape[dim];
  if (k < 0 || k > n) return env.ctx.raise('RuntimeError', 'selected index k out of range');
  const r = sort(x, dim, boolArg(a.largest, env, 'largest', true), env.budget);
  const take = (t: NdArray) =>
    t.ndim === 0 ? t : cloneArray(sliceDim(t, dim, 0, k, 1), env.budget);
  return named(['values', 'indices'], [T(take(r.values)), T(take(r.indices))]);
});

define(
  F,
  ['unique'],
  ['input', 'sorted=', 'return_inverse=', 'return_counts=', 'dim='],
  (a, env) => {
    const x = tensorArg(a.input, env);
    if (!isNone(a.dim)) {
      return env.ctx.raise(
        'NotImplementedError',
        'flexmask: torch.unique(dim=...) is not supported; unique works on all elements',
      );
    }
    const r = unique(x, env.budget);
    const inverse = boolArg(a.return_inverse, env, 'return_inverse', false);
    const counts = boolArg(a.return_counts, env, 'return_counts', false);
    if (!inverse && !counts) return T(r.values);
    const items = [T(r.values)];
    if (inverse) items.push(T(r.inverse));
    if (counts) items.push(T(r.counts));
    return pyTuple(items);
  },
);

define(F, ['nonzero'], ['input', '*', 'as_tuple='], (a, env) => {
  const x = tensorArg(a.input, env);
  if (boolArg(a.as_tuple, env, 'as_tuple', false)) return nonzeroTuple(x, env);
  return T(nonzero(x, env.budget));
});
define(F, ['argwhere'], ['input'], (a, env) => T(nonzero(tensorArg(a.input, env), env.budget)));

/** A tensor, or a Python number as a 0-d tensor (searchsorted and bucketize take either). */
function tensorOrNumber(v: PyValue | undefined, env: Env, arg: string): NdArray {
  const s = v === undefined ? undefined : scalarOf(v);
  if (s)
    return scalarArray(
      s.scalar,
      s.kind === 'float' ? 'float32' : s.kind === 'int' ? 'int64' : 'bool',
    );
  return tensorArg(v, env, arg);
}

function side(a: Args, env: Env): boolean {
  const right = boolArg(a.right, env, 'right', false);
  if (isNone(a.side)) return right;
  const s = strArg(a.side, env, 'side', 'left');
  if (s !== 'left' && s !== 'right')
    return env.ctx.raise('RuntimeError', `side can only be 'left' or 'right' but got ${s}`);
  return s === 'right';
}

define(
  F,
  ['searchsorted'],
  ['sorted_sequence', 'input', '*', 'out_int32=', 'right=', 'side=', 'sorter='],
  (a, env) => {
    const seq = tensorArg(a.sorted_sequence, env, 'sorted_sequence');
    if (!isNone(a.sorter))
      return env.ctx.raise(
        'NotImplementedError',
        'flexmask: searchsorted(sorter=...) is not supported',
      );
    const values = tensorOrNumber(a.input, env, 'input');
    return T(
      searchsorted(
        seq,
        values,
        side(a, env),
        boolArg(a.out_int32, env, 'out_int32', false),
        env.budget,
      ),
    );
  },
);
define(F, ['bucketize'], ['input', 'boundaries', '*', 'out_int32=', 'right='], (a, env) => {
  const values = tensorOrNumber(a.input, env, 'input');
  const boundaries = tensorArg(a.boundaries, env, 'boundaries');
  return T(
    bucketize(
      values,
      boundaries,
      boolArg(a.right, env, 'right', false),
      boolArg(a.out_int32, env, 'out_int32', false),
      env.budget,
    ),
  );
});

define(F, ['isin'], ['elements', 'test_elements', '*', 'assume_unique=', 'invert='], (a, env) => {
  const x = tensorOrNumber(a.elements, env, 'elements');
  const test = tensorOrNumber(a.test_elements, env, 'test_elements');
  const invert = boolArg(a.invert, env, 'invert', false);
  const set = new Set(valuesOf(test, env.budget));
  return T(mapUnary(x, 'bool', (v) => (set.has(v) !== invert ? 1 : 0), env.budget));
});

define(F, ['bincount'], ['input', 'weights=', 'minlength='], (a, env) => {
  const x = tensorArg(a.input, env);
  if (x.ndim !== 1 || isFloating(x.dtype) || x.dtype === 'bool') {
    return env.ctx.raise(
      'RuntimeError',
      'bincount only supports 1-d non-negative integral inputs.',
    );
  }
  const weights = optTensorArg(a.weights, env, 'weights');
  const values = valuesOf(x, env.budget);
  let n = intArg(a.minlength, env, 'minlength', 0);
  for (const v of values) {
    if (v < 0)
      return env.ctx.raise(
        'RuntimeError',
        'bincount only supports 1-d non-negative integral inputs.',
      );
    n = Math.max(n, v + 1);
  }
  const dtype: DType = weights ? (isFloating(weights.dtype) ? weights.dtype : 'float64') : 'int64';
  const out = emptyArray([n], dtype, env.budget);
  const w = weights ? valuesOf(weights, env.budget) : undefined;
  values.forEach((v, i) => {
    out.data[v] = castValue(out.data[v] + (w ? w[i] : 1), dtype);
  });
  return T(out);
});
