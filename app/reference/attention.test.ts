import { describe, expect, it } from 'vitest';
import { countVisits, flexAttention } from './attention';
import { createBlockMask } from './blockMask';
import type { MaskFn, ScoreFn } from './types';
import type { AttentionInputs, AttentionShape } from '../problem';
import { createRandom } from '../tensors/random';

const causal: MaskFn = (_b, _h, q, kv) => q >= kv;
const noop: MaskFn = () => true;
const LN2 = Math.log(2);
const LN3 = Math.log(3);
const LN4 = Math.log(4);

function shapeOf(partial: Partial<AttentionShape> & { Q: number; KV: number }): AttentionShape {
  return { B: 1, H: 1, HKV: 1, D: 1, DV: 1, blockQ: 2, blockKV: 2, ...partial };
}

function inputs(q: number[], k: number[], v: number[]): AttentionInputs {
  return { q: Float32Array.from(q), k: Float32Array.from(k), v: Float32Array.from(v) };
}

describe('flexAttention, worked by hand', () => {
  // D = 1 so scale = 1. q = 1 everywhere, k = [0, ln 3]: scores [0, ln 3], so a row seeing
  // both keys weighs them 1/4 and 3/4; v = [4, 8] then gives 1 + 6 = 7 and lse = ln(1 + 3).
  const x = inputs([1, 1], [0, LN3], [4, 8]);

  for (const block of [1, 2]) {
    it(`causal 2x2 (block ${block}): row 0 sees only key 0, row 1 both`, () => {
      const shape = shapeOf({ Q: 2, KV: 2, blockQ: block, blockKV: block });
      const bm = createBlockMask(causal, 1, 1, 2, 2, block, block);
      const { out, lse } = flexAttention(x, shape, causal, null, bm);
      expect(out[0]).toBeCloseTo(4, 5);
      expect(lse[0]).toBeCloseTo(0, 6);
      expect(out[1]).toBeCloseTo(7, 5);
      expect(lse[1]).toBeCloseTo(LN4, 6);
    });
  }

  it('a fully masked row gives out 0 and lse -Infinity, never NaN', () => {
    // Row 0 allows nothing; with 2x2 blocks its block is partial, so the row is visited and
    // every score masked.
    const mask: MaskFn = (_b, _h, q, kv) => q >= 1 && kv <= q;
    const bm = createBlockMask(mask, 1, 1, 2, 2, 2, 2);
    expect(Array.from(bm.kvNumBlocks)).toEqual([1]);
    const { out, lse } = flexAttention(x, shapeOf({ Q: 2, KV: 2 }), mask, null, bm);
    expect(out[0]).toBe(0);
    expect(lse[0]).toBe(-Infinity);
    expect(out[1]).toBeCloseTo(7, 5);
    expect(lse[1]).toBeCloseTo(LN4, 6);
    expect(Array.from(out).some(Number.isNaN)).toBe(false);
  });

  it('a row whose blocks are all empty is never visited and gives 0 / -Infinity', () => {
    const nothing: MaskFn = () => false;
    const bm = createBlockMask(nothing, 1, 1, 2, 2, 1, 1);
    const { out, lse } = flexAttention(x, shapeOf({ Q: 2, KV: 2 }), nothing, null, bm);
    expect(Array.from(out)).toEqual([0, 0]);
    expect(Array.from(lse)).toEqual([-Infinity, -Infinity]);
  });

  it('Q_LEN != KV_LEN and lengths that are not block multiples', () => {
    // One query, three keys: scores [0, 0, ln 2] -> weights [1, 1, 2] / 4; v = [1, 2, 3]
    // -> (1 + 2 + 6) / 4 = 9/4; lse = ln 4. Blocks of 2: both kv blocks are partial edges.
    const y = inputs([1], [0, 0, LN2], [1, 2, 3]);
    const bm = createBlockMask(noop, 1, 1, 1, 3, 2, 2);
    expect(Array.from(bm.kvNumBlocks)).toEqual([2]);
    const { out, lse } = flexAttention(y, shapeOf({ Q: 1, KV: 3 }), noop, null, bm);
    expect(out[0]).toBeCloseTo(9 / 4, 5);
    expect(lse[0]).toBeCloseTo(LN4, 6);
  });

  it('default scale is 1/sqrt(D)', () => {
    // D = 4: q = (1,1,1,1), k1 = (ln3/2, ...) so q.k1 = 2 ln 3, times 1/2 = ln 3.
    const h = LN3 / 2;
    const y = inputs([1, 1, 1, 1], [0, 0, 0, 0, h, h, h, h], [4, 8]);
    const shape = shapeOf({ Q: 1, KV: 2, D: 4 });
    const bm = createBlockMask(noop, 1, 1, 1, 2, 2, 2);
    const { out, lse } = flexAttention(y, shape, noop, null, bm);
    expect(out[0]).toBeCloseTo(7, 5);
    expect(lse[0]).toBeCloseTo(LN4, 6);
    // An explicit scale of 1 doubles the logit: weights 1 and 9, out (4 + 72) / 10.
    const scaled = flexAttention(y, { ...shape, scale: 1 }, noop, null, bm);
    expect(scaled.out[0]).toBeCloseTo(7.6, 5);
    expect(scaled.lse[0]).toBeCloseTo(Math.log(10), 6);
  });

  it('DV may differ from D', () => {
    // One key only: out is that key's value row, whatever the score.
    const y = inputs([0.3], [0.7], [5, -6, 7]);
    const shape = shapeOf({ Q: 1, KV: 1, DV: 3 });
    const bm = createBlockMask(noop, 1, 1, 1, 1, 2, 2);
    const { out, lse } = flexAttention(y, shape, noop, null, bm);
    expect(Array.from(out)).toEqual([5, -6, 7]);
    expect(lse[0]).toBeCloseTo(0.3 * 0.7, 6);
  });

  it('GQA: query head h reads kv head floor(h / (H / HKV))', () => {
    // H = 4, HKV = 2. kv head 0: k = [0, ln 3], v = [4, 8] -> out 7, lse ln 4.
    // kv head 1: k = [0, 0], v = [10, 20] -> out 15, lse ln 2. Heads 0,1 read kv head 0.
    const y = inputs([1, 1, 1, 1, 1, 1, 1, 1], [0, LN3, 0, 0], [4, 8, 10, 20]);
    const shape = shapeOf({ H: 4, HKV: 2, Q: 2, KV: 2 });
    const bm = createBlockMask(noop, 1, 1, 2, 2, 2, 2);
    const { out, lse } = flexAttention(y, shape, noop, null, bm);
    const expectedOut = [7, 7, 7, 7, 15, 15, 15, 15];
    const expectedLse = [LN4, LN4, LN4, LN4, LN2, LN2, LN2, LN2];
    expectedOut.forEach((value, i) => expect(out[i], `out[${i}]`).toBeCloseTo(value, 5));
    expectedLse.forEach((value, i) => expect(lse[i], `lse[${i}]`).toBeCloseTo(value, 6));
  });

  it('score_mod runs in full blocks too, and before the mask', () => {
    // Relative position bias on zero q, k: row 1 scores [1, 0] -> out (4e + 8) / (e + 1).
    const y = inputs([0, 0], [0, 0], [4, 8]);
    const bias: ScoreFn = (s, _b, _h, q, kv) => s + (q - kv);
    const e = Math.E;
    for (const block of [1, 2]) {
      const bm = createBlockMask(causal, 1, 1, 2, 2, block, block);
      const shape = shapeOf({ Q: 2, KV: 2, blockQ: block, blockKV: block });
      const { out, lse } = flexAttention(y, shape, causal, bias, bm);
      expect(out[1], `block ${block}`).toBeCloseTo((4 * e + 8) / (e + 1), 5);
      expect(lse[1], `block ${block}`).toBeCloseTo(Math.log(e + 1), 6);
    }
    // A score_mod returning -Infinity masks like the mask does.
    const killFirst: ScoreFn = (s, _b, _h, _q, kv) => (kv === 0 ? -Infinity : s);
    const bm = createBlockMask(noop, 1, 1, 2, 2, 1, 1);
    const { out } = flexAttention(y, shapeOf({ Q: 2, KV: 2 }), noop, killFirst, bm);
    expect(Array.from(out)).toEqual([8, 8]);
  });

  it('visits partial blocks with the mask, full blocks without, empty blocks never', () => {
    // Causal 4x4, 2x2 blocks: partial (0,0) and (1,1), full (1,0), empty (0,1).
    const bm = createBlockMask(causal, 1, 1, 4, 4, 2, 2);
    const maskCalls: string[] = [];
    const scoreCalls: string[] = [];
    const countingMask: MaskFn = (b, h, q, kv) => {
      maskCalls.push(`${q},${kv}`);
      return causal(b, h, q, kv);
    };
    const countingScore: ScoreFn = (s, _b, _h, q, kv) => {
      scoreCalls.push(`${q},${kv}`);
      return s;
    };
    const y = inputs([1, 2, 3, 4], [1, 1, 1, 1], [1, 1, 1, 1]);
    flexAttention(y, shapeOf({ Q: 4, KV: 4 }), countingMask, countingScore, bm);
    expect(maskCalls.sort()).toEqual(['0,0', '0,1', '1,0', '1,1', '2,2', '2,3', '3,2', '3,3']);
    // Every element except the empty block's (rows 0-1, columns 2-3).
    expect(scoreCalls.length).toBe(12);
    for (const hidden of ['0,2', '0,3', '1,2', '1,3']) expect(scoreCalls).not.toContain(hidden);
  });

  it('broadcasts a mask built with B = H = 1 over every batch item and head', () => {
    const random = createRandom(7);
    const shape: AttentionShape = {
      B: 2,
      H: 3,
      HKV: 3,
      Q: 5,
      KV: 6,
      D: 3,
      DV: 2,
      blockQ: 2,
      blockKV: 4,
    };
    const y = randomProblem(random, shape);
    const small = createBlockMask(causal, 1, 1, 5, 6, 2, 4);
    const big = createBlockMask(causal, 2, 3, 5, 6, 2, 4);
    const a = flexAttention(y, shape, causal, null, small);
    const b = flexAttention(y, shape, causal, null, big);
    expect(Array.from(a.out)).toEqual(Array.from(b.out));
    expect(Array.from(a.lse)).toEqual(Array.from(b.lse));
  });

  it('broadcasts over b only when the mask depends on h only', () => {
    // Head h allows kv <= q + h - 1: head 0 has a fully masked row 0.
    const byHead: MaskFn = (_b, h, q, kv) => kv <= q + h - 1;
    const shape: AttentionShape = {
      B: 3,
      H: 2,
      HKV: 1,
      Q: 4,
      KV: 4,
      D: 2,
      DV: 2,
      blockQ: 2,
      blockKV: 2,
    };
    const y = randomProblem(createRandom(8), shape);
    const perHead = createBlockMask(byHead, 1, 2, 4, 4, 2, 2);
    const everything = createBlockMask(byHead, 3, 2, 4, 4, 2, 2);
    const a = flexAttention(y, shape, byHead, null, perHead);
    const b = flexAttention(y, shape, byHead, null, everything);
    expect(Array.from(a.out)).toEqual(Array.from(b.out));
    expect(Array.from(a.lse)).toEqual(Array.from(b.lse));
    expect(a.lse[0]).toBe(-Infinity);
  });

  it('rejects inputs whose sizes do not match the shape or the BlockMask', () => {
    const bm = createBlockMask(noop, 1, 1, 2, 2, 2, 2);
    const shape = shapeOf({ Q: 2, KV: 2 });
    expect(() => flexAttention(inputs([1], [1, 1], [1, 1]), shape, noop, null, bm)).toThrow(
      'flexAttention: q holds 1 values, but [B=1, H=1, Q=2, D=1] needs 2',
    );
    expect(() => flexAttention(x, shapeOf({ Q: 2, KV: 2, H: 3, HKV: 2 }), noop, null, bm)).toThrow(
      'H=3 is not a multiple of HKV=2',
    );
    const other = createBlockMask(noop, 1, 1, 2, 3, 2, 2);
    expect(() => flexAttention(x, shape, noop, null, other)).toThrow(
      'the BlockMask was built for Q=2, KV=3, but the inputs have Q=2, KV=2',
    );
  });
});

describe('countVisits', () => {
  it('causal 4x4 with 2x2 blocks', () => {
    const bm = createBlockMask(causal, 1, 1, 4, 4, 2, 2);
    const c = countVisits(shapeOf({ Q: 4, KV: 4 }), bm);
    expect(Array.from(c.partialBlocks)).toEqual([1, 1]);
    expect(Array.from(c.fullBlocks)).toEqual([0, 1]);
    expect(Array.from(c.blocksVisited)).toEqual([1, 2]);
    expect(Array.from(c.maskCalls)).toEqual([4, 4]);
    expect(Array.from(c.scoreCalls)).toEqual([4, 8]);
  });

  it('counts only elements inside Q and KV for edge blocks, per query head', () => {
    // noop over Q=5, KV=3, 2x2 blocks. qb0: full kb0 (4), partial kb1 (2 rows x 1 col);
    // qb1 the same; qb2: partial kb0 (1 row x 2 cols) and kb1 (1 x 1).
    const bm = createBlockMask(noop, 1, 1, 5, 3, 2, 2);
    const c = countVisits(shapeOf({ Q: 5, KV: 3, H: 2, HKV: 1 }), bm);
    expect([c.B, c.H, c.nQ]).toEqual([1, 2, 3]);
    expect(Array.from(c.blocksVisited)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(Array.from(c.maskCalls)).toEqual([2, 2, 3, 2, 2, 3]);
    expect(Array.from(c.scoreCalls)).toEqual([6, 6, 3, 6, 6, 3]);
  });

  it('agrees with the calls flexAttention really makes on random problems', () => {
    for (let trial = 0; trial < 10; trial++) {
      const seed = 300 + trial;
      const random = createRandom(seed);
      const shape = randomShape(random);
      const table = randomMaskTable(random, shape);
      const mask: MaskFn = (b, h, q, kv) => table(b, h, q, kv);
      let maskCalls = 0;
      let scoreCalls = 0;
      const bm = createBlockMask(
        mask,
        shape.B,
        shape.H,
        shape.Q,
        shape.KV,
        shape.blockQ,
        shape.blockKV,
      );
      flexAttention(
        randomProblem(random, shape),
        shape,
        (...args) => (maskCalls++, mask(...args)),
        (s) => (scoreCalls++, s),
        bm,
      );
      const c = countVisits(shape, bm);
      const total = (a: Int32Array) => a.reduce((x, y) => x + y, 0);
      expect(total(c.maskCalls), `seed ${seed}`).toBe(maskCalls);
      expect(total(c.scoreCalls), `seed ${seed}`).toBe(scoreCalls);
    }
  });
});

function randomShape(random: ReturnType<typeof createRandom>): AttentionShape {
  const HKV = random.nextInt(1, 2);
  return {
    B: random.nextInt(1, 2),
    H: HKV * random.nextInt(1, 3),
    HKV,
    Q: random.nextInt(1, 12),
    KV: random.nextInt(1, 12),
    D: random.nextInt(1, 5),
    DV: random.nextInt(1, 4),
    blockQ: random.nextInt(1, 5),
    blockKV: random.nextInt(1, 5),
    scale: random.nextFloat() < 0.5 ? undefined : 0.25 + random.nextFloat(),
  };
}

/** A random per-(b, h, q, kv) mask that sometimes leaves whole rows empty. */
function randomMaskTable(random: ReturnType<typeof createRandom>, shape: AttentionShape): MaskFn {
  const { B, H, Q, KV } = shape;
  const density = random.nextFloat();
  const table = new Uint8Array(B * H * Q * KV);
  for (let i = 0; i < table.length; i++) table[i] = random.nextFloat() < density ? 1 : 0;
  return (b, h, q, kv) => table[((b * H + h) * Q + q) * KV + kv] === 1;
}

function randomProblem(
  random: ReturnType<typeof createRandom>,
  shape: AttentionShape,
): AttentionInputs {
  const { B, H, HKV, Q, KV, D, DV } = shape;
  const fill = (n: number) => Float32Array.from({ length: n }, () => random.nextNormal());
  return { q: fill(B * H * Q * D), k: fill(B * HKV * KV * D), v: fill(B * HKV * KV * DV) };
}

/** Plain dense softmax attention: every key of every row, no blocks at all. */
function naiveAttention(x: AttentionInputs, shape: AttentionShape, mask: MaskFn, score: ScoreFn) {
  const { B, H, HKV, Q, KV, D, DV } = shape;
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const out = new Float64Array(B * H * Q * DV);
  const lse = new Float64Array(B * H * Q);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / HKV));
      for (let q = 0; q < Q; q++) {
        const logits: number[] = [];
        for (let kv = 0; kv < KV; kv++) {
          let dot = 0;
          for (let d = 0; d < D; d++) {
            dot += x.q[((b * H + h) * Q + q) * D + d] * x.k[((b * HKV + g) * KV + kv) * D + d];
          }
          logits.push(mask(b, h, q, kv) ? score(dot * scale, b, h, q, kv) : -Infinity);
        }
        const row = (b * H + h) * Q + q;
        const allowed = logits.filter((s) => s !== -Infinity);
        if (allowed.length === 0) {
          lse[row] = -Infinity;
          continue;
        }
        const sumExp = logits.reduce((acc, s) => acc + Math.exp(s), 0);
        lse[row] = Math.log(sumExp);
        for (let kv = 0; kv < KV; kv++) {
          const p = Math.exp(logits[kv]) / sumExp;
          for (let d = 0; d < DV; d++)
            out[row * DV + d] += p * x.v[((b * HKV + g) * KV + kv) * DV + d];
        }
      }
    }
  }
  return { out, lse };
}

describe('flexAttention equals dense naive attention on random problems', () => {
  const softcapBias: ScoreFn = (s, _b, h, q, kv) => 3 * Math.tanh(s / 3) + 0.1 * (q - kv) + 0.2 * h;
  for (let trial = 0; trial < 60; trial++) {
    const seed = 5000 + trial;
    it(`seed ${seed}`, () => {
      const random = createRandom(seed);
      const shape = randomShape(random);
      const mask = randomMaskTable(random, shape);
      const x = randomProblem(random, shape);
      const useScore = random.nextFloat() < 0.5;
      const score: ScoreFn = useScore ? softcapBias : (s) => s;
      // Half the time build the mask with B = H = 1 from a mask that ignores b and h.
      const broadcast = random.nextFloat() < 0.3;
      const used: MaskFn = broadcast ? (_b, _h, q, kv) => mask(0, 0, q, kv) : mask;
      const bm = broadcast
        ? createBlockMask(used, 1, 1, shape.Q, shape.KV, shape.blockQ, shape.blockKV)
        : createBlockMask(used, shape.B, shape.H, shape.Q, shape.KV, shape.blockQ, shape.blockKV);
      const got = flexAttention(x, shape, used, useScore ? score : null, bm);
      const want = naiveAttention(x, shape, used, score);
      const context = `seed ${seed}: ${JSON.stringify(shape)}`;
      for (let i = 0; i < want.lse.length; i++) {
        if (want.lse[i] === -Infinity) expect(got.lse[i], context).toBe(-Infinity);
        else expect(Math.abs(got.lse[i] - want.lse[i]), context).toBeLessThan(1e-12);
      }
      for (let i = 0; i < want.out.length; i++) {
        expect(Number.isNaN(got.out[i]), context).toBe(false);
        expect(Math.abs(got.out[i] - want.out[i]), context).toBeLessThan(1e-12);
      }
    });
  }
});
