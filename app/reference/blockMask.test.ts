import { describe, expect, it } from 'vitest';
import { blockStats, createBlockMask, sparsity, toDense, toString } from './blockMask';
import type { MaskFn } from './types';
import { createRandom } from '../tensors/random';

const causal: MaskFn = (_b, _h, q, kv) => q >= kv;
const noop: MaskFn = () => true;

const list = (a: Int32Array): number[] => Array.from(a);

describe('createBlockMask, worked by hand', () => {
  it('causal 4x4 with 2x2 blocks: diagonal partial, below full, above empty', () => {
    // Block (0,0) holds (0,0),(1,0),(1,1): 3 of 4, partial. Block (0,1): none, empty.
    // Block (1,0): all 4, full. Block (1,1): (2,2),(3,2),(3,3): partial.
    const bm = createBlockMask(causal, 1, 1, 4, 4, 2, 2);
    expect([bm.nQ, bm.nKV]).toEqual([2, 2]);
    expect(list(bm.kvNumBlocks)).toEqual([1, 1]);
    expect(list(bm.kvIndices)).toEqual([0, 1, 1, 0]);
    expect(list(bm.fullKvNumBlocks)).toEqual([0, 1]);
    expect(list(bm.fullKvIndices)).toEqual([0, 1, 0, 1]);
    // Per kv block: kb0 is partial in qb0 and full in qb1; kb1 is partial in qb1 only.
    expect(list(bm.qNumBlocks)).toEqual([1, 1]);
    expect(list(bm.qIndices)).toEqual([0, 1, 1, 0]);
    expect(list(bm.fullQNumBlocks)).toEqual([1, 0]);
    expect(list(bm.fullQIndices)).toEqual([1, 0, 0, 1]);
    expect(sparsity(bm)).toBe(25);
    expect(blockStats(bm)).toEqual({
      partialBlocks: 2,
      fullBlocks: 1,
      computedBlocks: 3,
      totalBlocks: 4,
    });
    expect(Array.from(toDense(bm))).toEqual([1, 0, 1, 1]);
  });

  it('lengths that are not block multiples: edge blocks hold padding and are never full', () => {
    // noop over Q=5, KV=3 with 2x2 blocks: nQ=3, nKV=2. Column block 1 holds only kv=2,
    // row block 2 only q=4, so every block touching them is partial; only the two interior
    // blocks (qb 0 and 1, kb 0) are full.
    const bm = createBlockMask(noop, 1, 1, 5, 3, 2, 2);
    expect([bm.nQ, bm.nKV]).toEqual([3, 2]);
    expect(list(bm.kvNumBlocks)).toEqual([1, 1, 2]);
    expect(list(bm.kvIndices)).toEqual([1, 0, 1, 0, 0, 1]);
    expect(list(bm.fullKvNumBlocks)).toEqual([1, 1, 0]);
    expect(list(bm.fullKvIndices)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(list(bm.qNumBlocks)).toEqual([1, 3]);
    expect(list(bm.qIndices)).toEqual([2, 0, 1, 0, 1, 2]);
    expect(list(bm.fullQNumBlocks)).toEqual([2, 0]);
    expect(list(bm.fullQIndices)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(sparsity(bm)).toBe(0);
  });

  it('Q_LEN != KV_LEN (cross-attention) gives the right grid and lengths', () => {
    // q < 2 sees kv < 4, q >= 2 sees kv >= 4; Q=4, KV=8, blocks 2x4: a block diagonal of full.
    const bm = createBlockMask((_b, _h, q, kv) => q < 2 === kv < 4, 1, 1, 4, 8, 2, 4);
    expect([bm.Q, bm.KV, bm.nQ, bm.nKV]).toEqual([4, 8, 2, 2]);
    expect(list(bm.kvNumBlocks)).toEqual([0, 0]);
    expect(list(bm.fullKvNumBlocks)).toEqual([1, 1]);
    expect(list(bm.fullKvIndices)).toEqual([0, 1, 1, 0]);
    expect(list(bm.fullQIndices)).toEqual([0, 1, 1, 0]);
  });

  it('block size 1: every block is full or empty, indices present-ascending then absent', () => {
    const bm = createBlockMask((_b, _h, _q, kv) => kv === 3 || kv === 1, 1, 1, 1, 5, 1, 1);
    expect(list(bm.kvNumBlocks)).toEqual([0]);
    expect(list(bm.kvIndices)).toEqual([0, 1, 2, 3, 4]);
    expect(list(bm.fullKvNumBlocks)).toEqual([2]);
    expect(list(bm.fullKvIndices)).toEqual([1, 3, 0, 2, 4]);
    // q side: kv blocks 1 and 3 have the single q block, the others none.
    expect(list(bm.fullQNumBlocks)).toEqual([0, 1, 0, 1, 0]);
    expect(list(bm.fullQIndices)).toEqual([0, 0, 0, 0, 0]);
    expect(sparsity(bm)).toBe(60);
  });

  it('partial indices also sort present-ascending then absent-ascending', () => {
    // KV=10 in blocks of 2; kv 2 and 7 allowed: blocks 1 and 3 partial (1 of 2 each).
    const bm = createBlockMask((_b, _h, _q, kv) => kv === 7 || kv === 2, 1, 1, 1, 10, 1, 2);
    expect(list(bm.kvNumBlocks)).toEqual([2]);
    expect(list(bm.kvIndices)).toEqual([1, 3, 0, 2, 4]);
    expect(list(bm.fullKvNumBlocks)).toEqual([0]);
  });

  it('a block larger than the sequence gives one partial block, even for noop', () => {
    const bm = createBlockMask(noop, 1, 1, 3, 3, 128, 128);
    expect([bm.nQ, bm.nKV]).toEqual([1, 1]);
    expect(list(bm.kvNumBlocks)).toEqual([1]);
    expect(list(bm.fullKvNumBlocks)).toEqual([0]);
    expect(list(bm.qNumBlocks)).toEqual([1]);
  });

  it('B and H: per-(b, h) rows in row-major order', () => {
    // Head h allows kv <= h over Q=1, KV=2, blocks 1x1. b is ignored.
    const bm = createBlockMask((_b, h, _q, kv) => kv <= h, 2, 2, 1, 2, 1, 1);
    expect(list(bm.fullKvNumBlocks)).toEqual([1, 2, 1, 2]);
    expect(list(bm.fullKvIndices)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    // q side, [B, H, nKV]: head 0 has kv block 0 only, head 1 both.
    expect(list(bm.fullQNumBlocks)).toEqual([1, 0, 1, 1, 1, 0, 1, 1]);
    expect(sparsity(bm)).toBe(25);
  });

  it('fully masked gives 100% sparsity, empty rows and no full blocks', () => {
    const bm = createBlockMask(() => false, 1, 1, 4, 4, 2, 2);
    expect(list(bm.kvNumBlocks)).toEqual([0, 0]);
    expect(list(bm.fullKvNumBlocks)).toEqual([0, 0]);
    expect(list(bm.kvIndices)).toEqual([0, 1, 0, 1]);
    expect(sparsity(bm)).toBe(100);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => createBlockMask(noop, 1, 1, 4, 4, 0, 2)).toThrow(
      'createBlockMask: blockQ must be a positive integer, got 0',
    );
    expect(() => createBlockMask(noop, 1, 1, 4.5, 4, 2, 2)).toThrow('Q must be a positive');
  });

  it('runs Q = KV = 2048 in a few seconds (never materialising the dense mask)', () => {
    const started = performance.now();
    const bm = createBlockMask(causal, 1, 1, 2048, 2048, 128, 128);
    const ms = performance.now() - started;
    // 16 row blocks: 16 partial (diagonal), 120 full below, 120 empty above.
    expect(blockStats(bm)).toEqual({
      partialBlocks: 16,
      fullBlocks: 120,
      computedBlocks: 136,
      totalBlocks: 256,
    });
    expect(ms).toBeLessThan(8000);
  }, 20000);
});

/** The literal recipe of docs/blockmask.md, with the dense padded mask, for cross-checking. */
function denseRecipe(
  mask: MaskFn,
  B: number,
  H: number,
  Q: number,
  KV: number,
  bq: number,
  bkv: number,
) {
  const nQ = Math.ceil(Q / bq);
  const nKV = Math.ceil(KV / bkv);
  const kind: number[][][][] = []; // 0 empty, 1 partial, 2 full
  for (let b = 0; b < B; b++) {
    kind.push([]);
    for (let h = 0; h < H; h++) {
      const padded: boolean[][] = [];
      for (let q = 0; q < nQ * bq; q++) {
        padded.push([]);
        for (let kv = 0; kv < nKV * bkv; kv++)
          padded[q].push(q < Q && kv < KV && mask(b, h, q, kv));
      }
      const grid: number[][] = [];
      for (let i = 0; i < nQ; i++) {
        grid.push([]);
        for (let j = 0; j < nKV; j++) {
          let s = 0;
          for (let q = i * bq; q < (i + 1) * bq; q++)
            for (let kv = j * bkv; kv < (j + 1) * bkv; kv++) s += padded[q][kv] ? 1 : 0;
          grid[i].push(s === 0 ? 0 : s === bq * bkv ? 2 : 1);
        }
      }
      kind[b].push(grid);
    }
  }
  return { nQ, nKV, kind };
}

/** A stable descending argsort of 0/1 flags, written the obvious (slow) way. */
function stableDescending(flags: number[]): number[] {
  return flags
    .map((f, i) => ({ f, i }))
    .sort((x, y) => y.f - x.f || x.i - y.i)
    .map((e) => e.i);
}

describe('createBlockMask against the dense recipe on random problems', () => {
  for (let trial = 0; trial < 40; trial++) {
    const seed = 1000 + trial;
    it(`random mask, seed ${seed}`, () => {
      const random = createRandom(seed);
      const B = random.nextInt(1, 2);
      const H = random.nextInt(1, 3);
      const Q = random.nextInt(1, 13);
      const KV = random.nextInt(1, 13);
      const bq = random.nextInt(1, 5);
      const bkv = random.nextInt(1, 5);
      // Mix structure (runs of allowed keys) and noise so all three block kinds appear.
      const density = random.nextFloat();
      const table = new Uint8Array(B * H * Q * KV);
      for (let i = 0; i < table.length; i++) table[i] = random.nextFloat() < density ? 1 : 0;
      const mask: MaskFn = (b, h, q, kv) => table[((b * H + h) * Q + q) * KV + kv] === 1;
      const bm = createBlockMask(mask, B, H, Q, KV, bq, bkv);
      const { nQ, nKV, kind } = denseRecipe(mask, B, H, Q, KV, bq, bkv);
      const context = `seed ${seed}: B=${B} H=${H} Q=${Q} KV=${KV} blocks ${bq}x${bkv}`;
      expect([bm.nQ, bm.nKV], context).toEqual([nQ, nKV]);
      let computed = 0;
      for (let b = 0; b < B; b++) {
        for (let h = 0; h < H; h++) {
          const bh = b * H + h;
          for (let i = 0; i < nQ; i++) {
            const partial: number[] = kind[b][h][i].map((k) => (k === 1 ? 1 : 0));
            const full: number[] = kind[b][h][i].map((k) => (k === 2 ? 1 : 0));
            const row = bh * nQ + i;
            const slice = (a: Int32Array, n: number) => list(a.subarray(row * n, (row + 1) * n));
            expect(bm.kvNumBlocks[row], context).toBe(partial.reduce((x, y) => x + y, 0));
            expect(bm.fullKvNumBlocks[row], context).toBe(full.reduce((x, y) => x + y, 0));
            expect(slice(bm.kvIndices, nKV), context).toEqual(stableDescending(partial));
            expect(slice(bm.fullKvIndices, nKV), context).toEqual(stableDescending(full));
            computed += partial.concat(full).reduce((x, y) => x + y, 0);
          }
          for (let j = 0; j < nKV; j++) {
            const partial: number[] = kind[b][h].map((r) => (r[j] === 1 ? 1 : 0));
            const full: number[] = kind[b][h].map((r) => (r[j] === 2 ? 1 : 0));
            const col = bh * nKV + j;
            const slice = (a: Int32Array, n: number) => list(a.subarray(col * n, (col + 1) * n));
            expect(bm.qNumBlocks[col], context).toBe(partial.reduce((x, y) => x + y, 0));
            expect(bm.fullQNumBlocks[col], context).toBe(full.reduce((x, y) => x + y, 0));
            expect(slice(bm.qIndices, nQ), context).toEqual(stableDescending(partial));
            expect(slice(bm.fullQIndices, nQ), context).toEqual(stableDescending(full));
          }
        }
      }
      const dense = toDense(bm);
      const expectedDense = kind.flat(3).map((k) => (k > 0 ? 1 : 0));
      expect(Array.from(dense), context).toEqual(expectedDense);
      expect(sparsity(bm), context).toBeCloseTo(100 * (1 - computed / (B * H * nQ * nKV)), 12);
    });
  }
});

describe('toString', () => {
  it('draws computed blocks as full squares, empty as spaces, with a (b, h) header', () => {
    // Causal 4x4, 2x2 blocks: dense grid [[1, 0], [1, 1]] (partial and full both draw solid).
    const bm = createBlockMask(causal, 1, 1, 4, 4, 2, 2);
    expect(toString(bm)).toBe('(0, 0)\n██  \n████\n');
  });

  it('separates (b, h) grids with a blank line, b-major', () => {
    // Head 0: nothing; head 1: everything. Q = KV = 1, block 1.
    const bm = createBlockMask((_b, h) => h === 1, 1, 2, 1, 1, 1, 1);
    expect(toString(bm)).toBe('(0, 0)\n  \n\n(0, 1)\n██\n');
  });

  it('downsamples 25x25 blocks to 13x13 cells of 2x2 blocks', () => {
    // Causal with block size 1: the dense grid is the lower triangle with the diagonal.
    // step = ceil(25 / 20) = 2; a diagonal cell covers (r, r+1) which is not computed, so it is
    // mixed, except the last one, which covers only block (24, 24).
    const bm = createBlockMask(causal, 1, 1, 25, 25, 1, 1);
    const lines = toString(bm).split('\n');
    expect(lines[0]).toBe('(0, 0)');
    expect(lines).toHaveLength(1 + 13 + 1);
    for (let i = 0; i < 12; i++) {
      expect(lines[1 + i]).toBe('██'.repeat(i) + '░░' + '  '.repeat(12 - i));
    }
    expect(lines[13]).toBe('██'.repeat(13));
    expect(lines[14]).toBe('');
  });

  it('keeps a 20x20 grid as is and downsamples only the long side', () => {
    // 20 q blocks, 21 kv blocks, all computed: rows stay 20, columns go to ceil(21/2) = 11.
    const bm = createBlockMask(noop, 1, 1, 20, 21, 1, 1);
    const lines = toString(bm).split('\n');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[1]).toBe('██'.repeat(11));
  });

  it('prints at most `limit` grids, then the hint', () => {
    const bm = createBlockMask(noop, 5, 1, 1, 1, 1, 1);
    const text = toString(bm);
    expect(text.split('\n').filter((l) => l.startsWith('('))).toEqual([
      '(0, 0)',
      '(1, 0)',
      '(2, 0)',
      '(3, 0)',
    ]);
    expect(
      text.endsWith(
        '...\nTo print out more, set BlockMask.to_string(limit=N)\n' +
          'You can also index (BlockMask[batch, head]) to choose a specific batch or head',
      ),
    ).toBe(true);
  });
});
