import { describe, expect, it } from 'vitest';
import { unpadRows } from './headPicture';

describe('the mask picture read back as bytes', () => {
  it('drops the padding that takes each row to a whole word', () => {
    // 3 rows of 5 cells, each row padded to 8 bytes (two words); the padding holds 9s.
    const padded = Uint8Array.of(
      1,
      0,
      1,
      1,
      0,
      9,
      9,
      9,
      0,
      0,
      0,
      1,
      1,
      9,
      9,
      9,
      1,
      1,
      1,
      1,
      1,
      9,
      9,
      9,
    );
    expect(Array.from(unpadRows(padded, 3, 5, 8))).toEqual([
      1, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1,
    ]);
  });

  it('hands back rows that fill their words as they are', () => {
    const padded = Uint8Array.of(1, 0, 0, 1, 0, 1, 1, 0);
    expect(unpadRows(padded, 2, 4, 4)).toBe(padded);
  });
});
