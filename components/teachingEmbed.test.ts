import { describe, expect, test } from 'vitest';
import { teachingEmbedFromHash } from './teachingEmbed';
import { tokenCell } from './teachingRun';

describe('teaching embed links', () => {
  test('reads the panel and the optional keys', () => {
    expect(teachingEmbedFromHash('#v=1&Q=20&embed=1&panel=walkthrough&row=6&block=4')).toEqual({
      panel: 'walkthrough',
      preset: null,
      block: 4,
      q: null,
      kv: null,
      row: 6,
    });
    expect(teachingEmbedFromHash('#embed=1&panel=explain&preset=causal&q=3&kv=1')).toMatchObject({
      panel: 'explain',
      preset: 'causal',
      q: 3,
      kv: 1,
    });
  });

  test('asks for nothing without embed=1 and a known panel; drops bad values', () => {
    expect(teachingEmbedFromHash('#panel=explain')).toBeNull();
    expect(teachingEmbedFromHash('#embed=1')).toBeNull();
    expect(teachingEmbedFromHash('#embed=1&panel=code')).toBeNull();
    expect(
      teachingEmbedFromHash('#embed=1&panel=explain&q=-1&kv=1e3&block=999&preset=<b>'),
    ).toMatchObject({ q: null, kv: null, block: null, preset: null });
  });
});

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
