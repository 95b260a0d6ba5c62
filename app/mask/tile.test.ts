import { describe, expect, test } from 'vitest';
import { randomProgram, seededRandom } from '../../testing/randomProgram';
import { compile } from './compile';
import { MaskCompileError } from './errors';
import { PRESETS } from './presets';
import type { CompiledProgram } from './types';

const CORPUS = import.meta.glob<string>(['./corpus/**/*.py', './attn-gym-style/*.py'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

interface Tile {
  b: number;
  h: number;
  q0: number;
  rows: number;
  kv0: number;
  cols: number;
}

/**
 * Ragged tiles at awkward places: single cells and rows, sizes that are not multiples of
 * anything, negative offsets (tensor reads at negative indices, in range or not), a tile of
 * several strips, and one row wider than a strip.
 */
const TILES: Tile[] = [
  { b: 0, h: 0, q0: 0, rows: 1, kv0: 0, cols: 1 },
  { b: 0, h: 1, q0: 0, rows: 7, kv0: 0, cols: 9 },
  { b: 1, h: 0, q0: -6, rows: 13, kv0: -9, cols: 17 },
  { b: 0, h: 2, q0: 125, rows: 3, kv0: 250, cols: 33 },
  { b: 2, h: 3, q0: -40, rows: 70, kv0: -3, cols: 131 },
  { b: 0, h: 0, q0: 5, rows: 2, kv0: -2500, cols: 5000 },
  { b: -1, h: -2, q0: 2147483640, rows: 4, kv0: -2147483648, cols: 6 },
];

/** Scores that stress rounding and specials: NaN, -0, infinities, tiny and huge values. */
function scoreInputs(n: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  const special = [NaN, -0, 0, Infinity, -Infinity, 1e-40, -3.4e38, 65504, 0.5, -2.5];
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = rand() < 0.15 ? special[i % special.length] : (rand() - 0.5) * 20;
  }
  return out;
}

/** First cell where maskTile and mask disagree, or null; checks stride padding is untouched. */
function maskMismatch(p: CompiledProgram, t: Tile): string | null {
  const stride = t.cols + 3;
  const out = new Uint8Array(t.rows * stride).fill(7);
  p.maskTile(t.b, t.h, t.q0, t.rows, t.kv0, t.cols, out, stride);
  for (let r = 0; r < t.rows; r++) {
    for (let c = 0; c < stride; c++) {
      const want = c < t.cols ? (p.mask(t.b, t.h, t.q0 + r, t.kv0 + c) ? 1 : 0) : 7;
      if (out[r * stride + c] !== want) {
        return `mask at ${JSON.stringify(t)} r=${r} c=${c}: tile ${out[r * stride + c]}, cell ${want}`;
      }
    }
  }
  return null;
}

function scoreMismatch(p: CompiledProgram, t: Tile, seed: number): string | null {
  const stride = t.cols + 2;
  const offset = 5;
  const scores = scoreInputs(offset + t.rows * stride, seed);
  const before = scores.slice();
  p.scoreTile(scores, offset, stride, t.b, t.h, t.q0, t.rows, t.kv0, t.cols);
  for (let i = 0; i < scores.length; i++) {
    const r = Math.floor((i - offset) / stride);
    const c = (i - offset) % stride;
    const inside = i >= offset && c < t.cols;
    const want = inside
      ? Math.fround(p.score(before[i], t.b, t.h, t.q0 + r, t.kv0 + c))
      : before[i];
    if (!Object.is(scores[i], want)) {
      return `score at ${JSON.stringify(t)} r=${r} c=${c} of ${before[i]}: tile ${scores[i]}, cell ${want}`;
    }
  }
  return null;
}

function expectTilesAgree(p: CompiledProgram, tiles: Tile[], seed: number): void {
  for (const t of tiles) {
    expect(maskMismatch(p, t)).toBeNull();
    expect(scoreMismatch(p, t, seed)).toBeNull();
  }
}

/** The smaller tiles, for suites of many programs. */
const SMALL_TILES = TILES.filter((t) => t.rows * t.cols <= 1000);

describe('the tile back end computes what the CPU back end computes, cell by cell', () => {
  test('on 150 random programs', { timeout: 60_000 }, () => {
    let compiled = 0;
    for (let seed = 1; seed <= 150; seed++) {
      let p: CompiledProgram;
      try {
        p = compile(randomProgram(seed * 7919).source);
      } catch (error) {
        if (error instanceof MaskCompileError) continue;
        throw error;
      }
      compiled++;
      expectTilesAgree(p, SMALL_TILES, seed);
    }
    expect(compiled).toBeGreaterThan(100);
  });

  test.each(PRESETS.map((p) => [p.id, p.source]))('preset %s', (_id, source) => {
    expectTilesAgree(compile(source), TILES, 11);
  });

  test('on the corpus programs that compile', { timeout: 60_000 }, () => {
    let compiled = 0;
    for (const source of Object.values(CORPUS)) {
      let p: CompiledProgram;
      try {
        p = compile(source);
      } catch (error) {
        if (error instanceof MaskCompileError) continue;
        throw error;
      }
      compiled++;
      expectTilesAgree(p, SMALL_TILES, 23);
    }
    expect(compiled).toBeGreaterThan(40);
  });

  test('float ops, math functions, tensors of 1 to 4 axes and negative indices', () => {
    const p = compile(`
T1 = torch.tensor([1.5, -2.25, 3.0, 0.1])
T2 = torch.tensor([[1, 2, 3], [4, 5, 6]])
T3 = torch.tensor([[[1, 0], [0, 1]], [[1, 1], [0, 0]]])
T4 = torch.tensor([[[[0.5, 1.5]], [[2.5, -3.5]]]])
SCALE = 0.3

def mask_mod(b, h, q_idx, kv_idx):
    x = T1[q_idx - 2] * SCALE + T2[b - 1][kv_idx % 5 - 2]
    y = T3[q_idx % 2][kv_idx - 1][h] == 1
    z = T4[0][kv_idx % 3 - 1][0][q_idx - kv_idx]
    w = (x // 0.7) + (x % -1.3) + abs(x) ** 0.5 + torch.sigmoid(z) + torch.gelu(x)
    return (y | (w > 1.2)) & ~((q_idx ^ kv_idx) << 2 > 9) & (torch.exp(z) != 1.0)

def score_mod(score, b, h, q_idx, kv_idx):
    s = score / (1.0 + T1[kv_idx - q_idx]) + torch.tanh(score) * T2[h][q_idx]
    return torch.where(q_idx >= kv_idx, s - torch.log1p(abs(score)), -s // 2.0) + torch.erf(s)
`);
    expectTilesAgree(p, TILES, 31);
  });

  test('float rounding of the mask evaluator, read through low bits of its results', () => {
    // Scaled by 2^24, the low bits of a float survive into the mask: a missing f32 rounding on
    // any operation changes some cells.
    const p = compile(`
def low_bit(x):
    return (x * 16777216.0) % 2.0 >= 1.0

def mask_mod(b, h, q_idx, kv_idx):
    v = q_idx * 0.1 + kv_idx * 0.013
    w = v / 3.0 - v * 0.7
    return low_bit(v) != (low_bit(w) != low_bit(torch.sqrt(v + 1.0)))
`);
    let allowed = 0;
    const out = new Uint8Array(64 * 64);
    p.maskTile(0, 0, 0, 64, 0, 64, out, 64);
    for (const x of out) allowed += x;
    expect(allowed).toBeGreaterThan(100);
    expect(allowed).toBeLessThan(64 * 64 - 100);
    expectTilesAgree(p, TILES, 37);
  });
});
