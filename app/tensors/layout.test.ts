import { describe, expect, it } from 'vitest';
import { inferLayout, toBHSD } from './layout';
import { TensorFileError, type Tensor } from './tensor';

const f32 = (shape: number[], values: number[]): Tensor => ({
  shape,
  dtype: '<f4',
  data: Float32Array.from(values),
});

describe('toBHSD', () => {
  it('keeps [B,H,S,D] as is', () => {
    const t = f32([1, 2, 2, 1], [1, 2, 3, 4]);
    expect(Array.from(toBHSD(t, 'BHSD', { B: 1, H: 2, S: 2, D: 1 }, 'q'))).toEqual([1, 2, 3, 4]);
  });

  it('transposes [B,S,H,D]', () => {
    // Source order (s, h): (0,0)=1 (0,1)=2 (1,0)=3 (1,1)=4; target order (h, s): 1 3 2 4.
    const t = f32([1, 2, 2, 1], [1, 2, 3, 4]);
    expect(Array.from(toBHSD(t, 'BSHD', { B: 1, H: 2, S: 2, D: 1 }, 'q'))).toEqual([1, 3, 2, 4]);
    // With D = 2 the rows move whole: s0 = [h0: 1 2, h1: 3 4], s1 = [h0: 5 6, h1: 7 8].
    const wide = f32([1, 2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(toBHSD(wide, 'BSHD', { B: 1, H: 2, S: 2, D: 2 }, 'q'))).toEqual([
      1, 2, 5, 6, 3, 4, 7, 8,
    ]);
  });

  it('repeats [H,S,D] over every batch item and [S,D] over every batch item and head', () => {
    const hsd = f32([2, 1, 1], [5, 6]);
    expect(Array.from(toBHSD(hsd, 'HSD', { B: 2, H: 2, S: 1, D: 1 }, 'k'))).toEqual([5, 6, 5, 6]);
    const sd = f32([2, 1], [7, 8]);
    expect(Array.from(toBHSD(sd, 'SD', { B: 1, H: 3, S: 2, D: 1 }, 'v'))).toEqual([
      7, 8, 7, 8, 7, 8,
    ]);
  });

  it('converts integer and float64 data to float32', () => {
    const ints: Tensor = { shape: [2, 1], dtype: '<i4', data: Int32Array.of(-3, 4) };
    expect(Array.from(toBHSD(ints, 'SD', { B: 1, H: 1, S: 2, D: 1 }, 'q'))).toEqual([-3, 4]);
    const doubles: Tensor = { shape: [1, 1], dtype: '<f8', data: Float64Array.of(0.1) };
    expect(toBHSD(doubles, 'SD', { B: 1, H: 1, S: 1, D: 1 }, 'q')[0]).toBe(Math.fround(0.1));
  });

  it('says which sizes disagree with the scenario', () => {
    const k = f32([2, 10, 8], new Array(160).fill(0));
    expect(() => toBHSD(k, 'HSD', { B: 1, H: 8, S: 10, D: 8 }, 'k')).toThrow(
      new TensorFileError(
        'k has shape [2, 10, 8]; with layout [H,S,D] that means H=2, S=10, D=8, but the scenario has H=8',
      ),
    );
    expect(() => toBHSD(k, 'HSD', { B: 1, H: 8, S: 12, D: 4 }, 'k')).toThrow(
      'k has shape [2, 10, 8]; with layout [H,S,D] that means H=2, S=10, D=8, ' +
        'but the scenario has H=8, S=12, D=4',
    );
    expect(() => toBHSD(k, 'BHSD', { B: 1, H: 2, S: 10, D: 8 }, 'k')).toThrow(
      'k has shape [2, 10, 8]; layout [B,H,S,D] needs 4 dimensions, not 3',
    );
  });
});

describe('inferLayout', () => {
  const expected = { B: 1, H: 2, S: 10, D: 8 };
  it('finds the one layout that fits', () => {
    expect(inferLayout([1, 2, 10, 8], expected)).toEqual(['BHSD']);
    expect(inferLayout([1, 10, 2, 8], expected)).toEqual(['BSHD']);
    expect(inferLayout([2, 10, 8], expected)).toEqual(['HSD']);
    expect(inferLayout([10, 8], expected)).toEqual(['SD']);
  });

  it('lists every candidate when H equals S, and none when nothing fits', () => {
    expect(inferLayout([1, 4, 4, 8], { B: 1, H: 4, S: 4, D: 8 })).toEqual(['BHSD', 'BSHD']);
    expect(inferLayout([1, 3, 10, 8], expected)).toEqual([]);
    expect(inferLayout([], expected)).toEqual([]);
  });
});
