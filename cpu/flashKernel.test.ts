/**
 * The WebAssembly flash kernel against the float64 reference (app/reference) on fresh random
 * inputs: ragged shapes, odd head dims, masks through maskTile, score_mod through `tile`, rows
 * with no allowed key, GQA. Driven the way the CPU engine drives it, by a small local driver.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { AttentionInputs, AttentionShape, BlockMaskData } from '../app/problem';
import { createBlockMask, flexAttention } from '../app/reference';
import { blockRow } from '../app/reference/attention';
import type { MaskFn, ScoreFn } from '../app/reference/types';
import { createRandom, randomNormals, type Random } from '../app/tensors/random';
import { relativeError } from '../e2e/harness/compare';
import { createFlashKernel, hasRelaxedSimd, type FlashKernel } from './flashKernel';
import type { KernelTuning } from './flashKernelCode';

// Node 20 has relaxed SIMD behind a flag (Chromium ships it); set before any module compiles.
setFlagsFromString('--experimental-wasm-relaxed-simd');

const TOLERANCE = 1e-4;
const RUN_SEED = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;

/** Runs the kernel over every (b, h, query block), visiting blocks as the reference does. */
function kernelAttention(
  kernel: FlashKernel,
  inputs: AttentionInputs,
  shape: AttentionShape,
  mask: MaskFn,
  score: ScoreFn | null,
  blockMask: BlockMaskData,
): { out: Float32Array; lse: Float32Array } {
  const { B, H, HKV, Q, KV, D, DV, blockQ, blockKV } = shape;
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const out = new Float32Array(B * H * Q * DV);
  const lse = new Float32Array(B * H * Q);
  const allowed = new Uint8Array(blockQ * blockKV);
  const tile = kernel.tile;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hkv = Math.floor(h / (H / HKV));
      kernel.setKeys(inputs.k, (b * HKV + hkv) * KV * D, inputs.v, (b * HKV + hkv) * KV * DV);
      for (let qb = 0; qb * blockQ < Q; qb++) {
        const q0 = qb * blockQ;
        const rows = Math.min(blockQ, Q - q0);
        kernel.beginRows(inputs.q, ((b * H + h) * Q + q0) * D, rows, scale);
        const visit = (kb: number, partial: boolean): void => {
          const kv0 = kb * blockKV;
          const cols = Math.min(blockKV, KV - kv0);
          kernel.scores(kv0, cols);
          if (score) {
            for (let r = 0; r < rows; r++) {
              for (let j = 0; j < cols; j++) {
                const at = r * blockKV + j;
                tile[at] = score(tile[at], b, h, q0 + r, kv0 + j);
              }
            }
          }
          if (partial) {
            for (let r = 0; r < rows; r++) {
              for (let j = 0; j < blockKV; j++) {
                allowed[r * blockKV + j] = j < cols && mask(b, h, q0 + r, kv0 + j) ? 1 : 0;
              }
            }
            kernel.maskTile(allowed);
          }
          kernel.accumulate(kv0, cols);
        };
        const row = blockRow(blockMask, b, h, qb);
        for (let i = 0; i < blockMask.kvNumBlocks[row]; i++) {
          visit(blockMask.kvIndices[row * blockMask.nKV + i], true);
        }
        for (let i = 0; i < blockMask.fullKvNumBlocks[row]; i++) {
          visit(blockMask.fullKvIndices[row * blockMask.nKV + i], false);
        }
        kernel.finishRows(out, ((b * H + h) * Q + q0) * DV, lse, (b * H + h) * Q + q0);
      }
    }
  }
  return { out, lse };
}

interface Case {
  shape: AttentionShape;
  mask: MaskFn;
  score: ScoreFn | null;
  inputs: AttentionInputs;
}

/** Compares kernel and reference on one case; returns a description of any failure. */
function check(c: Case, relaxed: boolean, tuning: Partial<KernelTuning> = {}): string[] {
  const { shape, mask, score, inputs } = c;
  const blockMask = createBlockMask(
    mask,
    shape.B,
    shape.H,
    shape.Q,
    shape.KV,
    shape.blockQ,
    shape.blockKV,
  );
  const reference = flexAttention(inputs, shape, mask, score, blockMask);
  const kernel = createFlashKernel(shape, { relaxed, tuning });
  const result = kernelAttention(kernel, inputs, shape, mask, score, blockMask);
  const problems: string[] = [];
  for (const [name, got, want] of [
    ['out', result.out, reference.out],
    ['lse', result.lse, reference.lse],
  ] as const) {
    const report = relativeError(got, want);
    if (report.relative > TOLERANCE || report.infinityMismatches > 0 || report.nan > 0) {
      problems.push(
        `${name}: ${JSON.stringify(report)} (got ${got[report.worstIndex]}, ` +
          `want ${want[report.worstIndex]})`,
      );
    }
  }
  return problems;
}

/** A mask whose pattern depends on the seed: a mix of causal, windows, stripes and noise. */
function randomMask(random: Random): MaskFn {
  const kind = random.nextInt(0, 4);
  const salt = random.nextUint32();
  const window = random.nextInt(1, 40);
  const noise = (b: number, h: number, q: number, kv: number): number =>
    (Math.imul(q * 7919 + kv * 104729 + h * 31 + b * 17, 0x9e3779b1) ^ salt) >>> 28;
  switch (kind) {
    case 0:
      return (_b, _h, q, kv) => kv <= q;
    case 1:
      return (_b, _h, q, kv) => Math.abs(q - kv) < window;
    case 2:
      return (b, h, q, kv) => noise(b, h, q, kv) < 11;
    case 3:
      // Rows q % 5 == 2 see nothing at all.
      return (_b, h, q, kv) => q % 5 !== 2 && (kv <= q + h || kv % 3 === 0);
    default:
      return () => true;
  }
}

function randomScore(random: Random): ScoreFn | null {
  const kind = random.nextInt(0, 3);
  const strength = random.nextFloat();
  switch (kind) {
    case 0:
      return null;
    case 1:
      return (s, _b, h, q, kv) => s + strength * (q - kv) * 0.05 + h * 0.1;
    case 2:
      // Soft cap, plus masking from the score_mod itself.
      return (s, _b, _h, q, kv) => ((q + kv) % 7 === 3 ? -Infinity : 5 * Math.tanh(s / 5));
    default:
      return (s) => s * (1 + strength);
  }
}

function randomCase(seed: number, overrides: Partial<AttentionShape> = {}): Case {
  const random = createRandom(seed);
  const dims = [1, 2, 3, 4, 5, 7, 8, 13, 16, 33, 64];
  const blocks = [1, 3, 4, 5, 8, 13, 16, 32, 64, 128];
  const HKV = random.nextInt(1, 2);
  const shape: AttentionShape = {
    B: random.nextInt(1, 2),
    H: HKV * random.nextInt(1, 2),
    HKV,
    Q: random.nextInt(1, 150),
    KV: random.nextInt(1, 150),
    D: dims[random.nextInt(0, dims.length - 1)],
    DV: dims[random.nextInt(0, dims.length - 1)],
    blockQ: blocks[random.nextInt(0, blocks.length - 1)],
    blockKV: blocks[random.nextInt(0, blocks.length - 1)],
    ...overrides,
  };
  if (random.nextInt(0, 3) === 0) shape.scale = random.nextFloat() * 2;
  const { B, H, Q, KV, D, DV } = { ...shape };
  const inputs = {
    q: randomNormals(B * H * Q * D, random.nextUint32()),
    k: randomNormals(B * shape.HKV * KV * D, random.nextUint32()),
    v: randomNormals(B * shape.HKV * KV * DV, random.nextUint32()),
  };
  return { shape, mask: randomMask(random), score: randomScore(random), inputs };
}

const VARIANTS = hasRelaxedSimd() ? [false, true] : [false];

describe.each(VARIANTS)(
  'flash kernel (relaxed SIMD: %s) against the float64 reference',
  (relaxed) => {
    it('matches on random ragged shapes, odd head dims, masks and score mods', () => {
      const failures: string[] = [];
      for (let i = 0; i < 60; i++) {
        const seed = (RUN_SEED + i * 7919) >>> 0;
        const c = randomCase(seed);
        const problems = check(c, relaxed);
        if (problems.length > 0) {
          failures.push(`seed ${seed} shape ${JSON.stringify(c.shape)}: ${problems.join('; ')}`);
        }
      }
      expect(failures, `run seed ${RUN_SEED}`).toEqual([]);
    });

    it('matches with head dims of 1 and blocks of 1 (every tail path)', () => {
      const failures: string[] = [];
      for (const [D, DV, blockQ, blockKV] of [
        [1, 1, 1, 1],
        [1, 5, 3, 7],
        [6, 1, 5, 2],
        [9, 11, 4, 9],
      ]) {
        const seed = (RUN_SEED + D * 1000 + DV) >>> 0;
        const c = randomCase(seed, { D, DV, blockQ, blockKV, Q: 23, KV: 19 });
        const problems = check(c, relaxed);
        if (problems.length > 0)
          failures.push(`seed ${seed} ${JSON.stringify(c.shape)}: ${problems}`);
      }
      expect(failures, `run seed ${RUN_SEED}`).toEqual([]);
    });

    it('gives out 0 and lse -inf for rows with no allowed key, through maskTile and score_mod', () => {
      const seed = RUN_SEED;
      const base = randomCase(seed, { Q: 37, KV: 45, D: 8, DV: 8, blockQ: 16, blockKV: 16 });
      // Rows q % 4 == 1: masked by mask_mod; rows q % 4 == 3: -inf from score_mod everywhere.
      const mask: MaskFn = (_b, _h, q, kv) => q % 4 !== 1 && kv <= q + 3;
      const score: ScoreFn = (s, _b, _h, q) => (q % 4 === 3 ? -Infinity : s);
      const c = { ...base, mask, score };
      expect(check(c, relaxed), `seed ${seed}`).toEqual([]);
      const { shape } = c;
      const blockMask = createBlockMask(mask, shape.B, shape.H, 37, 45, 16, 16);
      const kernel = createFlashKernel(shape, { relaxed });
      const result = kernelAttention(kernel, c.inputs, shape, mask, score, blockMask);
      for (let q = 1; q < 37; q += 2) {
        expect(result.lse[q]).toBe(-Infinity);
        expect(Array.from(result.out.subarray(q * 8, q * 8 + 8))).toEqual(new Array(8).fill(0));
      }
    });

    it('matches with grouped-query heads (H = 4 x HKV)', () => {
      const seed = (RUN_SEED + 17) >>> 0;
      const c = randomCase(seed, { B: 2, H: 8, HKV: 2, Q: 70, KV: 90, blockQ: 32, blockKV: 16 });
      expect(check(c, relaxed), `seed ${seed}`).toEqual([]);
    });

    it('propagates NaN like the reference: a NaN score taints its row, unless nothing is allowed', () => {
      const seed = (RUN_SEED + 29) >>> 0;
      const base = randomCase(seed, { B: 1, H: 1, HKV: 1, Q: 12, KV: 20, D: 4, DV: 4 });
      const shape = { ...base.shape, blockQ: 4, blockKV: 8 };
      // Row 0 has one NaN score among finite ones; row 5 has only a NaN score and masked ones.
      const mask: MaskFn = (_b, _h, q, kv) => q !== 5 || kv === 2;
      const score: ScoreFn = (s, _b, _h, q, kv) => ((q === 0 || q === 5) && kv === 2 ? NaN : s);
      const blockMask = createBlockMask(mask, 1, 1, 12, 20, 4, 8);
      const reference = flexAttention(base.inputs, shape, mask, score, blockMask);
      const kernel = createFlashKernel(shape, { relaxed });
      const result = kernelAttention(kernel, base.inputs, shape, mask, score, blockMask);
      expect(Number.isNaN(reference.lse[0]) && Number.isNaN(result.lse[0])).toBe(true);
      expect(Array.from(result.out.subarray(0, 4)).every(Number.isNaN)).toBe(true);
      expect([reference.lse[5], result.lse[5]]).toEqual([-Infinity, -Infinity]);
      expect(Array.from(result.out.subarray(20, 24))).toEqual([0, 0, 0, 0]);
      for (let q = 1; q < 12; q++) {
        if (q === 5) continue;
        expect(Math.abs(result.lse[q] - reference.lse[q]), `row ${q}`).toBeLessThan(1e-4);
      }
    });
  },
);

describe('the kernel interface', () => {
  it('refuses calls outside its sizes', () => {
    const kernel = createFlashKernel({ D: 4, DV: 4, blockQ: 8, blockKV: 8, KV: 20 });
    expect(() => kernel.beginRows(new Float32Array(40), 0, 9, 1)).toThrow(RangeError);
    kernel.beginRows(new Float32Array(40), 0, 8, 1);
    expect(() => kernel.scores(16, 8)).toThrow(RangeError);
    expect(() => kernel.scores(0, 9)).toThrow(RangeError);
    expect(() => kernel.maskTile(new Uint8Array(63))).toThrow(RangeError);
    expect(() => createFlashKernel({ D: 0, DV: 4, blockQ: 8, blockKV: 8, KV: 20 })).toThrow(
      RangeError,
    );
  });

  it('loads a key range and leaves the other keys as they were', () => {
    // Odd sizes, so the transposed keys and the values are padded (D 3, DV 5).
    const sizes = { D: 3, DV: 5, blockQ: 4, blockKV: 4, KV: 10 };
    const k = Float32Array.from({ length: 2 * 10 * 3 }, (_, i) => Math.sin(i) * 2);
    const v = Float32Array.from({ length: 2 * 10 * 5 }, (_, i) => Math.cos(i));
    const q = Float32Array.from({ length: 4 * 3 }, (_, i) => Math.sin(3 * i));
    const attend = (load: (kernel: FlashKernel) => void) => {
      const kernel = createFlashKernel(sizes, { relaxed: false });
      // Head 0 first, so a range load that forgot the head offset would show.
      kernel.setKeys(k, 0, v, 0);
      load(kernel);
      kernel.beginRows(q, 0, 4, 0.5);
      const out = new Float32Array(4 * 5);
      const lse = new Float32Array(4);
      for (const kv0 of [0, 4, 8]) {
        kernel.scores(kv0, Math.min(4, 10 - kv0));
        kernel.accumulate(kv0, Math.min(4, 10 - kv0));
      }
      kernel.finishRows(out, 0, lse, 0);
      return [...out, ...lse];
    };
    const whole = attend((kernel) => kernel.setKeys(k, 30, v, 50));
    const byBlock = attend((kernel) => {
      for (const kv0 of [8, 0, 4]) kernel.setKeys(k, 30, v, 50, kv0, Math.min(4, 10 - kv0));
    });
    const partly = attend((kernel) => kernel.setKeys(k, 30, v, 50, 4, 4));
    expect(byBlock).toEqual(whole);
    expect(partly).not.toEqual(whole);
    const kernel = createFlashKernel(sizes, { relaxed: false });
    expect(() => kernel.setKeys(k, 30, v, 50, 8, 3)).toThrow(RangeError);
    expect(() => kernel.setKeys(k, 30, v, 50, -1, 2)).toThrow(RangeError);
  });

  it('exposes a tile of blockQ * blockKV floats that scores() writes', () => {
    const kernel = createFlashKernel(
      { D: 2, DV: 1, blockQ: 3, blockKV: 5, KV: 5 },
      { relaxed: false },
    );
    expect(kernel.tile.length).toBe(15);
    const k = Float32Array.from([1, 0, 0, 1, 1, 1, 2, 0, 0, 2]);
    kernel.setKeys(k, 0, new Float32Array(5), 0);
    kernel.beginRows(Float32Array.from([1, 2, 3, 4, 5, 6]), 0, 3, 0.5);
    kernel.scores(0, 5);
    // Row r of q against keys (1,0), (0,1), (1,1), (2,0), (0,2), times 0.5.
    expect(Array.from(kernel.tile)).toEqual([
      0.5, 1, 1.5, 1, 2, 1.5, 2, 3.5, 3, 4, 2.5, 3, 5.5, 5, 6,
    ]);
  });
});
