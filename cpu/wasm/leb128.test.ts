import { describe, expect, it } from 'vitest';
import { float32Bytes, signedLeb128, unsignedLeb128 } from './leb128';

describe('unsigned LEB128', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16383, [0xff, 0x7f]],
    [16384, [0x80, 0x80, 0x01]],
    [0x7fff_ffff, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [0x8000_0000, [0x80, 0x80, 0x80, 0x80, 0x08]],
    [0xffff_ffff, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('%d', (value, bytes) => {
    expect(unsignedLeb128(value)).toEqual(bytes);
  });

  it('refuses what is not a u32', () => {
    for (const bad of [-1, 0.5, 2 ** 32, NaN])
      expect(() => unsignedLeb128(bad)).toThrow(RangeError);
  });
});

describe('signed LEB128', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [-1, [0x7f]],
    [63, [0x3f]],
    [64, [0xc0, 0x00]],
    [-64, [0x40]],
    [-65, [0xbf, 0x7f]],
    [-128, [0x80, 0x7f]],
    [0x7fff_ffff, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [-0x8000_0000, [0x80, 0x80, 0x80, 0x80, 0x78]],
  ])('%d', (value, bytes) => {
    expect(signedLeb128(value)).toEqual(bytes);
  });

  it('refuses what is not an i32', () => {
    for (const bad of [2 ** 31, -(2 ** 31) - 1, 1.5])
      expect(() => signedLeb128(bad)).toThrow(RangeError);
  });
});

describe('float32 bytes', () => {
  it('are little-endian IEEE 754', () => {
    expect(float32Bytes(1)).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(float32Bytes(-Infinity)).toEqual([0x00, 0x00, 0x80, 0xff]);
  });
});
