/**
 * The CPU engine's per-item work (mask row + attention rows + picture rows), run over every item
 * of a run and assembled as the page does, against the float64 reference on fresh random inputs:
 * the BlockMask must equal createBlockMask's exactly, out and lse must agree to 1e-4 relative
 * error, and the picture must match headPicture.
 */
import { describe, expect, it } from 'vitest';
import { createFlashKernel } from '../../../cpu/flashKernel';
import { relativeError } from '../../../e2e/harness/compare';
import { randomProgram } from '../../../testing/randomProgram';
import { seededFloats } from '../../../testing/randomScenarios';
import { compile } from '../../mask/compile';
import type { AttentionShape } from '../../problem';
import { randomInputs } from '../../tensors/random';
import { runOnCpu } from '../cpuRun';
import { maskSizes } from '../shape';
import { createAssembly } from './assemble';
import { emptyKeyCache, runItem, type KeyCache } from './item';
import { workerProgram } from './program';
import { workItems } from './work';

const SEED = Number(process.env.FLEXMASK_SEED ?? Math.floor(Math.random() * 2 ** 31));

interface Case {
  name: string;
  source: string;
  shape: AttentionShape;
  view: { b: number; h: number };
}

function shapeOf(partial: Partial<AttentionShape>): AttentionShape {
  return { B: 1, H: 1, HKV: 1, Q: 64, KV: 64, D: 8, DV: 8, blockQ: 16, blockKV: 16, ...partial };
}

const CAUSAL = 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n';

const FIXED: Case[] = [
  { name: 'causal', source: CAUSAL, shape: shapeOf({ Q: 96, KV: 96 }), view: { b: 0, h: 0 } },
  {
    name: 'no mask_mod (every block full), GQA',
    source: 'def score_mod(score, b, h, q_idx, kv_idx):\n    return score\n',
    shape: shapeOf({ B: 2, H: 4, HKV: 2, Q: 40, KV: 48, D: 12, DV: 5 }),
    view: { b: 1, h: 3 },
  },
  {
    name: 'sliding window reading h, alibi score_mod, ragged lengths, GQA',
    source:
      'W = 5\nalibi_h = 4\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx >= kv_idx) & (q_idx - kv_idx <= W + h)\n\ndef score_mod(score, b, h, q_idx, kv_idx):\n    return score + (kv_idx - q_idx) * 2 ** (-8 * (h + 1) / alibi_h)\n',
    shape: shapeOf({ B: 2, H: 4, HKV: 2, Q: 77, KV: 77, D: 16, DV: 12, blockQ: 16, blockKV: 32 }),
    view: { b: 1, h: 3 },
  },
  {
    name: 'documents reading b, fully masked rows',
    source:
      'lengths = [[5, 9, 0], [12, 3, 7]]\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    doc = (q_idx // 8) % 3\n    return (q_idx < 20) & ((kv_idx // 8) % 3 == doc) & (kv_idx % 16 < lengths[b][doc] + 2)\n',
    shape: shapeOf({ B: 2, H: 3, HKV: 1, Q: 50, KV: 45, blockQ: 8, blockKV: 16 }),
    view: { b: 1, h: 2 },
  },
  {
    name: 'a score_mod that returns -inf on allowed cells, a tanh soft cap',
    source:
      'import torch\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return kv_idx <= q_idx + 3\n\ndef score_mod(score, b, h, q_idx, kv_idx):\n    s = 20.0 * torch.tanh(score / 20.0)\n    return torch.where((q_idx + kv_idx) % 5 != 0, s, -float("inf"))\n',
    shape: shapeOf({ H: 2, Q: 33, KV: 70, D: 4, DV: 3, blockQ: 32, blockKV: 8 }),
    view: { b: 0, h: 1 },
  },
];

function randomCases(seed: number, count: number): Case[] {
  const rand = seededFloats(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  return Array.from({ length: count }, (_, i) => {
    const HKV = int(1, 2);
    const H = HKV * int(1, 3);
    const shape = shapeOf({
      B: int(1, 2),
      H,
      HKV,
      Q: int(1, 70),
      KV: int(1, 70),
      D: int(1, 20),
      DV: int(1, 20),
      blockQ: int(1, 32),
      blockKV: int(1, 32),
    });
    return {
      name: `random program ${seed + i}`,
      source: randomProgram(seed + i).source,
      shape,
      view: { b: int(0, shape.B - 1), h: int(0, shape.H - 1) },
    };
  });
}

function check(c: Case, seed: number): void {
  const compiled = compile(c.source);
  const program = workerProgram(c.source);
  const { shape } = c;
  const inputs = randomInputs(shape, seed);
  const grid = { ...maskSizes(shape, program.maskDeps), nQ: Math.ceil(shape.Q / shape.blockQ) };
  const window = { ...c.view, rows: shape.Q, cols: shape.KV, rowStride: 1, colStride: 1 };
  const assembly = createAssembly(shape, grid, window);
  const kernel = createFlashKernel({
    D: shape.D,
    DV: shape.DV,
    blockQ: shape.blockQ,
    blockKV: shape.blockKV,
    KV: shape.KV,
  });
  const keys: KeyCache = emptyKeyCache(shape);
  for (const item of workItems(grid)) {
    const context = { program, shape, grid, inputs, kernel, keys, pictureHead: c.view };
    assembly.add(runItem(context, item));
  }
  const got = assembly.finish();

  const reference = runOnCpu(compiled, shape, inputs, c.view.b, c.view.h);
  expect(got.blockMask).toEqual(reference.blockMask);
  const want = reference.outputs;
  const outError = relativeError(got.out, want.out);
  const lseError = relativeError(got.lse, want.lse);
  expect(outError.relative, `out, worst at ${outError.worstIndex}`).toBeLessThanOrEqual(1e-4);
  expect(outError.infinityMismatches + outError.nan).toBe(0);
  expect(lseError.relative, `lse, worst at ${lseError.worstIndex}`).toBeLessThanOrEqual(1e-4);
  expect(lseError.infinityMismatches + lseError.nan).toBe(0);

  const picture = assembly.picture();
  const wantPicture = reference.picture;
  expect(picture?.mask).toEqual(wantPicture.mask);
  const scoreError = relativeError(picture?.scores ?? [], wantPicture.scores);
  expect(scoreError.relative).toBeLessThanOrEqual(1e-4);
  expect(scoreError.infinityMismatches).toBe(0);
  const probError = relativeError(picture?.probs ?? [], wantPicture.probs);
  expect(probError.relative).toBeLessThanOrEqual(1e-4);
}

describe('a CPU engine item against the float64 reference', () => {
  for (const c of FIXED) {
    it(c.name, () => check(c, SEED));
  }
  it(`random programs and shapes (seed ${SEED})`, () => {
    for (const c of randomCases(SEED, 25)) {
      try {
        check(c, SEED);
      } catch (error) {
        throw new Error(
          `${c.name}, shape ${JSON.stringify(c.shape)}, seed ${SEED}:\n${c.source}\n${String(error)}`,
        );
      }
    }
  });
});
