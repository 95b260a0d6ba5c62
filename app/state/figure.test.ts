import { describe, expect, test } from 'vitest';
import { createBlockMask, toDense } from '../reference';
import { createRandom } from '../tensors/random';
import { blockGrid, blockStateAt, countBlockStates, finiteExtent, scoresColourMap } from './figure';
import { figureSubtitle, nameToTitle, programName } from './figureTitle';
import { DEFAULT_CODE } from '../problem';

describe('block states', () => {
  test('blockGrid agrees with a direct count of each block, on random masks', () => {
    const seed = Date.now() % 100000;
    const rng = createRandom(seed);
    for (let trial = 0; trial < 25; trial++) {
      const B = 1 + Math.floor(rng.nextFloat() * 2);
      const H = 1 + Math.floor(rng.nextFloat() * 3);
      const Q = 1 + Math.floor(rng.nextFloat() * 40);
      const KV = 1 + Math.floor(rng.nextFloat() * 40);
      const bq = 1 + Math.floor(rng.nextFloat() * 8);
      const bkv = 1 + Math.floor(rng.nextFloat() * 8);
      const density = rng.nextFloat();
      const table = Array.from({ length: B * H * Q * KV }, () => rng.nextFloat() < density);
      const mask = (b: number, h: number, q: number, kv: number) =>
        table[((b * H + h) * Q + q) * KV + kv];
      const bm = createBlockMask(mask, B, H, Q, KV, bq, bkv);
      const dense = toDense(bm);
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          const grid = blockGrid(bm, b, h);
          for (let qb = 0; qb < bm.nQ; qb++) {
            for (let kvb = 0; kvb < bm.nKV; kvb++) {
              let allowed = 0;
              let cells = 0;
              for (let q = qb * bq; q < Math.min(Q, (qb + 1) * bq); q++) {
                for (let kv = kvb * bkv; kv < Math.min(KV, (kvb + 1) * bkv); kv++) {
                  cells += 1;
                  if (mask(b, h, q, kv)) allowed += 1;
                }
              }
              const expected = allowed === 0 ? 'empty' : allowed === bq * bkv ? 'full' : 'partial';
              const where = `seed ${seed} trial ${trial} (${b}, ${h}, ${qb}, ${kvb}) of ${cells}`;
              expect(blockStateAt(bm, b, h, qb, kvb), where).toBe(expected);
              expect(grid[qb * bm.nKV + kvb], where).toBe(
                ['empty', 'partial', 'full'].indexOf(expected),
              );
              expect(dense[((b * H + h) * bm.nQ + qb) * bm.nKV + kvb] === 1, where).toBe(
                expected !== 'empty',
              );
            }
          }
        }
      }
    }
  });

  test('a mask that depends on neither b nor h broadcasts over every (b, h)', () => {
    const bm = createBlockMask((_b, _h, q, kv) => q >= kv, 1, 1, 8, 8, 2, 2);
    expect(blockGrid(bm, 3, 5)).toEqual(blockGrid(bm, 0, 0));
    const counts = countBlockStates(blockGrid(bm, 0, 0));
    expect(counts).toEqual({ empty: 6, partial: 4, full: 6 });
  });
});

describe('figure helpers', () => {
  test("attention-gym's colour maps", () => {
    expect(scoresColourMap(true, false)).toBe('cividis');
    expect(scoresColourMap(false, true)).toBe('viridis');
    expect(scoresColourMap(true, true)).toBe('plasma');
  });
  test('finiteExtent skips -inf and NaN and widens a flat range', () => {
    expect(finiteExtent([-Infinity, 2, NaN, -3])).toEqual([-3, 2]);
    expect(finiteExtent([-Infinity])).toEqual([0, 1]);
    expect(finiteExtent([4, 4])).toEqual([3.5, 4.5]);
  });
  test('titles follow attention-gym', () => {
    expect(nameToTitle('sliding_window')).toBe('Sliding Window');
    expect(nameToTitle('causal_mask')).toBe('Causal Mask');
    expect(figureSubtitle(0, 0)).toBe('');
    expect(figureSubtitle(0, 2)).toBe('Batch 0, Head 2');
    expect(figureSubtitle(1, 0)).toBe('Batch 1, Head 0');
  });
  test('programName reads the entry', () => {
    expect(programName(DEFAULT_CODE)).toBe('causal_and_padding');
    expect(programName('mask_mod = causal')).toBe('causal');
    expect(programName('mask_mod = generate_sliding_window(3)')).toBe('sliding_window');
    expect(programName('mask_mod = or_masks(a, b)\nscore_mod = alibi')).toBe('a_or_b_with_alibi');
    expect(programName('def mask_mod(b, h, q_idx, kv_idx):\n    return True')).toBe(
      'attention_scores',
    );
  });
});
