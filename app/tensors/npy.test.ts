import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNpy, writeNpy } from './npy';
import { pythonWithNumpy } from '../../testing/cpython';
import { TensorFileError, type DType, type Tensor } from './tensor';

const FIXTURES = resolve(__dirname, '../../e2e/fixtures');

/** Python floats as repr strings (JSON has no inf or nan), read back here exactly. */
function fromRepr(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan') return NaN;
  return Number(text);
}

/** Float values compare with Object.is, so -0 and NaN are checked too. */
function expectSameValues(actual: ArrayLike<number>, expected: number[], context: string): void {
  expect(actual.length, context).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(
      Object.is(actual[i], expected[i]),
      `${context}[${i}]: ${actual[i]} vs ${expected[i]}`,
    ).toBe(true);
  }
}

/** Builds a .npy file by hand: magic, version, header length, header text, data. */
function npyBytes(header: string, data: Uint8Array = new Uint8Array(0), major = 1): Uint8Array {
  const preamble = major === 1 ? 10 : 12;
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(preamble + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, preamble);
  out.set(data, preamble + text.length);
  return out;
}

const header = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

// One case per dtype and feature NumPy writes; values chosen to hit the edges of each type.
const NUMPY_CASES = `
import json, sys
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(7)
cases = {
  'f4_3d': rng.standard_normal((2, 3, 4)).astype('<f4'),
  'f8_specials': np.array([np.inf, -np.inf, np.nan, -0.0, 1e-300, 1.5e300, np.pi], '<f8'),
  'f2': np.array([1/3, 6e-8, 65504, -np.inf, -0.0, 0.1, -2.5], '<f2'),
  'i4': np.array([[-2**31, 2**31 - 1], [0, -7]], '<i4'),
  'i8': np.array([-(2**53), 2**53, 123, -1, 2**62], '<i8'),
  'b1': np.array([True, False, True, True]),
  'u1': np.array([0, 255, 7], '|u1'),
  'scalar': np.array(2.75, '<f4'),
  'empty': np.zeros((0, 3), '<f4'),
}
meta = {}
for name, a in cases.items():
  np.save(f'{out}/{name}.npy', a)
  meta[name] = {'shape': list(a.shape), 'descr': a.dtype.str,
                'values': [repr(float(x)) for x in a.ravel()]}
for version in [(2, 0), (3, 0)]:
  a = cases['f4_3d']
  name = f'v{version[0]}'
  with open(f'{out}/{name}.npy', 'wb') as f:
    np.lib.format.write_array(f, a, version=version)
  meta[name] = dict(meta['f4_3d'])
print(json.dumps(meta))
`;

interface NumpyCase {
  shape: number[];
  descr: string;
  values: string[];
}

describe('parseNpy on files NumPy wrote (needs python3 with numpy)', () => {
  let dir = '';
  let meta: Record<string, NumpyCase> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flexmask-npy-'));
    meta = JSON.parse(
      execFileSync(pythonWithNumpy(), ['-c', NUMPY_CASES, dir], { encoding: 'utf-8' }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectedDtype: Record<string, DType> = {
    f4_3d: '<f4',
    f8_specials: '<f8',
    f2: '<f2',
    i4: '<i4',
    i8: '<i8',
    b1: '|b1',
    u1: '|u1',
    scalar: '<f4',
    empty: '<f4',
    v2: '<f4',
    v3: '<f4',
  };
  for (const [name, dtype] of Object.entries(expectedDtype)) {
    it(`reads ${name}`, () => {
      const tensor = parseNpy(readFileSync(join(dir, `${name}.npy`)), `${name}.npy`);
      const want = meta[name];
      expect(tensor.shape).toEqual(want.shape);
      expect(tensor.dtype).toBe(dtype);
      expectSameValues(tensor.data, want.values.map(fromRepr), name);
    });
  }

  it('holds each dtype in the documented array type', () => {
    const kind = (name: string) =>
      parseNpy(readFileSync(join(dir, `${name}.npy`))).data.constructor;
    expect(kind('f4_3d')).toBe(Float32Array);
    expect(kind('f2')).toBe(Float32Array);
    expect(kind('f8_specials')).toBe(Float64Array);
    expect(kind('i8')).toBe(Float64Array);
    expect(kind('i4')).toBe(Int32Array);
    expect(kind('b1')).toBe(Uint8Array);
    expect(kind('u1')).toBe(Uint8Array);
  });

  it('writes files NumPy reads back with the same values, for every dtype', () => {
    const tensors: Record<string, Tensor> = {
      w_f4: { shape: [2, 2], dtype: '<f4', data: Float32Array.of(1.5, -0, Infinity, 3e-40) },
      w_f8: { shape: [3], dtype: '<f8', data: Float64Array.of(Math.PI, -1e300, NaN) },
      w_f2: { shape: [3], dtype: '<f2', data: Float32Array.of(0.5, 65504, -(2 ** -24)) },
      w_i4: { shape: [2], dtype: '<i4', data: Int32Array.of(-(2 ** 31), 2 ** 31 - 1) },
      w_i8: { shape: [2], dtype: '<i8', data: Float64Array.of(-(2 ** 53), 2 ** 40) },
      w_b1: { shape: [2, 1], dtype: '|b1', data: Uint8Array.of(1, 0) },
      w_u1: { shape: [], dtype: '|u1', data: Uint8Array.of(200) },
      w_empty: { shape: [0], dtype: '<f4', data: new Float32Array(0) },
    };
    for (const [name, tensor] of Object.entries(tensors)) {
      writeFileSync(join(dir, `${name}.npy`), writeNpy(tensor));
    }
    const script = `
import json, sys
import numpy as np
out = {}
for name in sys.argv[2:]:
  a = np.load(f'{sys.argv[1]}/{name}.npy')
  out[name] = {'shape': list(a.shape), 'descr': a.dtype.str,
               'values': [repr(float(x)) for x in a.ravel()]}
print(json.dumps(out))`;
    const names = Object.keys(tensors);
    const loaded: Record<string, NumpyCase> = JSON.parse(
      execFileSync(pythonWithNumpy(), ['-c', script, dir, ...names], { encoding: 'utf-8' }),
    );
    for (const [name, tensor] of Object.entries(tensors)) {
      expect(loaded[name].shape, name).toEqual(tensor.shape);
      expect(loaded[name].descr, name).toBe(tensor.dtype);
      expectSameValues(Array.from(tensor.data), loaded[name].values.map(fromRepr), name);
    }
  });
});

describe('parseNpy on the committed fixtures (written by e2e/fixtures/make_fixtures.py)', () => {
  const read = (name: string) => parseNpy(readFileSync(join(FIXTURES, name)), name);

  it('reads q in [B,H,S,D] and the same values from [B,S,H,D], float16 and float64 files', () => {
    const q = read('q.npy');
    expect(q.shape).toEqual([1, 2, 10, 8]);
    expect(q.dtype).toBe('<f4');
    const bshd = read('q_bshd.npy');
    expect(bshd.shape).toEqual([1, 10, 2, 8]);
    for (let h = 0; h < 2; h++) {
      for (let s = 0; s < 10; s++) {
        for (let d = 0; d < 8; d++) {
          expect(bshd.data[(s * 2 + h) * 8 + d]).toBe(q.data[(h * 10 + s) * 8 + d]);
        }
      }
    }
    const half = read('q_f2.npy');
    expect(half.dtype).toBe('<f2');
    for (let i = 0; i < q.data.length; i++) {
      // float16 keeps 11 significant bits: relative error at most 2^-11.
      expect(Math.abs(half.data[i] - q.data[i])).toBeLessThanOrEqual(
        Math.abs(q.data[i]) * 2 ** -11 + 2 ** -25,
      );
    }
    const v = read('v.npy');
    const v8 = read('v_f8.npy');
    expect(v8.data).toBeInstanceOf(Float64Array);
    expect(Array.from(v8.data)).toEqual(Array.from(v.data));
  });

  it('reads a version 2.0 file', () => {
    const bytes = readFileSync(join(FIXTURES, 'k_hsd_v2.npy'));
    expect(bytes[6]).toBe(2);
    const k = read('k.npy');
    const hsd = read('k_hsd_v2.npy');
    expect(hsd.shape).toEqual([2, 10, 8]);
    expect(Array.from(hsd.data)).toEqual(Array.from(k.data));
  });

  it('rejects the bad fixtures with specific messages', () => {
    expect(() => read('truncated.npy')).toThrow(
      new TensorFileError(
        'truncated.npy: data is truncated: the header promises 1x2x10x8 float32 = 640 bytes, ' +
          'the file has 540 after its 128-byte header',
      ),
    );
    expect(() => read('big_endian.npy')).toThrow(
      "big_endian.npy: dtype '>f4' is big-endian; only little-endian data is supported " +
        "(save with a.astype('<f4'))",
    );
    expect(() => read('fortran.npy')).toThrow(
      'fortran.npy: fortran_order is True (column-major data) and is not supported; ' +
        'save np.ascontiguousarray(a) instead',
    );
    expect(() => read('not_npy.npy')).toThrow(
      'not_npy.npy: not a .npy file: it does not start with the NumPy magic string \\x93NUMPY',
    );
  });
});

describe('parseNpy on hand-built bad headers', () => {
  const f4 = new Uint8Array(8);
  const cases: Array<[string, Uint8Array, string]> = [
    [
      'too short',
      new Uint8Array([0x93, 0x4e]),
      'not a .npy file: 2 bytes is too short for the NumPy preamble',
    ],
    [
      'version 4.0',
      (() => {
        const b = npyBytes(header('<f4', '(2,)'), f4);
        b[6] = 4;
        return b;
      })(),
      'NumPy format version 4.0 is not supported (1.0, 2.0 and 3.0 are)',
    ],
    [
      'header longer than the file',
      (() => {
        const b = npyBytes(header('<f4', '(2,)'));
        new DataView(b.buffer).setUint16(8, 500, true);
        return b;
      })(),
      'the header is cut short: the preamble promises 500 header bytes, the file has 58 after the preamble',
    ],
    [
      'unclosed tuple',
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3}"),
      "the header is not a valid Python dict literal: expected ',' or ')', found '}' at character 55",
    ],
    [
      'code instead of a literal',
      npyBytes("{'descr': __import__('os'), 'fortran_order': False, 'shape': ()}"),
      "the header is not a valid Python dict literal: expected a value, found '_' at character 10",
    ],
    [
      'float in the shape',
      npyBytes(header('<f4', '(2.5,)')),
      'the header is not a valid Python dict literal: only integers are allowed as numbers at character 52',
    ],
    ['not a dict', npyBytes('[1, 2]'), 'the header must be a Python dict, found [1, 2]'],
    [
      'no shape',
      npyBytes("{'descr': '<f4', 'fortran_order': False}"),
      "the header has no 'shape' key",
    ],
    [
      'extra key',
      npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), 'extra': 1}"),
      "the header has unexpected keys: 'extra'",
    ],
    [
      'structured dtype',
      npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}"),
      'structured dtypes (a list descr) are not supported; save a plain numeric array',
    ],
    [
      'complex dtype',
      npyBytes(header('<c8', '(1,)')),
      "dtype '<c8' is not supported; use one of <f4, <f8, <f2, <i4, <i8, |b1, |u1",
    ],
    [
      'big-endian int',
      npyBytes(header('>i8', '(1,)')),
      "dtype '>i8' is big-endian; only little-endian data is supported (save with a.astype('<i8'))",
    ],
    [
      'fortran_order not a bool',
      npyBytes(header('<f4', '(1,)', '0')),
      "'fortran_order' must be True or False, found 0",
    ],
    [
      'negative dimension',
      npyBytes(header('<f4', '(2, -1)')),
      "'shape' must be a tuple of non-negative integers, found (2, -1)",
    ],
    [
      'shape as a list',
      npyBytes(header('<f4', '[2]')),
      "'shape' must be a tuple of non-negative integers, found [2]",
    ],
    [
      'truncated 0-d',
      npyBytes(header('<f8', '()'), new Uint8Array(3)),
      'data is truncated: the header promises scalar float64 = 8 bytes, the file has 3 after its 66-byte header',
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => parseNpy(bytes, 'x.npy')).toThrow(new TensorFileError(`x.npy: ${message}`));
    });
  }

  it('accepts a one-element tuple written as "(3,)" and Python 2 long ints "3L"', () => {
    const tensor = parseNpy(npyBytes(header('<i4', '(3L,)'), new Uint8Array(12)));
    expect(tensor.shape).toEqual([3]);
  });

  it('reads the data after a version 2.0 header, at any byte alignment', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 1.25, true);
    new DataView(data.buffer).setFloat32(4, -3, true);
    // An unpadded header puts the data at an odd offset.
    const tensor = parseNpy(
      npyBytes("{'descr':'<f4','fortran_order':False,'shape':(2,)}", data, 2),
    );
    expect(Array.from(tensor.data)).toEqual([1.25, -3]);
  });
});

describe('writeNpy', () => {
  it('aligns the data to 64 bytes with a newline-terminated, space-padded header', () => {
    const bytes = writeNpy({ shape: [2, 3], dtype: '<f4', data: new Float32Array(6) });
    // 10 preamble bytes + a 60-character dict + newline = 71, padded to 128.
    expect(bytes.length).toBe(128 + 24);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const text = new TextDecoder('latin1').decode(bytes.subarray(10, 128));
    expect(text).toBe(dict + ' '.repeat(118 - dict.length - 1) + '\n');
  });

  it('round-trips every dtype, 0-d and 1-d shapes', () => {
    const tensors: Tensor[] = [
      { shape: [2, 2], dtype: '<f4', data: Float32Array.of(1, -2, 0.5, 7) },
      { shape: [1], dtype: '<f8', data: Float64Array.of(Math.E) },
      { shape: [], dtype: '<f2', data: Float32Array.of(0.333251953125) },
      { shape: [3], dtype: '<i4', data: Int32Array.of(-5, 0, 5) },
      { shape: [2], dtype: '<i8', data: Float64Array.of(2 ** 53, -3) },
      { shape: [2], dtype: '|b1', data: Uint8Array.of(0, 1) },
      { shape: [1, 1, 2], dtype: '|u1', data: Uint8Array.of(9, 250) },
    ];
    for (const tensor of tensors) {
      const back = parseNpy(writeNpy(tensor));
      expect(back, tensor.dtype).toEqual(tensor);
    }
  });

  it('refuses bfloat16 and a data length that does not match the shape', () => {
    expect(() =>
      writeNpy({ shape: [1], dtype: 'bf16', data: Float32Array.of(1) }, 'b.npy'),
    ).toThrow("b.npy: NumPy has no bfloat16; convert the tensor to '<f4' before writing .npy");
    expect(() => writeNpy({ shape: [3], dtype: '<f4', data: Float32Array.of(1) }, 'c.npy')).toThrow(
      'c.npy: shape [3] needs 3 values, the data holds 1',
    );
  });
});
