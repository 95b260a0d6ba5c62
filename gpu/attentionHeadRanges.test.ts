import { describe, expect, test } from 'vitest';
import { rangesAround } from './flexAttention';

describe('rangesAround', () => {
  test('with the head itself, covers every b * H + h exactly once, in at most two ranges', () => {
    for (let count = 1; count <= 9; count++) {
      for (let first = 0; first < count; first++) {
        const ranges = rangesAround(first, count);
        expect(ranges.length).toBeLessThanOrEqual(2);
        const covered = new Array<number>(count).fill(0);
        covered[first] += 1;
        for (const range of ranges) {
          expect(range.count).toBeGreaterThan(0);
          for (let i = range.first; i < range.first + range.count; i++) covered[i] += 1;
        }
        expect(covered).toEqual(new Array<number>(count).fill(1));
      }
    }
  });

  test('the first and the last head leave one range; a lone head leaves none', () => {
    expect(rangesAround(0, 8)).toEqual([{ first: 1, count: 7 }]);
    expect(rangesAround(7, 8)).toEqual([{ first: 0, count: 7 }]);
    expect(rangesAround(3, 8)).toEqual([
      { first: 0, count: 3 },
      { first: 4, count: 4 },
    ]);
    expect(rangesAround(0, 1)).toEqual([]);
  });
});
