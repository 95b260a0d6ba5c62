import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from './npy';
import { parseSafetensors, writeSafetensors } from './safetensors';
import { TensorFileError, type Tensor } from './tensor';

const FIXTURES = resolve(__dirname, '../../e2e/fixtures');

/** A .safetensors file from a header object and raw data bytes. */
function build(header: unknown, data: number[] = [], headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('parseSafetensors', () => {
  it('reads the committed q, k, v (built byte by byte by make_fixtures.py) like the .npy files', () => {
    const tensors = parseSafetensors(readFileSync(join(FIXTURES, 'qkv.safetensors')));
    expect([...tensors.keys()]).toEqual(['q', 'k', 'v']);
    for (const name of ['q', 'k', 'v']) {
      const fromNpy = parseNpy(readFileSync(join(FIXTURES, `${name}.npy`)));
      const tensor = tensors.get(name)!;
      expect(tensor.shape, name).toEqual([1, 2, 10, 8]);
      expect(tensor.dtype, name).toBe('<f4');
      expect(Array.from(tensor.data), name).toEqual(Array.from(fromNpy.data));
    }
  });

  it('decodes hand-built F16, BF16, I64, BOOL and U8 bytes and ignores __metadata__', () => {
    const file = build(
      {
        __metadata__: { format: 'pt' },
        h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
        b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] },
        i: { dtype: 'I64', shape: [1], data_offsets: [8, 16] },
        m: { dtype: 'BOOL', shape: [3], data_offsets: [16, 19] },
        u: { dtype: 'U8', shape: [], data_offsets: [19, 20] },
      },
      [
        // F16 1.0 = 0x3c00, -2.0 = 0xc000 (little-endian)
        0x00, 0x3c, 0x00, 0xc0,
        // BF16 1.0 = 0x3f80, -2.5 = 0xc020
        0x80, 0x3f, 0x20, 0xc0,
        // I64 -2 = 0xffff_ffff_ffff_fffe
        0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        // BOOL; nonzero is True
        1, 0, 2,
        // U8 200
        200,
      ],
    );
    const t = parseSafetensors(file);
    expect([...t.keys()]).toEqual(['h', 'b', 'i', 'm', 'u']);
    expect(t.get('h')).toEqual({ shape: [2], dtype: '<f2', data: Float32Array.of(1, -2) });
    expect(t.get('b')).toEqual({ shape: [2], dtype: 'bf16', data: Float32Array.of(1, -2.5) });
    expect(t.get('i')).toEqual({ shape: [1], dtype: '<i8', data: Float64Array.of(-2) });
    expect(t.get('m')).toEqual({ shape: [3], dtype: '|b1', data: Uint8Array.of(1, 0, 1) });
    expect(t.get('u')).toEqual({ shape: [], dtype: '|u1', data: Uint8Array.of(200) });
  });

  const f32 = (offsets: number[], shape = [2]) => ({ dtype: 'F32', shape, data_offsets: offsets });
  const cases: Array<[string, Uint8Array, string]> = [
    [
      'a file shorter than 8 bytes',
      new Uint8Array(5),
      'not a .safetensors file: 5 bytes is too short for the 8-byte header length',
    ],
    [
      'a header length beyond the file',
      (() => {
        const b = build({});
        new DataView(b.buffer).setBigUint64(0, 1000n, true);
        return b;
      })(),
      'the header length 1000 goes beyond the file (2 bytes after the length)',
    ],
    ['bad JSON', build(null, [], '{"q": {'), 'the header is not valid JSON: '],
    ['a JSON array', build([1, 2]), 'the header must be a JSON object of tensors'],
    [
      'an unknown dtype',
      build({ q: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, [0]),
      "tensor 'q': dtype 'F8_E4M3' is not supported; use one of F32, F16, BF16, F64, I32, I64, BOOL, U8",
    ],
    [
      'offsets past the data',
      build({ q: f32([0, 8]) }, [0, 0, 0, 0]),
      "tensor 'q': data_offsets [0, 8] go past the end of the data (4 bytes)",
    ],
    [
      'offsets of the wrong size',
      build({ q: f32([0, 4]) }, [0, 0, 0, 0, 0, 0, 0, 0]),
      "tensor 'q': data_offsets [0, 4] span 4 bytes, but F32 [2] (float32) needs 8",
    ],
    [
      'offsets that end before they begin',
      build({ q: f32([8, 0]) }, new Array(8).fill(0)),
      "tensor 'q': data_offsets [8, 0] end before they begin",
    ],
    [
      'overlapping tensors',
      build({ q: f32([0, 8]), k: f32([4, 12]) }, new Array(12).fill(0)),
      "tensors 'q' and 'k' overlap: data_offsets [0, 8] and [4, 12]",
    ],
    [
      'a bad shape',
      build({ q: f32([0, 8], [-2]) }, new Array(8).fill(0)),
      "tensor 'q': shape must be a list of non-negative integers, found [-2]",
    ],
    [
      'missing offsets',
      build({ q: { dtype: 'F32', shape: [2] } }),
      "tensor 'q': data_offsets must be [begin, end] with non-negative integers, found undefined",
    ],
    [
      'an entry that is not an object',
      build({ q: 3 }),
      "tensor 'q': expected {dtype, shape, data_offsets}, found 3",
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}`, () => {
      let caught: unknown;
      try {
        parseSafetensors(bytes, 'w.safetensors');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TensorFileError);
      const text = (caught as Error).message;
      // The JSON engine's own wording follows "not valid JSON: "; the rest is exact.
      if (message.endsWith(': ')) expect(text.startsWith(`w.safetensors: ${message}`)).toBe(true);
      else expect(text).toBe(`w.safetensors: ${message}`);
    });
  }
});

describe('writeSafetensors', () => {
  it('round-trips every dtype, in insertion order, with an 8-byte aligned header', () => {
    const tensors = new Map<string, Tensor>([
      ['a', { shape: [2, 2], dtype: '<f4', data: Float32Array.of(1, -2, 0.5, 3e-40) }],
      ['b', { shape: [1], dtype: '<f8', data: Float64Array.of(Math.PI) }],
      ['c', { shape: [3], dtype: '<f2', data: Float32Array.of(1, 0.333251953125, -65504) }],
      ['d', { shape: [2], dtype: 'bf16', data: Float32Array.of(1, -2.5) }],
      ['e', { shape: [2], dtype: '<i4', data: Int32Array.of(-(2 ** 31), 7) }],
      ['f', { shape: [1], dtype: '<i8', data: Float64Array.of(-(2 ** 53)) }],
      ['g', { shape: [2], dtype: '|b1', data: Uint8Array.of(1, 0) }],
      ['h', { shape: [], dtype: '|u1', data: Uint8Array.of(255) }],
    ]);
    const bytes = writeSafetensors(tensors, { note: 'flexmask' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header.__metadata__).toEqual({ note: 'flexmask' });
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header.b).toEqual({ dtype: 'F64', shape: [1], data_offsets: [16, 24] });
    expect(header.d.dtype).toBe('BF16');
    expect(parseSafetensors(bytes)).toEqual(tensors);
  });

  it('accepts a plain object and refuses a tensor named __metadata__', () => {
    const one: Tensor = { shape: [1], dtype: '<f4', data: Float32Array.of(2) };
    expect(parseSafetensors(writeSafetensors({ x: one })).get('x')).toEqual(one);
    expect(() => writeSafetensors({ __metadata__: one })).toThrow(
      "'__metadata__' is reserved and cannot name a tensor",
    );
  });
});
