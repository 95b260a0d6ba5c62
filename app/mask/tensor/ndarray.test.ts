import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { pythonWithNumpy } from '../../../testing/cpython';
import { INT64_OVERFLOW, TensorError, isFloating, type DType } from './dtype';
import {
  astype,
  binary,
  clamp,
  compare,
  logical,
  maskedFill,
  scalar,
  unary,
  where,
  type BinaryOp,
  type UnaryOp,
} from './elementwise';
import { copyInto, inplaceResult } from './writes';
import {
  arange,
  cat,
  diff,
  eye,
  flip,
  fromValues,
  full,
  linspace,
  meshgrid,
  pad,
  repeat,
  repeatInterleave,
  repeatInterleaveCounts,
  roll,
  stack,
  triangle,
} from './creation';
import { formatTensor } from './format';
import { gather, getItem, indexSelect, setItem, type IndexPart } from './indexing';
import { dot, matmul, outer } from './linalg';
import { NdArray, UNLIMITED, cloneArray, type Budget } from './ndarray';
import {
  diagonal,
  expand,
  flatten,
  permute,
  reshape,
  squeeze,
  transpose,
  unsqueeze,
  aliasReshape as view,
} from './strided';
import { argReduce, cumulative, maxMinDim, reduce } from './reductions';
import { nonzero, searchsorted, sort, unique } from './sorting';

/**
 * The tensor library against NumPy: every case runs once in TypeScript and once in python3 (one
 * process for the whole file), and the results must agree in shape, dtype and values. Where
 * PyTorch's dtype differs from NumPy's (int / int gives float32, int64 * float32 gives float32),
 * the case names PyTorch's dtype and the values are compared at float32 precision.
 */

const B: Budget = UNLIMITED;

let seed = 12345;
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
function randomInts(shape: number[], lo: number, hi: number, dtype: DType = 'int64'): NdArray {
  const n = shape.reduce((p, s) => p * s, 1);
  return fromValues(
    Array.from({ length: n }, () => lo + Math.floor(rand() * (hi - lo))),
    shape,
    dtype,
    B,
  );
}
function randomFloats(shape: number[], dtype: DType = 'float32', scale = 4): NdArray {
  const n = shape.reduce((p, s) => p * s, 1);
  return fromValues(
    Array.from({ length: n }, () => Math.round((rand() - 0.5) * scale * 1000) / 1000),
    shape,
    dtype,
    B,
  );
}
function randomBools(shape: number[]): NdArray {
  const n = shape.reduce((p, s) => p * s, 1);
  return fromValues(
    Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0)),
    shape,
    'bool',
    B,
  );
}
const t = (values: number[], shape: number[], dtype: DType) => fromValues(values, shape, dtype, B);
const ints = (values: number[], dtype: DType = 'int64') => t(values, [values.length], dtype);

interface Case {
  id: string;
  inputs: Record<string, NdArray>;
  /** NumPy code: an expression, or statements that assign `out`. */
  numpy: string;
  ts: (x: Record<string, NdArray>) => NdArray | NdArray[];
  /** PyTorch's dtype where it differs from NumPy's. */
  dtype?: DType;
}

interface Encoded {
  shape: number[];
  dtype: string;
  values: (number | string)[];
}
type PyResult = Encoded | { multi: Encoded[] } | { error: string };

const ORACLE = String.raw`
import json, sys, numpy as np
def enc(x):
    a = np.asarray(x)
    vals = []
    for v in a.ravel().tolist():
        if isinstance(v, bool):
            v = int(v)
        elif isinstance(v, float) and (v != v or v in (float('inf'), float('-inf'))):
            v = repr(v)
        vals.append(v)
    return {'shape': list(a.shape), 'dtype': str(a.dtype), 'values': vals}
req = json.load(sys.stdin)
res = {}
for case in req:
    env = {'np': np}
    for k, spec in case['inputs'].items():
        vals = [float(v) if isinstance(v, str) else v for v in spec['values']]
        env[k] = np.array(vals, dtype=spec['dtype']).reshape(spec['shape'])
    code = case['numpy']
    if 'out =' not in code:
        code = 'out = ' + code
    try:
        exec(code, env)
        r = env['out']
        res[case['id']] = {'multi': [enc(x) for x in r]} if isinstance(r, (tuple, list)) else enc(r)
    except Exception as e:
        res[case['id']] = {'error': type(e).__name__ + ': ' + str(e)}
print(json.dumps(res))
`;

/** JSON has no NaN or infinities: those travel as the strings Python's float() reads. */
function plain(a: NdArray) {
  const values = Array.from(cloneArray(a, B).data, (v) =>
    Number.isFinite(v) ? v : String(v).replace('Infinity', 'inf'),
  );
  return { values, shape: a.shape, dtype: a.dtype };
}

function runNumpy(cases: Case[]): Record<string, PyResult> {
  const input = JSON.stringify(
    cases.map((c) => ({
      id: c.id,
      numpy: c.numpy,
      inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, plain(v)])),
    })),
  );
  const run = spawnSync(pythonWithNumpy(), ['-c', ORACLE], {
    input,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python3 failed (${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, PyResult>;
}

const NUMPY_DTYPES: Record<string, DType> = {
  bool: 'bool',
  uint8: 'uint8',
  int32: 'int32',
  int64: 'int64',
  float32: 'float32',
  float64: 'float64',
};

function decode(v: number | string): number {
  return typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'));
}

function expectSame(id: string, got: NdArray, want: Encoded, dtype: DType | undefined) {
  expect(got.shape, `${id}: shape`).toEqual(want.shape);
  const wantDType = dtype ?? NUMPY_DTYPES[want.dtype];
  expect(got.dtype, `${id}: dtype (numpy ${want.dtype})`).toBe(wantDType);
  const values = Array.from(cloneArray(got, B).data);
  const expected = want.values.map(decode);
  const tol = got.dtype === 'float32' ? 2e-6 : isFloating(got.dtype) ? 1e-12 : 0;
  values.forEach((v, i) => {
    const w = expected[i];
    if (Number.isNaN(w)) {
      expect(Number.isNaN(v), `${id}[${i}]: ${v} vs nan`).toBe(true);
    } else if (tol === 0 || !Number.isFinite(w)) {
      expect(v, `${id}[${i}]`).toBe(w);
    } else {
      expect(Math.abs(v - w), `${id}[${i}]: ${v} vs ${w}`).toBeLessThanOrEqual(
        tol * Math.max(1, Math.abs(w)),
      );
    }
  });
}

const all = (): IndexPart => ({ kind: 'slice', start: null, stop: null, step: null });
const sl = (start: number | null, stop: number | null, step: number | null = null): IndexPart => ({
  kind: 'slice',
  start,
  stop,
  step,
});
const idx = (a: NdArray): IndexPart => ({ kind: 'tensor', array: a });
const int = (index: number): IndexPart => ({ kind: 'int', index });

const CASES: Case[] = [];
function add(c: Case) {
  CASES.push(c);
}

// --- element-wise arithmetic, broadcasting and promotion
const BINARY_NUMPY: [BinaryOp, string][] = [
  ['add', 'a + b'],
  ['sub', 'a - b'],
  ['mul', 'a * b'],
  ['floor_divide', 'a // b'],
  ['remainder', 'a % b'],
  ['minimum', 'np.minimum(a, b)'],
  ['maximum', 'np.maximum(a, b)'],
];
for (const [op, code] of BINARY_NUMPY) {
  add({
    id: `int32 ${op} broadcast`,
    inputs: { a: randomInts([3, 1], -20, 20, 'int32'), b: randomInts([1, 4], 1, 9, 'int32') },
    numpy: code,
    ts: ({ a, b }) => binary(op, a, b, B),
  });
  add({
    id: `int64 ${op} negative divisor`,
    inputs: { a: randomInts([2, 5], -50, 50), b: randomInts([5], -7, -1) },
    numpy: code,
    ts: ({ a, b }) => binary(op, a, b, B),
  });
  add({
    id: `float64 ${op}`,
    inputs: { a: randomFloats([4, 3], 'float64', 20), b: randomFloats([3], 'float64', 6) },
    numpy: code,
    ts: ({ a, b }) => binary(op, a, b, B),
  });
}
add({
  id: 'float32 floor_divide and remainder at exact multiples',
  inputs: {
    a: t([-6, 6, -7.5, 7.5, 0, -0.5], [6], 'float32'),
    b: t([3, -3, 2.5, -2.5, 2, 2], [6], 'float32'),
  },
  numpy: '(a // b, a % b)',
  ts: ({ a, b }) => [binary('floor_divide', a, b, B), binary('remainder', a, b, B)],
});
add({
  id: 'int / int is float32 in PyTorch',
  inputs: { a: randomInts([5], -9, 9), b: randomInts([5], 1, 4) },
  numpy: 'a / b',
  ts: ({ a, b }) => binary('div', a, b, B),
  dtype: 'float32',
});
add({
  id: 'int32 + python int stays int32',
  inputs: { a: randomInts([4], -5, 5, 'int32') },
  numpy: 'a + 7',
  ts: ({ a }) => binary('add', a, scalar(7, 'int'), B),
});
add({
  id: 'int32 * python float becomes float32',
  inputs: { a: randomInts([4], -5, 5, 'int32') },
  numpy: 'a * 0.25',
  ts: ({ a }) => binary('mul', a, scalar(0.25, 'float'), B),
  dtype: 'float32',
});
add({
  id: 'bool + python int is int64',
  inputs: { a: randomBools([6]) },
  numpy: 'a + 1',
  ts: ({ a }) => binary('add', a, scalar(1, 'int'), B),
});
add({
  id: 'uint8 + python int wraps in uint8',
  inputs: { a: t([250, 3, 255], [3], 'uint8') },
  numpy: 'a + np.uint8(10)',
  ts: ({ a }) => binary('add', a, scalar(10, 'int'), B),
});
add({
  id: 'int64 * float32 tensor is float32 in PyTorch',
  inputs: { a: randomInts([3], -9, 9), b: randomFloats([2, 3]) },
  numpy: 'a * b',
  ts: ({ a, b }) => binary('mul', a, b, B),
  dtype: 'float32',
});
add({
  id: 'float32 with a 0-d float64 tensor stays float32',
  inputs: { a: randomFloats([3]), b: t([0.1], [], 'float64') },
  numpy: 'a + b.astype(np.float32)',
  ts: ({ a, b }) => binary('add', a, b, B),
});
add({
  id: 'int32 overflow wraps',
  inputs: {
    a: ints([2147483647, -2147483648, 65536, 123456789], 'int32'),
    b: ints([1, -1, 65536, 987654321], 'int32'),
  },
  numpy: '(a + b, a - b, a * b)',
  ts: ({ a, b }) => [binary('add', a, b, B), binary('sub', a, b, B), binary('mul', a, b, B)],
});
add({
  id: 'int pow',
  inputs: { a: randomInts([6], -4, 5), b: randomInts([6], 0, 6) },
  numpy: 'a ** b',
  ts: ({ a, b }) => binary('pow', a, b, B),
});
add({
  id: 'python int ** float32 tensor (rotary frequencies)',
  inputs: { e: randomFloats([5]) },
  numpy: '10000 ** e',
  ts: ({ e }) => binary('pow', scalar(10000, 'int'), e, B),
});
add({
  id: 'bitwise on int64 beyond 32 bits',
  inputs: {
    a: ints([2 ** 40 + 5, -(2 ** 35) - 3, 12345678901, -1, 0]),
    b: ints([2 ** 33 + 1, 2 ** 36 - 1, -987654321, 2 ** 45, -7]),
  },
  numpy: '(a & b, a | b, a ^ b, ~a)',
  ts: ({ a, b }) => [
    binary('bitwise_and', a, b, B),
    binary('bitwise_or', a, b, B),
    binary('bitwise_xor', a, b, B),
    unary('bitwise_not', a, B),
  ],
});
add({
  id: 'shifts',
  inputs: { a: ints([1, -8, 1000, -1000, 3]), b: ints([3, 1, 4, 2, 40]) },
  numpy: '(a << b, a >> b)',
  ts: ({ a, b }) => [binary('left_shift', a, b, B), binary('right_shift', a, b, B)],
});
add({
  id: 'bool logic',
  inputs: { a: randomBools([3, 4]), b: randomBools([4]) },
  numpy: '(a & b, a | b, a ^ b, ~a, np.logical_xor(a, b))',
  ts: ({ a, b }) => [
    binary('bitwise_and', a, b, B),
    binary('bitwise_or', a, b, B),
    binary('bitwise_xor', a, b, B),
    unary('bitwise_not', a, B),
    logical('logical_xor', a, b, B),
  ],
});
add({
  id: 'comparisons promote (int < 2.5 compares as float)',
  inputs: { a: randomInts([2, 5], -5, 5, 'int32'), b: randomFloats([5]) },
  numpy: '(a < 2.5, a >= b, a == 0, a != b)',
  ts: ({ a, b }) => [
    compare('lt', a, scalar(2.5, 'float'), B),
    compare('ge', a, b, B),
    compare('eq', a, scalar(0, 'int'), B),
    compare('ne', a, b, B),
  ],
});
add({
  id: 'nan propagates through minimum / maximum',
  inputs: { a: t([NaN, 1, 2, -Infinity], [4], 'float64'), b: t([0, NaN, 3, 5], [4], 'float64') },
  numpy: '(np.minimum(a, b), np.maximum(a, b))',
  ts: ({ a, b }) => [binary('minimum', a, b, B), binary('maximum', a, b, B)],
});

const UNARY_NUMPY: [UnaryOp, string][] = [
  ['neg', '-x'],
  ['abs', 'np.abs(x)'],
  ['exp', 'np.exp(x)'],
  ['exp2', 'np.exp2(x)'],
  ['log', 'np.log(np.abs(x) + 0.5)'],
  ['log2', 'np.log2(np.abs(x) + 0.5)'],
  ['sqrt', 'np.sqrt(np.abs(x))'],
  ['sin', 'np.sin(x)'],
  ['cos', 'np.cos(x)'],
  ['tanh', 'np.tanh(x)'],
  ['floor', 'np.floor(x)'],
  ['ceil', 'np.ceil(x)'],
  ['round', 'np.round(x)'],
  ['trunc', 'np.trunc(x)'],
  ['sign', 'np.sign(x)'],
];
for (const [op, code] of UNARY_NUMPY) {
  const needsPositive = op === 'log' || op === 'log2' || op === 'sqrt';
  add({
    id: `unary ${op} float32`,
    inputs: { x: randomFloats([7]) },
    numpy: code,
    ts: ({ x }) => {
      const arg = needsPositive
        ? binary('add', unary('abs', x, B), scalar(op === 'sqrt' ? 0 : 0.5, 'float'), B)
        : x;
      return unary(op, arg, B);
    },
  });
}
add({
  id: 'round half to even',
  inputs: { x: t([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, -2.5], [7], 'float64') },
  numpy: 'np.round(x)',
  ts: ({ x }) => unary('round', x, B),
});
add({
  id: 'exp of int is float32',
  inputs: { x: randomInts([4], -3, 3) },
  numpy: 'np.exp(x.astype(np.float32))',
  ts: ({ x }) => unary('exp', x, B),
});
add({
  id: 'sigmoid and rsqrt',
  inputs: { x: randomFloats([6], 'float64') },
  numpy: '(1 / (1 + np.exp(-x)), 1 / np.sqrt(np.abs(x) + 1))',
  ts: ({ x }) => [
    unary('sigmoid', x, B),
    unary('rsqrt', binary('add', unary('abs', x, B), scalar(1, 'int'), B), B),
  ],
});

// --- where, clamp, masked_fill
add({
  id: 'where with a python scalar keeps the tensor dtype',
  inputs: { c: randomBools([3, 4]), a: randomInts([4], -9, 9, 'int32') },
  numpy: 'np.where(c, a, 0)',
  ts: ({ c, a }) => where(c, a, scalar(0, 'int'), B),
});
add({
  id: 'where with two python ints is int64',
  inputs: { c: randomBools([5]) },
  numpy: 'np.where(c, 1, 1000)',
  ts: ({ c }) => where(c, scalar(1, 'int'), scalar(1000, 'int'), B),
});
add({
  id: 'clamp with scalar and tensor bounds',
  inputs: { x: randomInts([3, 4], -10, 10), lo: randomInts([4], -5, 0) },
  numpy: '(np.clip(x, -3, 4), np.maximum(x, lo), np.minimum(x, 6))',
  ts: ({ x, lo }) => [
    clamp(x, scalar(-3, 'int'), scalar(4, 'int'), B),
    clamp(x, lo, undefined, B),
    clamp(x, undefined, scalar(6, 'int'), B),
  ],
});
add({
  id: 'masked_fill broadcasts the mask',
  inputs: { x: randomFloats([3, 4]), m: randomBools([4]) },
  numpy: 'np.where(m, np.float32(-1.5), x)',
  ts: ({ x, m }) => maskedFill(x, m, scalar(-1.5, 'float'), B),
});

// --- reductions
add({
  id: 'sum of int32 is int64, with dims and keepdim',
  inputs: { x: randomInts([2, 3, 4], -100, 100, 'int32') },
  numpy:
    '(x.sum(), x.sum(axis=1), x.sum(axis=(0, 2), keepdims=True), x.sum(axis=-1, keepdims=True))',
  ts: ({ x }) => [
    reduce('sum', x, null, false, B),
    reduce('sum', x, [1], false, B),
    reduce('sum', x, [0, 2], true, B),
    reduce('sum', x, [-1], true, B),
  ],
});
add({
  id: 'prod, mean, amax, amin',
  inputs: { x: randomFloats([3, 4], 'float64') },
  numpy: '(x.prod(axis=0), x.mean(axis=1, keepdims=True), x.max(axis=(0, 1)), x.min(axis=1))',
  ts: ({ x }) => [
    reduce('prod', x, [0], false, B),
    reduce('mean', x, [1], true, B),
    reduce('amax', x, [0, 1], false, B),
    reduce('amin', x, [1], false, B),
  ],
});
add({
  id: 'any, all, count_nonzero',
  inputs: { x: randomBools([3, 5]), y: randomInts([3, 5], -1, 2) },
  numpy:
    '(x.any(axis=1), x.all(axis=0, keepdims=True), np.count_nonzero(y, axis=1), np.count_nonzero(y))',
  ts: ({ x, y }) => [
    reduce('any', x, [1], false, B),
    reduce('all', x, [0], true, B),
    reduce('count_nonzero', y, [1], false, B),
    reduce('count_nonzero', y, null, false, B),
  ],
});
add({
  id: 'argmax / argmin take the first of ties; max(dim) gives values and indices',
  inputs: { x: randomInts([4, 6], 0, 3) },
  numpy: '(x.argmax(), x.argmin(axis=1), x.argmax(axis=0), x.max(axis=1), x.argmax(axis=1))',
  ts: ({ x }) => {
    const m = maxMinDim(x, 1, false, true, B);
    return [
      argReduce(x, null, false, true, B),
      argReduce(x, 1, false, false, B),
      argReduce(x, 0, false, true, B),
      m.values,
      m.indices,
    ];
  },
});
add({
  id: 'cumsum and cumprod of int32 accumulate in int64',
  inputs: { x: randomInts([3, 4], -3, 4, 'int32') },
  numpy: '(np.cumsum(x, axis=1), np.cumsum(x, axis=0), np.cumprod(x, axis=1))',
  ts: ({ x }) => [
    cumulative('cumsum', x, 1, B),
    cumulative('cumsum', x, 0, B),
    cumulative('cumprod', x, -1, B),
  ],
});
add({
  id: 'cumsum of document lengths (offsets)',
  inputs: { x: ints([0, 5, 7, 3], 'int32') },
  numpy: 'np.cumsum(x, axis=-1)',
  ts: ({ x }) => cumulative('cumsum', x, -1, B),
});
add({
  id: 'diff with n, dim, prepend and append',
  inputs: {
    x: randomInts([3, 5], -9, 9),
    p: randomInts([3, 1], -9, 9),
    q: randomInts([3, 2], -9, 9),
  },
  numpy:
    '(np.diff(x), np.diff(x, n=2, axis=1), np.diff(x, axis=0), np.diff(x, axis=1, prepend=p, append=q))',
  ts: ({ x, p, q }) => [
    diff(x, 1, -1, undefined, undefined, B),
    diff(x, 2, 1, undefined, undefined, B),
    diff(x, 1, 0, undefined, undefined, B),
    diff(x, 1, 1, p, q, B),
  ],
});

// --- sorting, unique, nonzero, searchsorted
add({
  id: 'argsort is stable ascending and descending',
  inputs: { x: randomInts([3, 8], 0, 4) },
  numpy:
    '(np.argsort(x, axis=1, kind="stable"), np.argsort(-x, axis=1, kind="stable"), np.argsort(x, axis=0, kind="stable"), np.sort(x, axis=1))',
  ts: ({ x }) => [
    sort(x, 1, false, B).indices,
    sort(x, 1, true, B).indices,
    sort(x, 0, false, B).indices,
    sort(x, -1, false, B).values,
  ],
});
add({
  id: 'sort puts nan last',
  inputs: { x: t([3, NaN, -1, 2, NaN, 0], [6], 'float64') },
  numpy: '(np.sort(x), np.argsort(x, kind="stable"))',
  ts: ({ x }) => {
    const r = sort(x, 0, false, B);
    return [r.values, r.indices];
  },
});
add({
  id: 'unique with inverse and counts',
  inputs: { x: randomInts([3, 4], 0, 5) },
  numpy:
    'u, inv, cnt = np.unique(x, return_inverse=True, return_counts=True)\nout = (u, inv.reshape(x.shape), cnt)',
  ts: ({ x }) => {
    const r = unique(x, B);
    return [r.values, r.inverse, r.counts];
  },
});
add({
  id: 'nonzero',
  inputs: { x: randomInts([3, 4], -1, 2) },
  numpy: 'np.argwhere(x)',
  ts: ({ x }) => nonzero(x, B),
});
add({
  id: 'searchsorted left and right',
  inputs: { s: ints([0, 5, 12, 15]), v: ints([0, 3, 5, 14, 15, 16, -1]) },
  numpy: '(np.searchsorted(s, v, side="left"), np.searchsorted(s, v, side="right"))',
  ts: ({ s, v }) => [searchsorted(s, v, false, false, B), searchsorted(s, v, true, false, B)],
});

// --- construction and rearranging
add({
  id: 'arange int and float, eye, full, linspace',
  inputs: {},
  numpy:
    '(np.arange(2, 11, 3), np.arange(0, 2, 0.25, dtype=np.float32), np.eye(3, 4, dtype=np.float32), np.full((2, 2), 7), np.linspace(0, 1, 5, dtype=np.float32))',
  ts: () => [
    arange(2, 11, 3, 'int64', B),
    arange(0, 2, 0.25, 'float32', B),
    eye(3, 4, 'float32', B),
    full([2, 2], 7, 'int64', B),
    linspace(0, 1, 5, 'float32', B),
  ],
});
add({
  id: 'cat promotes int32 with float32 to float32',
  inputs: { a: randomInts([2, 3], -5, 5, 'int32'), b: randomFloats([2, 2]) },
  numpy: 'np.concatenate([a, b], axis=1)',
  ts: ({ a, b }) => cat([a, b], 1, B),
  dtype: 'float32',
});
add({
  id: 'stack adds a dim',
  inputs: { a: randomInts([2, 3], -5, 5, 'int32'), c: randomInts([2, 3], -5, 5, 'int32') },
  numpy: '(np.stack([a, c], axis=1), np.stack([a, c], axis=-1), np.stack([a, c]))',
  ts: ({ a, c }) => [stack([a, c], 1, B), stack([a, c], -1, B), stack([a, c], 0, B)],
});
add({
  id: 'repeat_interleave: int, tensor repeats, flattened, and the counts-only form',
  inputs: { x: randomInts([2, 3], 0, 9), r: ints([2, 0, 3]), c: ints([5, 2, 0, 3], 'int32') },
  numpy:
    '(np.repeat(x, 2), np.repeat(x, r, axis=1), np.repeat(x, 2, axis=0), np.repeat(np.arange(4, dtype=np.int32), c))',
  ts: ({ x, r, c }) => [
    repeatInterleave(x, 2, null, B),
    repeatInterleave(x, r, 1, B),
    repeatInterleave(x, 2, 0, B),
    repeatInterleaveCounts(c, B),
  ],
});
add({
  id: 'repeat, flip, roll, tril, triu',
  inputs: { x: randomInts([3, 4], -9, 9) },
  numpy:
    '(np.tile(x, (2, 1, 2)), np.flip(x, (0, 1)), np.roll(x, 1, 1), np.roll(x, -2), np.roll(x, (1, 2), (0, 1)), np.tril(x), np.triu(x, 1), np.tril(x, -1))',
  ts: ({ x }) => [
    repeat(x, [2, 1, 2], B),
    flip(x, [0, 1], B),
    roll(x, [1], [1], B),
    roll(x, [-2], [], B),
    roll(x, [1, 2], [0, 1], B),
    triangle(x, 0, false, B),
    triangle(x, 1, true, B),
    triangle(x, -1, false, B),
  ],
});
add({
  id: 'outer, matmul (batched, vector forms), dot',
  inputs: {
    a: randomInts([2, 3, 4], -5, 5),
    b: randomInts([4, 2], -5, 5),
    v: randomInts([4], -5, 5),
    w: randomInts([3], -5, 5),
  },
  numpy: '(np.outer(v, w), a @ b, a @ v, w @ a, v @ v)',
  ts: ({ a, b, v, w }) => [
    outer(v, w, B),
    matmul(a, b, B),
    matmul(a, v, B),
    matmul(w, a, B),
    dot(v, v, B),
  ],
});
add({
  id: 'views: expand, reshape, flatten, permute, transpose, diagonal, squeeze',
  inputs: { x: randomInts([2, 3, 4], -9, 9), y: randomInts([3, 1], -9, 9) },
  numpy:
    '(np.broadcast_to(y, (2, 3, 5)), x.reshape(4, -1), x.reshape(2, 12), np.transpose(x, (2, 0, 1)), np.swapaxes(x, 0, 2), np.diagonal(x, 1, 1, 2), np.diagonal(x, -1, 0, 2), y.squeeze(), x.transpose(2, 0, 1).reshape(-1))',
  ts: ({ x, y }) => [
    expand(y, [2, 3, 5]),
    reshape(x, [4, -1], B),
    flatten(x, 1, 2, B),
    permute(x, [2, 0, 1]),
    transpose(x, 0, 2),
    diagonal(x, 1, 1, 2),
    diagonal(x, -1, 0, 2),
    squeeze(y),
    reshape(permute(x, [2, 0, 1]), [-1], B),
  ],
});
add({
  id: 'pad, including negative (cropping) pads',
  inputs: { x: randomInts([2, 3, 4], -9, 9) },
  numpy:
    '(np.pad(x, ((0, 0), (0, 0), (0, 3)), constant_values=-1), np.pad(x, ((0, 0), (1, 2), (2, 1))), np.pad(x, ((0, 0), (0, 0), (0, 1)))[:, 1:, :])',
  ts: ({ x }) => [pad(x, [0, 3], -1, B), pad(x, [2, 1, 1, 2], 0, B), pad(x, [0, 1, -1, 0], 0, B)],
});
add({
  id: 'gather and index_select',
  inputs: { x: randomInts([3, 5], -9, 9), i: randomInts([3, 2], 0, 5), j: ints([2, 0, 2]) },
  numpy: '(np.take_along_axis(x, i, 1), np.take(x, j, 0), np.take(x, j, 1))',
  ts: ({ x, i, j }) => [gather(x, 1, i, B), indexSelect(x, 0, j, B), indexSelect(x, 1, j, B)],
});
add({
  id: 'meshgrid ij and xy',
  inputs: { a: ints([1, 2, 3]), b: ints([4, 5]) },
  numpy: '(*np.meshgrid(a, b, indexing="ij"), *np.meshgrid(a, b, indexing="xy"))',
  ts: ({ a, b }) => [...meshgrid([a, b], 'ij'), ...meshgrid([a, b], 'xy')],
});

// --- indexing
add({
  id: 'basic indexing: ints, slices with steps and negative bounds, None, Ellipsis',
  inputs: { x: randomInts([4, 5, 6], -99, 99) },
  numpy: '(x[1], x[-1, 1:4], x[:, ::2, -3:], x[None, ..., 2], x[1:100, -100:2], x[..., None, 1:2])',
  ts: ({ x }) => [
    getItem(x, [int(1)], B),
    getItem(x, [int(-1), sl(1, 4)], B),
    getItem(x, [all(), sl(null, null, 2), sl(-3, null)], B),
    getItem(x, [{ kind: 'none' }, { kind: 'ellipsis' }, int(2)], B),
    getItem(x, [sl(1, 100), sl(-100, 2)], B),
    getItem(x, [{ kind: 'ellipsis' }, { kind: 'none' }, sl(1, 2)], B),
  ],
});
add({
  id: 'advanced indexing: several index arrays broadcast, adjacent and separated by a slice',
  inputs: {
    x: randomInts([4, 5, 6], -99, 99),
    i: ints([0, 3, 1]),
    j: ints([[2], [4]].flat()),
    k: ints([5, -1, 0]),
  },
  numpy: '(x[i], x[:, i], x[i, :, k], x[:, i, k], x[i[None, :], j[:, None]], x[..., k], x[1:3, i])',
  ts: ({ x, i, j, k }) => [
    getItem(x, [idx(i)], B),
    getItem(x, [all(), idx(i)], B),
    getItem(x, [idx(i), all(), idx(k)], B),
    getItem(x, [all(), idx(i), idx(k)], B),
    getItem(x, [idx(unsqueeze(i, 0)), idx(unsqueeze(j, 1))], B),
    getItem(x, [{ kind: 'ellipsis' }, idx(k)], B),
    getItem(x, [sl(1, 3), idx(i)], B),
  ],
});
add({
  id: 'bool masks: full, leading dims, 1-d on a middle dim',
  inputs: { x: randomInts([3, 4, 2], -99, 99), m2: randomBools([3, 4]), m1: randomBools([4]) },
  numpy: '(x[m2], x[:, m1], x[m2, 1], x[x > 0])',
  ts: ({ x, m2, m1 }) => [
    getItem(x, [idx(m2)], B),
    getItem(x, [all(), idx(m1)], B),
    getItem(x, [idx(m2), int(1)], B),
    getItem(x, [idx(compare('gt', x, scalar(0, 'int'), B))], B),
  ],
});
add({
  id: 'PyTorch selects with an int before advanced indexing (x[0, :, idx])',
  inputs: { x: randomInts([2, 3, 4], -99, 99), i: ints([1, 3]) },
  numpy: 'x[0][:, i]',
  ts: ({ x, i }) => getItem(x, [int(0), all(), idx(i)], B),
});
add({
  id: 'setitem: slices, broadcast values, masks, index arrays, through views',
  inputs: {
    x: randomInts([4, 5], -9, 9),
    v: randomInts([5], 100, 200),
    m: randomBools([4, 5]),
    i: ints([0, 2]),
  },
  numpy: [
    'y = x.copy(); y[1:3] = v',
    'z = x.copy(); z[m] = 0',
    'w = x.copy(); w[i, 1:] = -7',
    'u = x.copy(); r = u[1:]; r[0, ::2] = 42',
    'p = x.copy(); p[:, i] = p[:, i] + 1',
    'q = x.copy(); q[1:, :] = q[:-1, :].copy()',
    'out = (y, z, w, u, p, q)',
  ].join('\n'),
  ts: ({ x, v, m, i }) => {
    const y = cloneArray(x, B);
    setItem(y, [sl(1, 3)], v, B);
    const z = cloneArray(x, B);
    setItem(z, [idx(m)], scalar(0, 'int'), B);
    const w = cloneArray(x, B);
    setItem(w, [idx(i), sl(1, null)], scalar(-7, 'int'), B);
    const u = cloneArray(x, B);
    const r = getItem(u, [sl(1, null)], B);
    setItem(r, [int(0), sl(null, null, 2)], scalar(42, 'int'), B);
    const p = cloneArray(x, B);
    setItem(
      p,
      [all(), idx(i)],
      binary('add', getItem(p, [all(), idx(i)], B), scalar(1, 'int'), B),
      B,
    );
    const q = cloneArray(x, B);
    setItem(q, [sl(1, null), all()], getItem(q, [sl(null, -1), all()], B), B);
    return [y, z, w, u, p, q];
  },
});
add({
  id: 'diagonal().zero_() writes into the tensor; |= through a row view',
  inputs: { x: randomInts([2, 4, 4], 1, 9), parent: ints([0, 0, 1, 1]) },
  numpy: [
    'y = x.copy(); d = np.arange(4); y[:, d, d] = 0',
    'a = np.eye(4, dtype=bool)',
    'for node in range(1, 4):\n    a[node] |= a[parent[node]]',
    'out = (y, a)',
  ].join('\n'),
  ts: ({ x, parent }) => {
    const y = cloneArray(x, B);
    copyInto(diagonal(y, 0, -2, -1), scalar(0, 'int'), B);
    const a = eye(4, 4, 'bool', B);
    for (let node = 1; node < 4; node++) {
      const row = getItem(a, [int(node)], B);
      const p = getItem(parent, [int(node)], B);
      inplaceResult(
        row,
        binary('bitwise_or', row, getItem(a, [{ kind: 'int', index: p.data[p.offset] }], B), B),
        B,
      );
    }
    return [y, a];
  },
});

// --- whole snippets from real mask files
const N = 5;
const ADJ = randomBools([2, N, N]);
add({
  id: 'Floyd-Warshall shortest paths on a batch of graphs',
  inputs: { adj: ADJ },
  numpy: [
    'unreachable = 1000',
    'dist = np.where(adj, 1, unreachable)',
    'i = np.arange(adj.shape[-1]); dist[:, i, i] = 0',
    'for k in range(adj.shape[-1]):',
    '    dist = np.minimum(dist, dist[:, :, k][:, :, None] + dist[:, k][:, None, :])',
    'out = np.minimum(dist, 3 + 1).astype(np.int32)',
  ].join('\n'),
  ts: ({ adj }) => {
    let dist = where(adj, scalar(1, 'int'), scalar(1000, 'int'), B);
    copyInto(diagonal(dist, 0, -2, -1), scalar(0, 'int'), B);
    for (let k = 0; k < N; k++) {
      const viaRow = unsqueeze(getItem(dist, [all(), all(), int(k)], B), -1);
      const viaCol = unsqueeze(getItem(dist, [all(), int(k)], B), 1);
      dist = binary('minimum', dist, binary('add', viaRow, viaCol, B), B);
    }
    return astype(clamp(dist, undefined, scalar(3 + 1, 'int'), B), 'int32', B);
  },
});
add({
  id: 'next-hop lookup with advanced indexing (path types)',
  inputs: {
    adj: ADJ,
    types: randomInts([2, N, N], 0, 7),
    cur: ints([0, 4, 2, 1]),
    dest: ints([3, 3, 0, 4]),
    batch: ints([0, 1, 1, 0]),
  },
  numpy: [
    'nxt = np.where(adj, np.broadcast_to(np.arange(5), (2, 5, 5)), -1)',
    'step = nxt[batch, cur, dest]',
    'valid = step >= 0',
    'path = np.zeros((4, 3), dtype=np.int64)',
    'path[..., 1] = np.where(valid, types[batch, cur, step], 0)',
    'out = (step, path)',
  ].join('\n'),
  ts: ({ adj, types, cur, dest, batch }) => {
    const nxt = where(adj, expand(arange(0, N, 1, 'int64', B), [2, N, N]), scalar(-1, 'int'), B);
    const step = getItem(nxt, [idx(batch), idx(cur), idx(dest)], B);
    const valid = compare('ge', step, scalar(0, 'int'), B);
    const path = full([4, 3], 0, 'int64', B);
    const picked = getItem(types, [idx(batch), idx(cur), idx(step)], B);
    setItem(path, [{ kind: 'ellipsis' }, int(1)], where(valid, picked, scalar(0, 'int'), B), B);
    return [step, path];
  },
});
add({
  id: 'rotary-style relative bias (float32 all the way in PyTorch)',
  inputs: { dist: randomInts([6], -20, 20) },
  numpy: [
    'd = 8',
    'freqs = 1.0 / 10000 ** (2 * np.arange(d // 2, dtype=np.float32) / d)',
    'out = (freqs, np.cos(np.abs(dist)[:, None].astype(np.float32) * freqs).sum(axis=-1))',
  ].join('\n'),
  ts: ({ dist }) => {
    const d = 8;
    const freqs = binary(
      'div',
      scalar(1.0, 'float'),
      binary(
        'pow',
        scalar(10000, 'int'),
        binary(
          'div',
          binary('mul', scalar(2, 'int'), arange(0, d / 2, 1, 'float32', B), B),
          scalar(d, 'int'),
          B,
        ),
        B,
      ),
      B,
    );
    const bias = reduce(
      'sum',
      unary('cos', binary('mul', unsqueeze(unary('abs', dist, B), 1), freqs, B), B),
      [-1],
      false,
      B,
    );
    return [freqs, bias];
  },
});
add({
  id: 'document ids from lengths',
  inputs: { counts: ints([3, 1, 4]) },
  numpy: 'np.repeat(np.arange(len(counts), dtype=np.int32), counts)',
  ts: ({ counts }) => repeatInterleave(arange(0, 3, 1, 'int32', B), counts, null, B),
});

describe('tensor library against NumPy', () => {
  let results: Record<string, PyResult> = {};
  beforeAll(() => {
    results = runNumpy(CASES);
  });
  for (const c of CASES) {
    it(c.id, () => {
      const want = results[c.id];
      expect(want, `${c.id}: no numpy result`).toBeDefined();
      if ('error' in want) throw new Error(`numpy raised for ${c.id}: ${want.error}`);
      const got = c.ts(c.inputs);
      if ('multi' in want) {
        const list = Array.isArray(got) ? got : [got];
        expect(list.length, `${c.id}: result count`).toBe(want.multi.length);
        list.forEach((g, k) => expectSame(`${c.id} #${k}`, g, want.multi[k], c.dtype));
      } else {
        expect(Array.isArray(got), `${c.id}: one result`).toBe(false);
        expectSame(c.id, got as NdArray, want, c.dtype);
      }
    });
  }
});

function raises(fn: () => unknown, cls: string, message: string | RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TensorError);
    expect((e as TensorError).cls).toBe(cls);
    if (typeof message === 'string') expect((e as TensorError).message).toBe(message);
    else expect((e as TensorError).message).toMatch(message);
    return;
  }
  throw new Error('expected a TensorError');
}

describe('errors with PyTorch wording', () => {
  it('broadcast mismatch', () => {
    raises(
      () => binary('add', ints([1, 2, 3]), ints([1, 2, 3, 4]), B),
      'RuntimeError',
      'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0',
    );
  });
  it('index out of range', () => {
    raises(
      () => getItem(ints([1, 2, 3]), [int(5)], B),
      'IndexError',
      'index 5 is out of bounds for dimension 0 with size 3',
    );
    raises(
      () => getItem(ints([1, 2, 3]), [idx(ints([0, 3]))], B),
      'IndexError',
      'index 3 is out of bounds for dimension 0 with size 3',
    );
  });
  it('negative slice steps', () => {
    raises(
      () => getItem(ints([1, 2, 3]), [sl(null, null, -1)], B),
      'ValueError',
      'step must be greater than zero',
    );
  });
  it('too many indices', () => {
    raises(
      () => getItem(ints([1, 2, 3]), [int(0), int(0)], B),
      'IndexError',
      'too many indices for tensor of dimension 1',
    );
  });
  it('integer division by zero', () => {
    raises(
      () => binary('floor_divide', ints([1]), ints([0]), B),
      'RuntimeError',
      'ZeroDivisionError',
    );
    raises(
      () => binary('remainder', ints([1]), scalar(0, 'int'), B),
      'RuntimeError',
      'ZeroDivisionError',
    );
  });
  it('int64 results stay exact or raise', () => {
    raises(
      () => binary('mul', ints([2 ** 30]), ints([2 ** 30]), B),
      'RuntimeError',
      INT64_OVERFLOW,
    );
    raises(
      () => cumulative('cumprod', ints([2 ** 20, 2 ** 20, 2 ** 20]), 0, B),
      'RuntimeError',
      INT64_OVERFLOW,
    );
    expect(binary('mul', ints([2 ** 26]), ints([2 ** 26]), B).data[0]).toBe(2 ** 52);
  });
  it('in-place ops refuse results they cannot hold', () => {
    const x = ints([1, 2]);
    raises(
      () => inplaceResult(x, binary('div', x, scalar(2, 'int'), B), B),
      'RuntimeError',
      "result type Float can't be cast to the desired output type Long",
    );
    raises(
      () => inplaceResult(ints([1, 2]), ints([1, 2, 3]), B),
      'RuntimeError',
      /doesn't match the broadcast shape/,
    );
  });
  it('writes through an expanded view are refused', () => {
    raises(
      () => copyInto(expand(ints([1]), [3]), scalar(0, 'int'), B),
      'RuntimeError',
      /more than one element/,
    );
  });
  it('view refuses a non-contiguous layout that reshape copies', () => {
    const x = transpose(randomInts([3, 4], 0, 9), 0, 1);
    raises(() => view(x, [12]), 'RuntimeError', /view size is not compatible/);
    expect(reshape(x, [12], B).shape).toEqual([12]);
  });
  it('rank is capped at 8 dims', () => {
    raises(
      () => full(new Array<number>(9).fill(1), 0, 'int64', B),
      'RuntimeError',
      /at most 8 dimensions/,
    );
    raises(
      () => unsqueeze(full(new Array<number>(8).fill(1), 0, 'int64', B), 0),
      'RuntimeError',
      /at most 8/,
    );
  });
  it('bool negation', () => {
    raises(
      () => unary('neg', randomBools([2]), B),
      'RuntimeError',
      /Negation, the `-` operator, on a bool tensor/,
    );
  });
  it('mask shape mismatch', () => {
    raises(
      () => getItem(ints([1, 2, 3, 4]), [idx(randomBools([3]))], B),
      'IndexError',
      'The shape of the mask [3] at index 0 does not match the shape of the indexed tensor [4] at index 0',
    );
  });
});

describe('budget', () => {
  class Refuse extends Error {}
  const small: Budget = {
    charge(n) {
      if (n > 1e7) throw new Refuse(`refused ${n}`);
    },
  };
  it('a 10^9-element request is refused before anything is allocated', () => {
    const start = performance.now();
    expect(() => full([1000, 1000, 1000], 0, 'float32', small)).toThrow(Refuse);
    expect(() => arange(0, 1e9, 1, 'int64', small)).toThrow(Refuse);
    const big = expand(ints([1]), [1000, 1000, 1000]);
    expect(() => cloneArray(big, small)).toThrow(Refuse);
    expect(() => binary('add', big, scalar(1, 'int'), small)).toThrow(Refuse);
    expect(() => repeatInterleave(ints([1, 2]), 1e9, null, small)).toThrow(Refuse);
    expect(() => getItem(big, [idx(full([20], 0, 'int64', B))], small)).toThrow(Refuse);
    expect(performance.now() - start).toBeLessThan(500);
  });
  it('views are free', () => {
    let charged = 0;
    const counting: Budget = { charge: (n) => void (charged += n) };
    const x = full([4, 4], 1, 'int64', counting);
    expect(charged).toBe(16);
    getItem(x, [sl(1, 3), int(2)], counting);
    transpose(x, 0, 1);
    diagonal(x, 0, 0, 1);
    expect(charged).toBe(16);
  });
});

describe('formatTensor matches torch repr', () => {
  const cases: [NdArray, string][] = [
    [ints([1, 2, 3]), 'tensor([1, 2, 3])'],
    [ints([1, 2, 3], 'int32'), 'tensor([1, 2, 3], dtype=torch.int32)'],
    [t([1, 0], [2], 'bool'), 'tensor([ True, False])'],
    [t([0.5, 1], [2], 'float32'), 'tensor([0.5000, 1.0000])'],
    [t([1, 2], [2], 'float32'), 'tensor([1., 2.])'],
    [t([3.5], [], 'float32'), 'tensor(3.5000)'],
    [t([7], [], 'int64'), 'tensor(7)'],
    [t([1, 2, 3, 4], [2, 2], 'int64'), 'tensor([[1, 2],\n        [3, 4]])'],
    [t([], [0], 'float32'), 'tensor([])'],
    [t([], [0], 'int64'), 'tensor([], dtype=torch.int64)'],
    [t([], [2, 0], 'float32'), 'tensor([], size=(2, 0))'],
    [t([1e-5, 1], [2], 'float64'), 'tensor([1.0000e-05, 1.0000e+00], dtype=torch.float64)'],
    [t([-1.5, 2.25], [2], 'float32'), 'tensor([-1.5000,  2.2500])'],
    [t([NaN, 1], [2], 'float32'), 'tensor([nan, 1.])'],
    [t([0.03125], [1], 'float64'), 'tensor([0.0312], dtype=torch.float64)'],
    [arange(0, 2000, 1, 'int64', B), 'tensor([   0,    1,    2,  ..., 1997, 1998, 1999])'],
    [
      t([1, 0, 0, 1, 1, 1, 0, 0], [2, 2, 2], 'bool'),
      'tensor([[[ True, False],\n         [False,  True]],\n\n        [[ True,  True],\n         [False, False]]])',
    ],
  ];
  cases.forEach(([a, want], k) => {
    it(`case ${k}: ${want.split('\n')[0]}`, () => {
      expect(formatTensor(a)).toBe(want);
    });
  });
  it('wraps long rows at 80 columns', () => {
    const s = formatTensor(arange(0, 30, 1, 'int64', B));
    expect(s).toBe(
      'tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])',
    );
  });
});
