import { describe, expect, it } from 'vitest';
import { clipForMessage, describeJson, jsonTooDeep, MAX_QUOTED_CHARS } from './bounded';
import { MAX_NPY_HEADER_BYTES, parseNpy } from './npy';
import { parsePyLiteral } from './pyliteral';
import {
  MAX_SAFETENSORS_HEADER_BYTES,
  parseSafetensors,
  readSafetensorsIndex,
} from './safetensors';
import { TensorFileError } from './tensor';

// Hostile files (issue 12): every one ends in a TensorFileError whose message quotes at most a
// couple of hundred characters of the file, quickly, and never in a stack overflow.

/** Generous: each case takes milliseconds; this only catches a quadratic or a hang. */
const TIME_LIMIT_MS = 2000;
/** A message's own words plus at most MAX_QUOTED_CHARS of quoted input, a few times over. */
const MAX_MESSAGE_CHARS = 4 * MAX_QUOTED_CHARS + 300;
const LONG_NAME = 'n'.repeat(1_700_000);

/** Runs `read`, expects a TensorFileError, and returns its message and how long it took. */
function refusal(read: () => unknown): { message: string; ms: number } {
  const started = performance.now();
  let caught: unknown = null;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  const ms = performance.now() - started;
  expect(caught).toBeInstanceOf(TensorFileError);
  const message = caught instanceof Error ? caught.message : '';
  expect(message.length, message.slice(0, 300)).toBeLessThan(MAX_MESSAGE_CHARS);
  expect(ms).toBeLessThan(TIME_LIMIT_MS);
  return { message, ms };
}

function npy(headerText: string, major = 1, claimedLength?: number): Uint8Array {
  const preamble = major === 1 ? 10 : 12;
  const text = new TextEncoder().encode(headerText);
  const out = new Uint8Array(preamble + text.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  const length = claimedLength ?? text.length;
  if (major === 1) view.setUint16(8, length, true);
  else view.setUint32(8, length, true);
  out.set(text, preamble);
  return out;
}

function safetensors(headerText: string, data = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('bounded helpers', () => {
  it('clips quotes at 200 code points with an ellipsis, never splitting a surrogate pair', () => {
    expect(clipForMessage('short')).toBe('short');
    expect(clipForMessage('x'.repeat(200))).toBe('x'.repeat(200));
    expect(clipForMessage('x'.repeat(1_700_000))).toBe(`${'x'.repeat(200)}…`);
    expect(clipForMessage('😀'.repeat(300))).toBe(`${'😀'.repeat(200)}…`);
    expect(clipForMessage('😀'.repeat(150))).toBe('😀'.repeat(150));
  });

  it('describes huge or wide JSON values in a couple of hundred characters', () => {
    expect(describeJson([1, 'a', null, { b: [true] }])).toBe('[1,"a",null,{"b":[true]}]');
    const wide = describeJson(Array.from({ length: 1_000_000 }, (_, i) => i));
    expect(wide.length).toBeLessThanOrEqual(MAX_QUOTED_CHARS + 1);
    expect(wide.startsWith('[0,1,2,3')).toBe(true);
    expect(wide.endsWith('…')).toBe(true);
    expect(describeJson(LONG_NAME).length).toBeLessThanOrEqual(MAX_QUOTED_CHARS + 4);
    expect(describeJson({ [LONG_NAME]: 1 }).length).toBeLessThanOrEqual(MAX_QUOTED_CHARS + 1);
  });

  it('finds where JSON nests too deep in one pass, skipping brackets inside strings', () => {
    expect(jsonTooDeep('[[1]]', 2)).toBeNull();
    expect(jsonTooDeep('[[[1]]]', 2)).toEqual({ depth: 3, offset: 2 });
    expect(jsonTooDeep('["[[[[", "\\"[[[["]', 1)).toBeNull();
    expect(jsonTooDeep('{"a": {"b": 1}}', 1)).toEqual({ depth: 2, offset: 6 });
    const started = performance.now();
    expect(jsonTooDeep('['.repeat(1_000_000), 32)).toEqual({ depth: 33, offset: 32 });
    expect(jsonTooDeep(`[${'1,'.repeat(2_000_000)}1]`, 32)).toBeNull();
    expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
  });
});

describe('hostile .npy files', () => {
  it('refuses a header longer than NumPy reads before decoding it', () => {
    const { message } = refusal(() =>
      parseNpy(npy(`{'descr': '${'<'.repeat(1_700_000)}'}`, 2), 'long.npy'),
    );
    expect(message).toBe(
      `long.npy: the header is 1700013 bytes long; flexmask reads .npy headers of up to ` +
        `${MAX_NPY_HEADER_BYTES} bytes, as NumPy does (a plain array's header is far shorter)`,
    );
    // A v2 header length of 4 GiB is refused by the same rule, before the file length matters.
    expect(refusal(() => parseNpy(npy('{}', 2, 0xffffffff), 'claims.npy')).message).toMatch(
      /claims\.npy: the header is 4294967295 bytes long/,
    );
  });

  it('refuses deep nesting, long keys and long dtypes with short messages', () => {
    const deep = `{'descr': '<f4', 'fortran_order': False, 'shape': ${'('.repeat(4000)}1${',)'.repeat(4000)}}`;
    expect(refusal(() => parseNpy(npy(deep.slice(0, 9000)), 'deep.npy')).message).toMatch(
      /deep\.npy: the header is not a valid Python dict literal: the literal is nested too deeply/,
    );
    const longKey = `{'${'k'.repeat(9000)}': 1, 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}`;
    expect(refusal(() => parseNpy(npy(longKey), 'key.npy')).message).toMatch(
      /key\.npy: the header has unexpected keys: 'k{40}…'$/,
    );
    const longDescr = `{'descr': '${'f'.repeat(9000)}', 'fortran_order': False, 'shape': (1,)}`;
    expect(refusal(() => parseNpy(npy(longDescr), 'descr.npy')).message).toMatch(
      /descr\.npy: dtype 'f{40}…' is not supported/,
    );
    const wideShape = `{'descr': '<f4', 'fortran_order': False, 'shape': (${'-1, '.repeat(2000)})}`;
    expect(refusal(() => parseNpy(npy(wideShape), 'wide.npy')).message).toMatch(
      /wide\.npy: 'shape' must be a tuple of non-negative integers, found \(-1, -1, .*…$/,
    );
  });

  it('does not take a prototype name for a dtype', () => {
    for (const descr of ['constructor', '__proto__', 'toString']) {
      const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (1,)}`;
      expect(refusal(() => parseNpy(npy(header), 'proto.npy')).message).toMatch(
        /dtype '.*' is not supported/,
      );
    }
  });

  it('parses a header of many numbers in linear time', () => {
    const text = `(${'7, '.repeat(3000)})`;
    const started = performance.now();
    for (let i = 0; i < 20; i++) parsePyLiteral(text);
    expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
  });
});

describe('hostile .safetensors files', () => {
  it('refuses a shape nested 100,000 deep before JSON.parse, with the nesting named', () => {
    const header = `{"q": {"dtype": "F32", "shape": ${'['.repeat(100_000)}1${']'.repeat(100_000)}, "data_offsets": [0, 4]}}`;
    const { message } = refusal(() => parseSafetensors(safetensors(header), 'deep.safetensors'));
    expect(message).toBe(
      'deep.safetensors: the header nests more than 8 levels deep (at character 38); a ' +
        'safetensors header nests 3 ({name: {shape: [...]}})',
    );
  });

  it('quotes a 1.7 MB tensor name in at most 200 characters', () => {
    const header = JSON.stringify({
      [LONG_NAME]: { dtype: 'C64', shape: [1], data_offsets: [0, 8] },
    });
    const { message } = refusal(() =>
      parseSafetensors(safetensors(header, new Uint8Array(8)), 'name.safetensors'),
    );
    expect(message).toBe(
      `name.safetensors: tensor '${'n'.repeat(200)}…': dtype 'C64' is not supported; use one of ` +
        'F32, F16, BF16, F64, I32, I64, BOOL, U8',
    );
  });

  it('refuses a header over the cap before decoding it', () => {
    const header = `{${' '.repeat(MAX_SAFETENSORS_HEADER_BYTES)}}`;
    const { message } = refusal(() => parseSafetensors(safetensors(header), 'big.safetensors'));
    expect(message).toBe(
      `big.safetensors: the header is ${MAX_SAFETENSORS_HEADER_BYTES + 2} bytes long; flexmask ` +
        `reads headers of up to ${MAX_SAFETENSORS_HEADER_BYTES} bytes (save Q, K and V in a file ` +
        'of their own)',
    );
  });

  it('refuses offsets out of range, huge shapes and wide values with short messages', () => {
    const cases: [string, RegExp][] = [
      [
        '{"q": {"dtype": "F32", "shape": [2], "data_offsets": [0, 99999999999]}}',
        /data_offsets \[0, 99999999999\] go past the end of the data \(0 bytes\)/,
      ],
      [
        '{"q": {"dtype": "F32", "shape": [2], "data_offsets": [0, 1e300]}}',
        /data_offsets must be \[begin, end\] with non-negative integers, found \[0,1e\+300\]/,
      ],
      [
        `{"q": {"dtype": "F32", "shape": [${'1000000,'.repeat(200_000)}1], "data_offsets": [0, 0]}}`,
        /span 0 bytes, but F32 \[1000000, 1000000, .*…/,
      ],
      [
        `{"q": {"dtype": "F32", "shape": [${'-1,'.repeat(300_000)}1], "data_offsets": [0, 0]}}`,
        /shape must be a list of non-negative integers, found \[-1,-1,.*…$/,
      ],
      [
        `{"q": [${'"x",'.repeat(300_000)}1]}`,
        /expected \{dtype, shape, data_offsets\}, found \["x","x",.*…$/,
      ],
      ['{"q": {"dtype": "constructor", "shape": [1], "data_offsets": [0, 4]}}', /not supported/],
    ];
    for (const [header, pattern] of cases) {
      const { message } = refusal(() => parseSafetensors(safetensors(header), 'bad.safetensors'));
      expect(message).toMatch(pattern);
    }
  });

  it('checks 100,000 empty tensors quickly and decodes only the one asked for', () => {
    const entries = Array.from(
      { length: 100_000 },
      (_, i) => `"t${i}": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}`,
    );
    const header = `{${entries.join(',')}, "q": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}`;
    const started = performance.now();
    const index = readSafetensorsIndex(
      safetensors(header, new Uint8Array(Float32Array.of(2.5).buffer)),
    );
    expect(index.entries).toHaveLength(100_001);
    expect(index.decode('q').data).toEqual(Float32Array.of(2.5));
    expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
  });
});
