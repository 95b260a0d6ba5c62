import { describe, expect, test } from 'vitest';
import type { AttentionShape } from '../problem';
import { compile } from '../mask/compile';
import { PRESETS } from '../mask/presets';
import { createRandom, randomInputs, type Random } from '../tensors/random';
import { flexAttention } from './attention';
import { createBlockMask } from './blockMask';
import { explainCell } from './explainCell';
import { headPicture } from './headPicture';
import { visitOrder, walkthrough, type WalkthroughProblem } from './walkthrough';

const freshSeed = (): number => Math.floor(Math.random() * 2 ** 31);

/** A random preset at a random small shape, with block sizes that often do not divide it. */
function randomProblem(random: Random): { problem: WalkthroughProblem; about: string } {
  const preset = PRESETS[random.nextInt(0, PRESETS.length - 1)];
  const program = compile(preset.source);
  const H = random.nextInt(1, 3) * (preset.example.H > 1 ? 2 : 1);
  const HKV = random.nextFloat() < 0.5 ? H : 1;
  const shape: AttentionShape = {
    B: preset.example.B,
    H,
    HKV,
    Q: preset.example.Q,
    KV: preset.example.KV,
    D: random.nextInt(1, 8),
    DV: random.nextInt(1, 6),
    blockQ: random.nextInt(1, 9),
    blockKV: random.nextInt(1, 9),
  };
  const mask = (b: number, h: number, q: number, kv: number) => program.mask(b, h, q, kv);
  const score = program.hasScoreMod
    ? (s: number, b: number, h: number, q: number, kv: number) => program.score(s, b, h, q, kv)
    : null;
  const blockMask = createBlockMask(
    mask,
    program.maskDeps.b ? shape.B : 1,
    program.maskDeps.h ? shape.H : 1,
    shape.Q,
    shape.KV,
    shape.blockQ,
    shape.blockKV,
  );
  const inputs = randomInputs(shape, random.nextUint32());
  return {
    problem: { inputs, shape, mask, score, blockMask },
    about: `${preset.id} ${JSON.stringify(shape)}`,
  };
}

function close(a: number, b: number, tolerance = 1e-12): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('walkthrough', () => {
  test('ends on the reference out and lse, visiting the listed blocks in order', () => {
    const seed = freshSeed();
    const random = createRandom(seed);
    for (let trial = 0; trial < 40; trial++) {
      const { problem, about } = randomProblem(random);
      const { shape, blockMask: bm } = problem;
      const reference = flexAttention(problem.inputs, shape, problem.mask, problem.score, bm);
      const b = random.nextInt(0, shape.B - 1);
      const h = random.nextInt(0, shape.H - 1);
      const row = random.nextInt(0, shape.Q - 1);
      const queryBlock = Math.floor(row / bm.blockQ);
      const where = `seed ${seed}, trial ${trial}, ${about}, b ${b} h ${h} row ${row}`;
      const walk = walkthrough(problem, { b, h, queryBlock, row });

      // The visiting order: the BlockMask's partial list, then its full list.
      const listRow = ((b % bm.B) * bm.H + (h % bm.H)) * bm.nQ + queryBlock;
      const partial = Array.from(
        bm.kvIndices.subarray(listRow * bm.nKV, listRow * bm.nKV + bm.kvNumBlocks[listRow]),
      );
      const full = Array.from(
        bm.fullKvIndices.subarray(listRow * bm.nKV, listRow * bm.nKV + bm.fullKvNumBlocks[listRow]),
      );
      expect(
        walk.steps.map((s) => [s.kind, s.kvBlock]),
        where,
      ).toEqual([...partial.map((k) => ['partial', k]), ...full.map((k) => ['full', k])]);
      expect(
        [...walk.steps.map((s) => s.kvBlock), ...walk.skipped].sort((x, y) => x - y),
        where,
      ).toEqual(Array.from({ length: bm.nKV }, (_, k) => k));

      // Per step: the row's masked and computed keys, counted here from mask_mod directly.
      for (const step of walk.steps) {
        let masked = 0;
        for (let kv = step.kvStart; kv < step.kvEnd; kv++) {
          if (step.kind === 'partial' && !problem.mask(b, h, row, kv)) masked++;
        }
        expect(step.masked, where).toBe(masked);
        expect(step.computed + step.masked, where).toBe(step.kvEnd - step.kvStart);
        expect(step.scores.filter((s) => s === -Infinity).length, where).toBe(masked);
      }
      // The running max never falls.
      for (let k = 1; k < walk.steps.length; k++) {
        expect(walk.steps[k].runningMax >= walk.steps[k - 1].runningMax, where).toBe(true);
      }

      const at = (b * shape.H + h) * shape.Q + row;
      expect(close(walk.lse, reference.lse[at], 1e-11), `${where}: lse`).toBe(true);
      for (let d = 0; d < shape.DV; d++) {
        expect(close(walk.out[d], reference.out[at * shape.DV + d], 1e-11), `${where}: out`).toBe(
          true,
        );
      }
      const last = walk.steps[walk.steps.length - 1];
      if (last && walk.lse !== -Infinity) {
        const norm = Math.hypot(...walk.out);
        expect(close(last.outNorm, norm, 1e-11), where).toBe(true);
        expect(close(last.runningMax + Math.log(last.runningSum), walk.lse, 1e-11), where).toBe(
          true,
        );
      }
    }
  });

  test('a row with no allowed key writes out 0 and lse -inf', () => {
    const shape: AttentionShape = {
      B: 1,
      H: 1,
      HKV: 1,
      Q: 4,
      KV: 4,
      D: 2,
      DV: 2,
      blockQ: 2,
      blockKV: 2,
    };
    const mask = (_b: number, _h: number, q: number, kv: number) => q >= 2 && kv <= q && kv > 0;
    const blockMask = createBlockMask(mask, 1, 1, 4, 4, 2, 2);
    const walk = walkthrough(
      { inputs: randomInputs(shape, 3), shape, mask, score: null, blockMask },
      { b: 0, h: 0, queryBlock: 0, row: 0 },
    );
    expect(walk.lse).toBe(-Infinity);
    expect(Array.from(walk.out)).toEqual([0, 0]);
    expect(walk.steps.every((s) => s.runningSum === 0 && s.outNorm === 0)).toBe(true);
  });

  test('refuses a row outside its query block', () => {
    const shape: AttentionShape = {
      B: 1,
      H: 1,
      HKV: 1,
      Q: 4,
      KV: 4,
      D: 2,
      DV: 2,
      blockQ: 2,
      blockKV: 2,
    };
    const mask = () => true;
    const blockMask = createBlockMask(mask, 1, 1, 4, 4, 2, 2);
    const problem = { inputs: randomInputs(shape, 3), shape, mask, score: null, blockMask };
    expect(() => walkthrough(problem, { b: 0, h: 0, queryBlock: 0, row: 3 })).toThrow(RangeError);
  });
});

describe('visitOrder', () => {
  test("the BlockMask's partial list, then its full list; the other key blocks skipped", () => {
    const causal = (_b: number, _h: number, q: number, kv: number) => q >= kv;
    const bm = createBlockMask(causal, 1, 1, 12, 12, 4, 4);
    expect(visitOrder(bm, 0, 0, 1)).toEqual({
      order: [
        { kvBlock: 1, kind: 'partial' },
        { kvBlock: 0, kind: 'full' },
      ],
      skipped: [2],
    });
    // A mask of one batch item and head serves every (b, h).
    expect(visitOrder(bm, 3, 5, 0)).toEqual({
      order: [{ kvBlock: 0, kind: 'partial' }],
      skipped: [1, 2],
    });
  });
});

describe('explainCell', () => {
  test('agrees with the reference picture and the BlockMask on random cells', () => {
    const seed = freshSeed();
    const random = createRandom(seed);
    for (let trial = 0; trial < 30; trial++) {
      const { problem, about } = randomProblem(random);
      const { shape, blockMask: bm } = problem;
      const { lse } = flexAttention(problem.inputs, shape, problem.mask, problem.score, bm);
      const b = random.nextInt(0, shape.B - 1);
      const h = random.nextInt(0, shape.H - 1);
      const view = headPicture(problem.inputs, shape, problem.mask, problem.score, lse, b, h);
      for (let k = 0; k < 10; k++) {
        const q = random.nextInt(0, shape.Q - 1);
        const kv = random.nextInt(0, shape.KV - 1);
        const where = `seed ${seed}, trial ${trial}, ${about}, cell (${b}, ${h}, ${q}, ${kv})`;
        const cell = explainCell({ ...problem, lse }, b, h, q, kv);
        const i = q * view.cols + kv;
        expect(cell.allowed, where).toBe(view.mask[i] === 1);
        expect(close(cell.finalScore, view.scores[i], 1e-12), where).toBe(true);
        expect(close(cell.probability, view.probs[i], 1e-12), where).toBe(true);
        expect(cell.block.countedState, where).toBe(cell.block.state);
        const expected =
          cell.block.state === 'empty'
            ? 'skipped'
            : cell.block.state === 'full'
              ? 'unmasked'
              : 'masked';
        expect(cell.kernel, where).toBe(expected);
      }
    }
  });
});
