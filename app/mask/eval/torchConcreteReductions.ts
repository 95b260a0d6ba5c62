/**
 * `torch.<name>` for reductions and scans (sum, mean, amax, max / min with indices, argmax,
 * logsumexp, softmax, cumsum, diff, ...) and for sorting and searching (sort, topk, unique,
 * nonzero, searchsorted, bucketize, isin, bincount): the functions that reduce or reorder along a
 * dim, as apart from the element-wise ones in torchConcreteMath.ts.
 */
import { castValue, isFloating, type DType } from '../tensor/dtype';
import { astype, binary, mapUnary, unary } from '../tensor/elementwise';
import { diff } from '../tensor/creation';
import {
  NdArray,
  cloneArray,
  emptyArray,
  normalizeDim,
  scalarArray,
  valuesOf,
} from '../tensor/ndarray';
import { sliceDim, squeeze } from '../tensor/strided';
import { argReduce, cumulative, maxMinDim, reduce, type ReduceOp } from '../tensor/reductions';
import { bucketize, nonzero, searchsorted, sort, unique } from '../tensor/sorting';
import {
  boolArg,
  dimsArg,
  dtypeArg,
  intArg,
  isNone,
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
  tensors,
  type Table,
} from './torchConcreteArgs';
import { pyTuple, type PyValue } from './values';

const F: Table = {};
const FUNCTIONAL: Table = {};
export const REDUCTION_FUNCTIONS = F;
/** softmax and log_softmax also live in torch.nn.functional. */
export const REDUCTION_FUNCTIONAL = FUNCTIONAL;
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

/** sort and argsort: `input` sorted along `dim` (the last by default), stably. */
function sortAlong(a: Args, env: Env): { values: NdArray; indices: NdArray } {
  return sort(
    tensorArg(a.input, env),
    intArg(a.dim, env, 'dim', -1),
    boolArg(a.descending, env, 'descending', false),
    env.budget,
  );
}
define(F, ['sort'], ['input', 'dim=', 'descending=', 'stable='], (a, env) => {
  const r = sortAlong(a, env);
  return named(['values', 'indices'], [T(r.values), T(r.indices)]);
});
define(F, ['argsort'], ['input', 'dim=', 'descending=', 'stable='], (a, env) =>
  T(sortAlong(a, env).indices),
);
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

/** `nonzero(as_tuple=True)` and one-argument `where`: one index tensor per dim. */
export function nonzeroTuple(x: NdArray, env: Env): PyValue {
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
