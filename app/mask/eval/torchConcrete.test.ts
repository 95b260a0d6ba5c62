import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { pythonWithNumpy } from '../../../testing/cpython';
import { isFloating, type DType } from '../tensor/dtype';
import { NdArray, cloneArray, UNLIMITED } from '../tensor/ndarray';
import {
  FUNCTIONAL_FUNCTIONS,
  TORCH_DTYPES,
  TORCH_FUNCTIONS,
  formatTensor,
  tensorAttribute,
  tensorBinary,
  tensorCompare,
  tensorFromPython,
  tensorGetItem,
  tensorInplace,
  tensorItem,
  tensorIterate,
  tensorLength,
  tensorSetItem,
  tensorToPython,
  tensorTruth,
  tensorUnary,
} from './torchConcrete';
import {
  ELLIPSIS,
  FALSE,
  NONE,
  TRUE,
  pyFloat,
  pyInt,
  pyList,
  pyStr,
  pyTuple,
  type CallContext,
  type PyValue,
} from './values';

/**
 * The Python binding, driven the way the evaluator drives it (CallArgs, operators, __getitem__ /
 * __setitem__), on snippets from real mask files. Each snippet's result is checked against the
 * same computation in NumPy (one python3 process for the file); PyTorch's dtypes are asserted
 * where NumPy's differ.
 */

class Raised extends Error {
  constructor(
    readonly cls: string,
    message: string,
  ) {
    super(`${cls}: ${message}`);
  }
}

function makeContext(elementLimit = 1e8): CallContext {
  let used = 0;
  return {
    call: () => {
      throw new Error('not needed');
    },
    iterate: (v) => {
      if (v.kind === 'list' || v.kind === 'tuple') return v.items;
      throw new Raised('TypeError', `'${v.kind}' object is not iterable`);
    },
    raise: (cls, message) => {
      throw new Raised(cls, message);
    },
    chargeElements: (n) => {
      used += n;
      if (used > elementLimit) throw new Raised('LimitError', `over the element budget (${n})`);
    },
    print: () => undefined,
    str: () => '',
    repr: () => '',
    span: { start: 0, end: 0 },
    tracer: undefined,
  };
}

const ctx = makeContext();
const I = (v: number) => pyInt(v);
const Fl = (v: number) => pyFloat(v);
const L = (...items: PyValue[]) => pyList(items);
const Tup = (...items: PyValue[]) => pyTuple(items);
const ints = (...v: number[]) => pyList(v.map(I));
const dt = (name: keyof typeof TORCH_DTYPES): PyValue => ({
  kind: 'dtype',
  dtype: TORCH_DTYPES[name],
});
const slice = (start: PyValue = NONE, stop: PyValue = NONE, step: PyValue = NONE): PyValue => ({
  kind: 'slice',
  start,
  stop,
  step,
});
const ALL = slice();

function kw(k: Record<string, PyValue>): Map<string, PyValue> {
  return new Map(Object.entries(k));
}

/** torch.<name>(*args, **k) */
function torch(name: string, args: PyValue[], k: Record<string, PyValue> = {}, c = ctx): PyValue {
  const fn = TORCH_FUNCTIONS[name];
  if (!fn) throw new Error(`no torch.${name}`);
  return fn({ positional: args, keywords: kw(k) }, c);
}
function F(name: string, args: PyValue[], k: Record<string, PyValue> = {}): PyValue {
  return FUNCTIONAL_FUNCTIONS[name]({ positional: args, keywords: kw(k) }, ctx);
}
/** x.<name>(*args, **k) */
function m(
  x: PyValue,
  name: string,
  args: PyValue[] = [],
  k: Record<string, PyValue> = {},
): PyValue {
  const attr = tensorAttribute(arr(x), name, ctx);
  if (attr?.kind !== 'native') throw new Error(`no method ${name}`);
  return attr.call({ positional: args, keywords: kw(k) }, ctx);
}
function attr(x: PyValue, name: string): PyValue {
  const v = tensorAttribute(arr(x), name, ctx);
  if (!v) throw new Error(`no attribute ${name}`);
  return v;
}
function arr(v: PyValue): NdArray {
  if (v.kind !== 'tensor') throw new Error(`expected a tensor, got ${v.kind}`);
  return v.array;
}
const get = (x: PyValue, index: PyValue) => tensorGetItem(arr(x), index, ctx);
const set = (x: PyValue, index: PyValue, value: PyValue) =>
  tensorSetItem(arr(x), index, value, ctx);
const op = (o: Parameters<typeof tensorBinary>[0], a: PyValue, b: PyValue) =>
  tensorBinary(o, a, b, ctx);
const tensor = (data: PyValue, dtype?: DType) => ({
  kind: 'tensor' as const,
  array: tensorFromPython(data, dtype, ctx),
});

function raisesPy(fn: () => unknown, cls: string, message?: string | RegExp) {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof Raised)) throw e;
    expect(e.cls).toBe(cls);
    if (typeof message === 'string') expect(e.message).toBe(`${cls}: ${message}`);
    else if (message) expect(e.message).toMatch(message);
    return;
  }
  throw new Error(`expected ${cls}`);
}

// ---------------------------------------------------------------------------------------------
// NumPy oracle

interface Encoded {
  shape: number[];
  dtype: string;
  values: (number | string)[];
}

const ORACLE = String.raw`
import json, sys, math, numpy as np
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
erf = np.vectorize(math.erf)
res = {}
for case in json.load(sys.stdin):
    env = {'np': np, 'math': math, 'erf': erf}
    try:
        exec(case['numpy'], env)
        res[case['id']] = [enc(x) for x in env['out']]
    except Exception as e:
        res[case['id']] = {'error': type(e).__name__ + ': ' + str(e)}
print(json.dumps(res))
`;

interface Scenario {
  id: string;
  /** NumPy statements that set `out` to a tuple of arrays. */
  numpy: string;
  /** The same through the binding: the tensors to compare, in order. */
  run: () => PyValue[];
  /** PyTorch's dtypes where they differ from NumPy's, by position. */
  dtypes?: (DType | undefined)[];
}

const NUMPY_DTYPES: Record<string, DType> = {
  bool: 'bool',
  uint8: 'uint8',
  int32: 'int32',
  int64: 'int64',
  float32: 'float32',
  float64: 'float64',
};

function compareTo(id: string, got: NdArray, want: Encoded, dtype: DType | undefined) {
  expect(got.shape, `${id}: shape`).toEqual(want.shape);
  expect(got.dtype, `${id}: dtype (numpy ${want.dtype})`).toBe(dtype ?? NUMPY_DTYPES[want.dtype]);
  const values = Array.from(cloneArray(got, UNLIMITED).data);
  const tol = got.dtype === 'float32' ? 3e-6 : isFloating(got.dtype) ? 1e-12 : 0;
  want.values.forEach((w0, i) => {
    const w = typeof w0 === 'number' ? w0 : Number(w0.replace('inf', 'Infinity'));
    const v = values[i];
    if (Number.isNaN(w)) expect(Number.isNaN(v), `${id}[${i}]`).toBe(true);
    else if (tol === 0 || !Number.isFinite(w)) expect(v, `${id}[${i}]`).toBe(w);
    else
      expect(Math.abs(v - w), `${id}[${i}]: ${v} vs ${w}`).toBeLessThanOrEqual(
        tol * Math.max(1, Math.abs(w)),
      );
  });
}

const SCENARIOS: Scenario[] = [
  {
    id: 'document offsets and ids',
    numpy: [
      'offsets = np.cumsum(np.array([0, 5, 7, 3], dtype=np.int32), axis=-1)',
      'counts = np.array([5, 7, 3])',
      'document_id = np.repeat(np.arange(len(counts), dtype=np.int32), counts)',
      'out = (offsets, document_id)',
    ].join('\n'),
    run: () => {
      const offsets = torch(
        'cumsum',
        [torch('tensor', [ints(0, 5, 7, 3)], { dtype: dt('int32') })],
        { dim: I(-1) },
      );
      const counts = torch('tensor', [ints(5, 7, 3)]);
      const n = tensorLength(arr(counts), ctx);
      const documentId = torch('repeat_interleave', [
        torch('arange', [I(n)], { dtype: dt('int32') }),
        counts,
      ]);
      return [offsets, documentId];
    },
  },
  {
    id: 'ancestor closure with |= on rows',
    numpy: [
      'parent = [0, 0, 0, 1, 1, 3]',
      'ancestor = np.eye(6, dtype=bool)',
      'for node in range(1, 6):',
      '    ancestor[node] |= ancestor[parent[node]]',
      'out = (ancestor,)',
    ].join('\n'),
    run: () => {
      const parent = [0, 0, 0, 1, 1, 3];
      const ancestor = torch('eye', [I(6)], { dtype: dt('bool') });
      for (let node = 1; node < 6; node++) {
        // what the evaluator does for `ancestor[node] |= ancestor[parent[node]]`
        const current = get(ancestor, I(node));
        const updated = tensorInplace('|', current, get(ancestor, I(parent[node])), ctx);
        expect(updated).toBe(current);
        set(ancestor, I(node), updated);
      }
      return [ancestor];
    },
  },
  {
    id: 'Floyd-Warshall through the binding',
    numpy: [
      'adjacency = np.array(ADJ)',
      'N = adjacency.shape[-1]; m = 2; unreachable = N + 10',
      'dist = np.where(adjacency.astype(bool), 1, unreachable)',
      'i = np.arange(N); dist[..., i, i] = 0',
      'for k in range(N):',
      '    dist = np.minimum(dist, dist[:, :, k][:, :, None] + dist[:, k][:, None, :])',
      'out = (np.minimum(dist, m + 1).astype(np.int32),)',
    ].join('\n'),
    run: () => {
      const adjacency = torch('tensor', [ADJ_PY]);
      const N = arr(adjacency).shape[2];
      const unreachable = I(N + 10);
      let dist = torch('where', [m(adjacency, 'bool'), I(1), unreachable]);
      m(m(dist, 'diagonal', [], { dim1: I(-2), dim2: I(-1) }), 'zero_');
      for (let k = 0; k < N; k++) {
        const viaK = op(
          '+',
          m(get(dist, Tup(ALL, ALL, I(k))), 'unsqueeze', [I(-1)]),
          m(get(dist, Tup(ALL, I(k))), 'unsqueeze', [I(1)]),
        );
        dist = torch('minimum', [dist, viaK]);
      }
      return [m(m(dist, 'clamp_max', [op('+', I(2), I(1))]), 'to', [dt('int32')])];
    },
  },
  {
    id: 'next hop and path types with advanced indexing',
    numpy: [
      'adj = np.array(ADJ).astype(bool); B, N, _ = adj.shape',
      'edge_types = (np.arange(B * N * N).reshape(B, N, N) * 7) % 5',
      'nxt = np.where(adj, np.broadcast_to(np.arange(N), (B, N, N)), -1)',
      'batch = np.array([0, 1, 1, 0]); cur = np.array([0, 3, 2, 1]); dest = np.array([3, 3, 0, 2])',
      'step = nxt[batch, cur, dest]',
      'valid = step >= 0',
      'path_types = np.zeros((4, 3), dtype=np.int64)',
      'path_types[..., 2] = np.where(valid, edge_types[batch, cur, step], 0)',
      'out = (nxt, step, path_types)',
    ].join('\n'),
    run: () => {
      const adj = torch('tensor', [ADJ_PY]);
      const [B, N] = arr(adj).shape;
      const edgeTypes = op(
        '%',
        op('*', m(torch('arange', [I(B * N * N)]), 'reshape', [I(B), I(N), I(N)]), I(7)),
        I(5),
      );
      const nxt = torch('where', [
        m(adj, 'bool'),
        m(torch('arange', [I(N)]), 'expand', [I(B), I(N), I(N)]),
        I(-1),
      ]);
      const batch = torch('tensor', [ints(0, 1, 1, 0)]);
      const cur = torch('tensor', [ints(0, 3, 2, 1)]);
      const dest = torch('tensor', [ints(3, 3, 0, 2)]);
      const step = get(nxt, Tup(batch, cur, dest));
      const valid = tensorCompare('>=', step, I(0), ctx);
      const pathTypes = torch('zeros', [I(4), I(3)], { dtype: dt('long') });
      set(
        pathTypes,
        Tup(ELLIPSIS, I(2)),
        torch('where', [valid, get(edgeTypes, Tup(batch, cur, step)), I(0)]),
      );
      return [nxt, step, pathTypes];
    },
  },
  {
    id: 'rotary frequencies and a cosine relative bias',
    numpy: [
      'd = 16',
      'freqs = 1.0 / 10000 ** (2 * np.arange(d // 2, dtype=np.float32) / d)',
      'distances = np.arange(-3, 4)',
      'rel_bias = np.cos(np.abs(distances)[:, None].astype(np.float32) * freqs).sum(axis=-1)',
      'out = (freqs, rel_bias)',
    ].join('\n'),
    run: () => {
      const d = 16;
      const freqs = op(
        '/',
        Fl(1.0),
        op(
          '**',
          I(10000),
          op(
            '/',
            op('*', I(2), torch('arange', [I(Math.floor(d / 2))], { dtype: dt('float32') })),
            I(d),
          ),
        ),
      );
      const distances = torch('arange', [I(-3), I(4)]);
      const relBias = m(
        torch('cos', [op('*', get(m(distances, 'abs'), Tup(ALL, NONE)), freqs)]),
        'sum',
        [],
        { dim: I(-1) },
      );
      return [freqs, relBias];
    },
  },
  {
    id: 'image boundaries and padding',
    numpy: [
      'image_boundaries = np.repeat(np.arange(3), 4)',
      'mask = np.array([[1, 0, 1], [0, 1, 1]])',
      'padding = np.pad(mask, ((0, 0), (0, 3)), constant_values=-1)',
      'out = (image_boundaries, padding)',
    ].join('\n'),
    run: () => {
      const imageBoundaries = torch('repeat_interleave', [torch('arange', [I(3)])], {
        repeats: I(4),
      });
      const mask = torch('tensor', [L(ints(1, 0, 1), ints(0, 1, 1))]);
      const padding = F('pad', [mask, Tup(I(0), I(3))], { value: I(-1) });
      return [imageBoundaries, padding];
    },
  },
  {
    id: 'reductions with keepdim, max with dim, sorting',
    numpy: [
      'x = (np.arange(24).reshape(2, 3, 4) * 7) % 5',
      'out = (x.sum(axis=1, keepdims=True), x.max(axis=2), x.argmax(axis=2), np.argsort(-x, axis=-1, kind="stable"),',
      '       np.sort(x, axis=0), x.any(axis=(0, 2)), x.astype(np.float32).mean(axis=-1), x.amin() if hasattr(x, "amin") else x.min(),',
      '       np.count_nonzero(x, axis=2))',
    ].join('\n'),
    run: () => {
      const x = op(
        '%',
        op('*', m(torch('arange', [I(24)]), 'view', [Tup(I(2), I(3), I(4))]), I(7)),
        I(5),
      );
      const mx = torch('max', [x], { dim: I(2) });
      const sorted = torch('sort', [x, I(0)]);
      if (mx.kind !== 'tuple' || sorted.kind !== 'tuple')
        throw new Error('max(dim) and sort give tuples');
      expect(mx.fields).toEqual(['values', 'indices']);
      return [
        m(x, 'sum', [], { dim: I(1), keepdim: TRUE }),
        mx.items[0],
        mx.items[1],
        m(x, 'argsort', [], { dim: I(-1), descending: TRUE, stable: TRUE }),
        sorted.items[0],
        torch('any', [x], { dim: Tup(I(0), I(2)) }),
        m(m(x, 'float'), 'mean', [I(-1)]),
        m(x, 'min'),
        torch('count_nonzero', [x, I(2)]),
      ];
    },
  },
  {
    id: 'operators with python scalars promote like PyTorch',
    numpy: [
      'a = np.array([1, -2, 3], dtype=np.int32); b = np.array([True, False, True])',
      'out = (a + 1, a * 0.5, b + 1, a / 2, a // 2, a % -2, 2 ** np.array([0.5, 1.5], dtype=np.float32), -a, ~b, a << 2, a > 1.5)',
    ].join('\n'),
    dtypes: [undefined, 'float32', undefined, 'float32'],
    run: () => {
      const a = tensor(ints(1, -2, 3), 'int32');
      const b = tensor(L(TRUE, FALSE, TRUE));
      return [
        op('+', a, I(1)),
        op('*', a, Fl(0.5)),
        op('+', b, I(1)),
        op('/', a, I(2)),
        op('//', a, I(2)),
        op('%', a, I(-2)),
        op('**', I(2), tensor(L(Fl(0.5), Fl(1.5)))),
        tensorUnary('-', a, ctx),
        tensorUnary('~', b, ctx),
        op('<<', a, I(2)),
        tensorCompare('>', a, Fl(1.5), ctx),
      ];
    },
  },
  {
    id: 'getitem and setitem with lists, tuples, masks and views',
    numpy: [
      'x = np.arange(20).reshape(4, 5)',
      'a = x[[0, 2]]; b = x[1:, [0, 4]]; c = x[[True, False, True, False]]; d = x[None, ..., -1]; e = x[[0, 1], [2, 3]]',
      'y = x.copy(); y[[0, 3], 1:3] = np.array([[-1, -2]]); y[:, -1] = 99; y[y > 10] = 0',
      'z = x.copy(); row = z[2]; row[::2] = -5',
      'out = (a, b, c, d, e, y, z)',
    ].join('\n'),
    run: () => {
      const x = m(torch('arange', [I(20)]), 'reshape', [I(4), I(5)]);
      const y = m(x, 'clone');
      set(y, Tup(ints(0, 3), slice(I(1), I(3))), tensor(L(ints(-1, -2))));
      set(y, Tup(ALL, I(-1)), I(99));
      set(y, tensorCompare('>', y, I(10), ctx), I(0));
      const z = m(x, 'clone');
      const row = get(z, I(2));
      set(row, slice(NONE, NONE, I(2)), I(-5));
      return [
        get(x, ints(0, 2)),
        get(x, Tup(slice(I(1)), ints(0, 4))),
        get(x, L(TRUE, FALSE, TRUE, FALSE)),
        get(x, Tup(NONE, ELLIPSIS, I(-1))),
        // PyTorch reads a list of lists as a tuple of index lists (its legacy rule)
        get(x, L(ints(0, 1), ints(2, 3))),
        y,
        z,
      ];
    },
  },
  {
    id: 'activations of torch.nn.functional',
    numpy: [
      'x = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 30.0], dtype=np.float32)',
      'c = 0.7978845608028654',
      'out = ((0.5 * x * (1 + erf(x / np.sqrt(2)))).astype(np.float32), (0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x ** 3)))).astype(np.float32),',
      '       np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20)))), x / (1 + np.exp(-x)), np.maximum(x, 0), 1 / (1 + np.exp(-x)),',
      '       np.eye(4, dtype=np.int64)[np.array([2, 0, 3])])',
    ].join('\n'),
    run: () => {
      const x = tensor(L(...[-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 30.0].map(Fl)));
      return [
        F('gelu', [x]),
        F('gelu', [x], { approximate: pyStr('tanh') }),
        F('softplus', [x]),
        F('silu', [x]),
        F('relu', [x]),
        F('sigmoid', [x]),
        F('one_hot', [tensor(ints(2, 0, 3))], { num_classes: I(4) }),
      ];
    },
  },
];

const ADJ = [
  [
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
    [1, 0, 0, 0],
  ],
  [
    [0, 1, 1, 0],
    [1, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 1, 0],
  ],
];
const ADJ_PY = pyList(ADJ.map((g) => pyList(g.map((r) => ints(...r)))));

describe('the binding against NumPy', () => {
  let results: Record<string, Encoded[] | { error: string }> = {};
  beforeAll(() => {
    const input = JSON.stringify(
      SCENARIOS.map((s) => ({ id: s.id, numpy: `ADJ = ${JSON.stringify(ADJ)}\n${s.numpy}` })),
    );
    const run = spawnSync(pythonWithNumpy(), ['-c', ORACLE], {
      input,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`python3 failed (${run.status}):\n${run.stderr}`);
    results = JSON.parse(run.stdout) as typeof results;
  });
  for (const s of SCENARIOS) {
    it(s.id, () => {
      const want = results[s.id];
      if (!Array.isArray(want)) throw new Error(`numpy raised: ${want?.error}`);
      const got = s.run();
      expect(got.length).toBe(want.length);
      got.forEach((g, k) => compareTo(`${s.id} #${k}`, arr(g), want[k], s.dtypes?.[k]));
    });
  }
});

describe('attributes, methods and conversions', () => {
  const x = () => torch('tensor', [L(ints(1, 2, 3), ints(4, 5, 6))], { dtype: dt('int32') });

  it('properties', () => {
    const t = x();
    expect(attr(t, 'shape')).toEqual(Tup(I(2), I(3)));
    expect(attr(t, 'ndim')).toEqual(I(2));
    expect(attr(t, 'dtype')).toEqual({ kind: 'dtype', dtype: 'int32' });
    expect(attr(t, 'device')).toEqual({ kind: 'device', name: 'cpu' });
    expect(attr(t, 'is_cuda')).toBe(FALSE);
    expect(arr(attr(t, 'T')).shape).toEqual([3, 2]);
    expect(tensorAttribute(arr(t), 'no_such_thing', ctx)).toBeUndefined();
    expect(m(t, 'size')).toEqual(Tup(I(2), I(3)));
    expect(m(t, 'size', [I(-1)])).toEqual(I(3));
    expect(m(t, 'numel')).toEqual(I(6));
    expect(m(t, 'dim')).toEqual(I(2));
  });

  it('item, tolist and tensorToPython give Python values', () => {
    const t = x();
    expect(m(t, 'tolist')).toEqual(L(ints(1, 2, 3), ints(4, 5, 6)));
    expect(tensorToPython(arr(t), ctx)).toEqual(L(ints(1, 2, 3), ints(4, 5, 6)));
    expect(m(get(t, Tup(I(1), I(2))), 'item')).toEqual(I(6));
    expect(tensorItem(arr(tensor(L(Fl(0.5)))), ctx)).toEqual(Fl(0.5));
    expect(m(tensor(L(TRUE)), 'item')).toEqual(TRUE);
    expect(m(torch('zeros', [I(2), I(0)]), 'tolist')).toEqual(L(L(), L()));
    raisesPy(
      () => m(t, 'item'),
      'RuntimeError',
      'a Tensor with 6 elements cannot be converted to Scalar',
    );
  });

  it('bool(), len() and iteration', () => {
    expect(tensorTruth(arr(tensor(ints(3))), ctx)).toBe(true);
    raisesPy(
      () => tensorTruth(arr(x()), ctx),
      'RuntimeError',
      'Boolean value of Tensor with more than one value is ambiguous',
    );
    expect(tensorLength(arr(x()), ctx)).toBe(2);
    raisesPy(() => tensorLength(arr(tensor(I(3))), ctx), 'TypeError', 'len() of a 0-d tensor');
    const t = x();
    const rows = tensorIterate(arr(t), ctx);
    expect(rows.length).toBe(2);
    // rows are views: writing to one writes to the tensor
    m(rows[1], 'fill_', [I(0)]);
    expect(m(t, 'tolist')).toEqual(L(ints(1, 2, 3), ints(0, 0, 0)));
  });

  it('dtype conversions', () => {
    const t = x();
    expect(arr(m(t, 'long')).dtype).toBe('int64');
    expect(arr(m(t, 'float')).dtype).toBe('float32');
    expect(arr(m(t, 'to', [dt('float64')])).dtype).toBe('float64');
    expect(arr(m(t, 'to', [], { dtype: dt('bool') })).dtype).toBe('bool');
    expect(arr(m(t, 'to', [pyStr('cuda')]))).toBe(arr(t));
    expect(arr(m(t, 'cuda'))).toBe(arr(t));
    expect(m(t, 'type')).toEqual(pyStr('torch.IntTensor'));
    raisesPy(() => m(t, 'half'), 'TypeError', /float16/);
    raisesPy(() => m(t, 'numpy'), 'RuntimeError', /no NumPy/);
  });

  it('torch.tensor infers bool, int64 and float32, and refuses ragged data', () => {
    expect(arr(tensor(L(TRUE, FALSE))).dtype).toBe('bool');
    expect(arr(tensor(L(TRUE, I(2)))).dtype).toBe('int64');
    expect(arr(tensor(L(I(1), Fl(2.5)))).dtype).toBe('float32');
    expect(arr(tensor(L())).dtype).toBe('float32');
    expect(arr(tensor(L(ints(1, 2), ints(3, 4)))).shape).toEqual([2, 2]);
    raisesPy(
      () => tensor(L(ints(1, 2), ints(3))),
      'ValueError',
      'expected sequence of length 2 at dim 1 (got 1)',
    );
  });

  it('arange and full follow PyTorch dtype rules', () => {
    expect(arr(torch('arange', [I(5)])).dtype).toBe('int64');
    expect(arr(torch('arange', [I(0), I(1), Fl(0.25)])).dtype).toBe('float32');
    expect(m(torch('arange', [I(0), I(1), Fl(0.25)]), 'tolist')).toEqual(
      L(Fl(0), Fl(0.25), Fl(0.5), Fl(0.75)),
    );
    expect(arr(torch('full', [Tup(I(2)), TRUE])).dtype).toBe('bool');
    expect(arr(torch('full', [Tup(I(2)), I(3)])).dtype).toBe('int64');
    expect(arr(torch('zeros', [Tup(I(2), I(3))])).shape).toEqual([2, 3]);
    expect(arr(torch('ones', [], { size: Tup(I(4)) })).shape).toEqual([4]);
  });

  it('in-place methods and augmented assignment modify through views', () => {
    const t = torch('zeros', [I(3), I(3)], { dtype: dt('int64') });
    m(get(t, I(0)), 'add_', [I(5)]);
    const col = get(t, Tup(ALL, I(2)));
    const result = tensorInplace('+', col, I(1), ctx);
    expect(result).toBe(col);
    m(t, 'masked_fill_', [tensorCompare('==', t, I(0), ctx), I(-1)]);
    expect(m(t, 'tolist')).toEqual(L(ints(5, 5, 6), ints(-1, -1, 1), ints(-1, -1, 1)));
    raisesPy(
      () => tensorInplace('/', t, I(2), ctx),
      'RuntimeError',
      "result type Float can't be cast to the desired output type Long",
    );
    m(t, 'fill_diagonal_', [I(9)]);
    expect(m(m(t, 'diagonal'), 'tolist')).toEqual(ints(9, 9, 9));
  });

  it('keywords: device accepted, out refused, unknown refused', () => {
    expect(arr(torch('zeros', [I(2)], { device: pyStr('cuda') })).shape).toEqual([2]);
    raisesPy(() => torch('sum', [x()], { out: x() }), 'TypeError', /out=/);
    raisesPy(
      () => torch('sum', [x()], { bogus: I(1) }),
      'TypeError',
      "sum() got an unexpected keyword argument 'bogus'",
    );
    raisesPy(
      () => torch('exp', [I(1)]),
      'TypeError',
      "exp(): argument 'input' must be Tensor, not int",
    );
  });

  it('errors carry PyTorch wording', () => {
    raisesPy(
      () => get(x(), I(5)),
      'IndexError',
      'index 5 is out of bounds for dimension 0 with size 2',
    );
    raisesPy(
      () => op('+', tensor(ints(1, 2, 3)), tensor(ints(1, 2, 3, 4))),
      'RuntimeError',
      'The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0',
    );
    raisesPy(
      () => get(x(), slice(NONE, NONE, I(-1))),
      'ValueError',
      'step must be greater than zero',
    );
    raisesPy(() => op('//', x(), I(0)), 'RuntimeError', 'ZeroDivisionError');
    raisesPy(
      () => set(x(), I(0), ints(1, 2, 3)),
      'TypeError',
      "can't assign a list to a torch.IntTensor",
    );
  });

  it('comparisons with non-tensors fall back like Python', () => {
    expect(tensorCompare('==', x(), NONE, ctx)).toBe(FALSE);
    expect(tensorCompare('!=', x(), NONE, ctx)).toBe(TRUE);
    expect(tensorCompare('in', I(5), x(), ctx)).toBe(TRUE);
    expect(tensorCompare('in', I(7), x(), ctx)).toBe(FALSE);
    raisesPy(() => tensorCompare('<', x(), NONE, ctx), 'TypeError');
  });

  it('traced values are refused', () => {
    const sym: PyValue = { kind: 'sym', ir: { kind: 'const', value: 0 } as never };
    raisesPy(() => op('+', x(), sym), 'TypeError');
    raisesPy(() => torch('add', [x(), sym]), 'TypeError');
    raisesPy(() => get(x(), sym), 'TypeError');
  });

  it('method forms take varargs or one sequence, and PyTorch keyword names', () => {
    const t = m(torch('arange', [I(6)]), 'view', [I(2), I(3)]);
    expect(arr(m(t, 'permute', [], { dims: Tup(I(1), I(0)) })).shape).toEqual([3, 2]);
    expect(arr(m(t, 'permute', [Tup(I(1), I(0))])).shape).toEqual([3, 2]);
    expect(m(m(t, 'flip', [I(1)]), 'tolist')).toEqual(L(ints(2, 1, 0), ints(5, 4, 3)));
    expect(m(m(t, 'flip', [], { dims: L(I(0)) }), 'tolist')).toEqual(
      L(ints(3, 4, 5), ints(0, 1, 2)),
    );
    expect(arr(m(t, 'reshape', [], { shape: Tup(I(-1)) })).shape).toEqual([6]);
    expect(arr(m(t, 'expand', [I(4), I(-1), I(-1)])).shape).toEqual([4, 2, 3]);
    expect(arr(m(t, 'repeat', [I(2), I(1)])).shape).toEqual([4, 3]);
    expect(arr(m(t, 'view', [dt('int64')]))).toBe(arr(t));
    raisesPy(() => m(m(t, 't'), 'view', [I(6)]), 'RuntimeError', /view size is not compatible/);
  });

  it('index_put with a tensor of another dtype is refused, as PyTorch does', () => {
    const t = torch('zeros', [I(3)], { dtype: dt('long') });
    set(t, ints(0, 2), I(7));
    expect(m(t, 'tolist')).toEqual(ints(7, 0, 7));
    raisesPy(
      () => set(t, ints(0), tensor(L(Fl(1.5)))),
      'IndexError',
      'Index put requires the source and destination dtypes match, got Long for the destination and Float for the source.',
    );
    // a view is written with copy_, which converts
    set(t, slice(I(0), I(1)), tensor(L(Fl(1.5))));
    expect(m(t, 'tolist')).toEqual(ints(1, 0, 7));
  });

  it('block_diag places blocks on the diagonal', () => {
    const a = torch('ones', [I(2), I(2)], { dtype: dt('long') });
    const b = tensor(L(ints(5, 6, 7)));
    expect(m(torch('block_diag', [a, b]), 'tolist')).toEqual(
      L(ints(1, 1, 0, 0, 0), ints(1, 1, 0, 0, 0), ints(0, 0, 5, 6, 7)),
    );
  });

  it('F.pad refuses modes other than constant', () => {
    raisesPy(
      () => F('pad', [x(), Tup(I(1), I(1))], { mode: pyStr('reflect') }),
      'NotImplementedError',
      /constant/,
    );
  });

  it('repr is torch-like', () => {
    expect(formatTensor(arr(x()))).toBe(
      'tensor([[1, 2, 3],\n        [4, 5, 6]], dtype=torch.int32)',
    );
  });

  it('the element budget stops a 10^9-element tensor before it is allocated', () => {
    const small = makeContext(1e7);
    const start = performance.now();
    raisesPy(() => torch('zeros', [I(1e9)], {}, small), 'LimitError');
    raisesPy(() => torch('arange', [I(1e9)], {}, small), 'LimitError');
    expect(performance.now() - start).toBeLessThan(500);
  });
});
