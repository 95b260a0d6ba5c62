import { readFileSync, readdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { randomProgram, seededRandom } from '../testing/randomProgram';
import { DEFAULT_CODE } from '../app/problem';
import { callHarness, openHarness, watchErrors } from './helpers';

// Fresh seeds each run; a failure names the seed (FLEXMASK_SEED=<n> pins the base seed).
const BASE_SEED = Number(process.env.FLEXMASK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RANDOM_PROGRAMS = 200;
const PER_CALL = 25;
// SwiftShader is slow: small grids, several programs per page call.
const GRID = { B: 2, H: 3, Q: 7, KV: 9 };
const SCORE_TOLERANCE = 1e-5;

/** Hand-written programs at the edges of the semantics, plus every preset and the first screen. */
const HANDWRITTEN: { name: string; source: string; deep?: boolean }[] = [
  { name: 'default program', source: DEFAULT_CODE },
  {
    name: 'Python // % ** and shifts with negative operands, runtime division by zero',
    source: `def mask_mod(b, h, q_idx, kv_idx):
    x = q_idx - 4
    y = kv_idx - 5
    return ((x // (y + b)) % 3 == (x ** (y + 5)) % 5) | ((x >> (y + 3)) + (x << (y + 2)) > b - h)
`,
  },
  {
    name: 'i32 wrap-around and the most negative int',
    source: `BIG = 2147483647
def mask_mod(b, h, q_idx, kv_idx):
    wrapped = (BIG + q_idx) * (kv_idx + 65536) + (-2147483648) // (h - 1)
    return wrapped % 7 < 3
`,
  },
  {
    name: 'tensors with negative and out-of-range indices',
    source: `t = [3, -1, 4, -1, 5]
m = [[True, False, True], [False, False, True]]
def mask_mod(b, h, q_idx, kv_idx):
    return m[b - 1, kv_idx - 4] | (t[q_idx - 3] > t[-kv_idx])
`,
  },
  {
    name: 'float parameters, float // and %, and a float score_mod',
    source: `S = 0.75
CAP = 3.5
def mask_mod(b, h, q_idx, kv_idx):
    return (q_idx * S) // 1.0 >= (kv_idx * 0.5) % 2.0
def score_mod(score, b, h, q_idx, kv_idx):
    soft = CAP * torch.tanh(score / CAP)
    return torch.where(q_idx > kv_idx, soft - (q_idx - kv_idx) * 2 ** (-(h + 1) / 3), soft.abs() + torch.sqrt(score * score + 1.0)) + torch.log(torch.exp(score * 0.1) + 1.0)
`,
  },
  {
    // Nesting any depth deep is bound to locals every few levels, so WGSL never sees it.
    name: 'a chain 2,100 operations deep',
    deep: true,
    source: `def mask_mod(b, h, q_idx, kv_idx):
    x = q_idx
    for k in range(700):
        x = (x * 3 + kv_idx) % 1000003
    return x % 2 == 0
`,
  },
  {
    name: 'table reads 60 deep in a chain',
    deep: true,
    source: `import torch
successor = (torch.arange(64) + 1) % 64
def mask_mod(b, h, q_idx, kv_idx):
    position = q_idx
    for _ in range(60):
        position = successor[position]
    return position >= kv_idx
`,
  },
  {
    name: 'a factory, lambdas and combinators',
    source: `def generate_window(w):
    def window(b, h, q_idx, kv_idx):
        return (q_idx - kv_idx).abs() <= w
    return window
even = lambda b, h, q_idx, kv_idx: (q_idx + kv_idx) % 2 == 0
mask_mod = or_masks(and_masks(generate_window(2), even), and_masks(), or_masks())
`,
  },
  ...readdirSync('app/mask/presets')
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => ({ name: `preset ${f}`, source: readFileSync(`app/mask/presets/${f}`, 'utf8') })),
];

/** Runs programs on the GPU and checks each against the CPU back end, cell by cell. */
async function checkPrograms(
  page: Page,
  programs: { label: string; source: string }[],
): Promise<void> {
  const started = Date.now();
  const results = await callHarness(
    page,
    'evaluateProgramsOnGpu',
    programs.map((p) => p.source),
    GRID,
  );
  console.log(`mask-wgsl: ${programs.length} programs on the GPU in ${Date.now() - started} ms`);
  expect(results).toHaveLength(programs.length);
  programs.forEach(({ label, source }, k) => {
    const r = results[k];
    const where = `${label}\n${source}`;
    expect(r.compileError, where).toBeUndefined();
    expect(
      r.compileMessages.filter((m) => m.startsWith('error')),
      where,
    ).toEqual([]);
    // Compare in plain code and assert once per program: thousands of expect() calls are slow.
    const mismatches: string[] = [];
    let cell = 0;
    for (let b = 0; b < GRID.B; b += 1)
      for (let h = 0; h < GRID.H; h += 1)
        for (let q = 0; q < GRID.Q; q += 1)
          for (let kv = 0; kv < GRID.KV; kv += 1, cell += 1) {
            const at = `(b=${b}, h=${h}, q=${q}, kv=${kv})`;
            const wantMask = r.cpuMask[cell];
            if (r.mask[cell] !== wantMask)
              mismatches.push(`mask ${at}: GPU ${r.mask[cell]}, CPU ${wantMask}`);
            const want = r.cpuScores[cell];
            const got = r.scores[cell];
            if (!(Math.abs(got - want) <= SCORE_TOLERANCE * Math.max(1, Math.abs(want)))) {
              mismatches.push(`score ${at}: GPU ${got}, CPU ${want}`);
            }
          }
    expect(cell, where).toBe(r.mask.length);
    expect(mismatches.slice(0, 10), where).toEqual([]);
  });
}

test.describe('compiled WGSL on the GPU matches the CPU back end', () => {
  test.beforeAll(() => console.log(`mask-wgsl.spec base seed: ${BASE_SEED}`));

  test('hand-written programs and every preset', async ({ page }) => {
    test.setTimeout(180_000);
    const errors = watchErrors(page);
    await openHarness(page);
    await checkPrograms(
      page,
      HANDWRITTEN.map((p) => ({ label: p.name, source: p.source })),
    );
    expect(errors).toEqual([]);
  });

  for (let call = 0; call < RANDOM_PROGRAMS / PER_CALL; call += 1) {
    test(`random programs ${call * PER_CALL}..${(call + 1) * PER_CALL - 1}`, async ({ page }) => {
      test.setTimeout(180_000);
      const errors = watchErrors(page);
      await openHarness(page);
      const programs = Array.from({ length: PER_CALL }, (_, i) => {
        const seed = (BASE_SEED + call * PER_CALL + i) % 2 ** 31;
        return {
          label: `seed ${seed} (base seed ${BASE_SEED})`,
          source: randomProgram(seed).source,
        };
      });
      await checkPrograms(page, programs);
      expect(errors).toEqual([]);
    });
  }
});

const BOUNDS_RANDOM_PROGRAMS = 50;
const BOUNDS_BOXES = 96;

/** Boxes [b, h, q_lo, q_hi, kv_lo, kv_hi]: mostly near the origin, some at the i32 edges or huge. */
function boundsBoxes(seed: number): number[][] {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const start = (): number => {
    const r = rand();
    if (r < 0.06) return 2147483647 - int(0, 30);
    if (r < 0.12) return -2147483648;
    return int(-6, 40);
  };
  return Array.from({ length: BOUNDS_BOXES }, (_, k) => {
    const q = start();
    const kv = start();
    // A few boxes longer than any slice bounds would scan (4096).
    const long = k % 16 === 0 ? 5000 : int(0, 20);
    const qHi = Math.min(2147483647, q + long);
    return [int(0, 2), int(0, 3), q, qHi, kv, Math.min(2147483647, kv + int(0, 20))];
  });
}

/** A lookup tensor longer than the bounds scan limit, so its reads go unknown past it. */
const LONG_TENSOR_PROGRAM = `T = [${Array.from({ length: 5000 }, (_, i) => (i * 7919) % 23).join(', ')}]
def mask_mod(b, h, q_idx, kv_idx):
    return (T[q_idx] < T[kv_idx] + 3) & (T[q_idx // 2 - 2] != 5)
`;

/** Runs mask_mod_bounds on the GPU and checks it equals boundsOf on the CPU, box by box. */
async function checkBounds(
  page: Page,
  programs: { label: string; source: string }[],
  boxes: number[][],
): Promise<void> {
  const started = Date.now();
  const results = await callHarness(
    page,
    'evaluateBoundsOnGpu',
    programs.map((p) => p.source),
    boxes,
  );
  console.log(
    `mask-wgsl bounds: ${programs.length} programs on the GPU in ${Date.now() - started} ms`,
  );
  expect(results).toHaveLength(programs.length);
  const counts = [0, 0, 0];
  programs.forEach(({ label, source }, k) => {
    const r = results[k];
    const where = `${label}\n${source}`;
    expect(r.compileError, where).toBeUndefined();
    expect(
      r.compileMessages.filter((m) => m.startsWith('error')),
      where,
    ).toEqual([]);
    const mismatches: string[] = [];
    boxes.forEach((box, i) => {
      const want = r.cpuBounds[i];
      counts[want] += 1;
      if (r.bounds[i] !== want)
        mismatches.push(`box [${box.join(', ')}]: GPU ${r.bounds[i]}, CPU ${want}`);
    });
    expect(mismatches.slice(0, 10), where).toEqual([]);
  });
  console.log(`mask-wgsl bounds answers (0 / 1 / 2): ${counts.join(' / ')}`);
}

test.describe('mask_mod_bounds on the GPU matches boundsOf on the CPU', () => {
  test('hand-written programs, every preset and random programs', async ({ page }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    await openHarness(page);
    const boxes = boundsBoxes(BASE_SEED ^ 0x2545f491);
    await checkBounds(
      page,
      [
        // The deep programs check WGSL nesting above; their bounds probes are minutes of work on
        // a software adapter, so they are left out here.
        ...HANDWRITTEN.filter((p) => !p.deep).map((p) => ({ label: p.name, source: p.source })),
        { label: 'a tensor longer than the scan limit', source: LONG_TENSOR_PROGRAM },
      ],
      boxes,
    );
    const programs = Array.from({ length: BOUNDS_RANDOM_PROGRAMS }, (_, i) => {
      const seed = (BASE_SEED + 7777 + i) % 2 ** 31;
      return { label: `seed ${seed} (base seed ${BASE_SEED})`, source: randomProgram(seed).source };
    });
    await checkBounds(page, programs, boxes);
    expect(errors).toEqual([]);
  });
});
