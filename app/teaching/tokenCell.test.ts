import { describe, expect, test } from 'vitest';
import { tokenCell } from './tokenCell';

describe('a clicked picture cell in tokens', () => {
  test('scores, mask and probs cells map through the strides; blocks to their first element', () => {
    const blocks = { blockQ: 4, blockKV: 8 };
    expect(tokenCell('mask', 1, 1, 7, 3, null, blocks)).toEqual({ q: 7, kv: 3 });
    expect(tokenCell('scores', 2, 3, 7, 3, null, blocks)).toEqual({ q: 14, kv: 9 });
    expect(tokenCell('blocks', 1, 1, 2, 1, null, blocks)).toEqual({ q: 8, kv: 8 });
  });

  test('an output cell picks the row and keeps the previous key', () => {
    expect(tokenCell('output', 1, 1, 5, 2, { q: 0, kv: 9 }, null)).toEqual({ q: 5, kv: 9 });
    expect(tokenCell('output', 1, 1, 5, 2, null, null)).toEqual({ q: 5, kv: 0 });
  });
});
