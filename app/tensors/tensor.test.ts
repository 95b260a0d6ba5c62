import { describe, expect, it } from 'vitest';
import { floatToBfloat16, floatToHalf, halfToFloat } from './tensor';

describe('float16', () => {
  it('decodes known bit patterns', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x0400)).toBe(2 ** -14);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(halfToFloat(0x3555)).toBe(1365 / 4096);
  });

  it('encodes with round-half-to-even and overflow to infinity', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(1 / 3)).toBe(0x3555);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie, to even (mantissa 0)
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, to even (mantissa 2)
    expect(floatToHalf(65519)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-1e9)).toBe(0xfc00);
    expect(floatToHalf(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal
    expect(floatToHalf(3 * 2 ** -25)).toBe(2); // tie between 1 and 2 units: to even
    expect(floatToHalf(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up into the normals
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(floatToHalf(NaN)).toBe(0x7e00);
  });

  it('every non-NaN half survives decode then encode', () => {
    const wrong: string[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) continue;
      if (floatToHalf(halfToFloat(bits)) !== bits) wrong.push(`0x${bits.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('bfloat16', () => {
  it('rounds float32 to the top 16 bits, half to even', () => {
    expect(floatToBfloat16(1)).toBe(0x3f80);
    expect(floatToBfloat16(-2.5)).toBe(0xc020);
    // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: to even, 1.
    expect(floatToBfloat16(1 + 2 ** -8)).toBe(0x3f80);
    // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: to even, 1 + 2^-6.
    expect(floatToBfloat16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(floatToBfloat16(Infinity)).toBe(0x7f80);
  });
});
