import { describe, expect, test } from 'vitest';
import { compile } from '../../app/mask/compile';
import { createRandom } from '../../app/tensors/random';
import { MASK_IDS, documentOffsets, maskSource, planCases, type MaskId } from './cases';

/** Each case's mask as the issue defines it, written independently of the mask programs. */
function expected(mask: MaskId, S: number): (q: number, kv: number) => boolean {
  const docLength = S / 8;
  switch (mask) {
    case 'noop':
      return () => true;
    case 'causal':
    case 'alibi':
      return (q, kv) => q >= kv;
    case 'sliding_window':
      return (q, kv) => q >= kv && q - kv <= S / 8;
    case 'prefix_lm':
      return (q, kv) => kv < S / 4 || q >= kv;
    case 'document':
      return (q, kv) => Math.floor(q / docLength) === Math.floor(kv / docLength) && q >= kv;
  }
}

describe('mask programs', () => {
  for (const mask of MASK_IDS) {
    test(`${mask} compiles and allows exactly what the issue asks`, () => {
      const S = 256;
      const program = compile(maskSource(mask, S, 2));
      const want = expected(mask, S);
      const seed = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
      const random = createRandom(seed);
      // Random pairs, plus the edges where off-by-ones live.
      const pairs: [number, number][] = [
        [0, 0],
        [S - 1, S - 1],
        [S / 8, 0],
        [S / 8 + 1, 0],
        [S / 4, S / 4 - 1],
        [S / 8 - 1, S / 8],
      ];
      for (let i = 0; i < 500; i++)
        pairs.push([random.nextInt(0, S - 1), random.nextInt(0, S - 1)]);
      for (const [q, kv] of pairs) {
        expect(program.mask(0, 1, q, kv), `seed ${seed}, q=${q} kv=${kv}`).toBe(want(q, kv));
      }
    });
  }

  test('alibi adds (kv - q) * 2^(-8 (h + 1) / H) to the score', () => {
    const H = 2;
    const program = compile(maskSource('alibi', 64, H));
    expect(program.hasScoreMod).toBe(true);
    for (const [h, q, kv, s] of [
      [0, 10, 3, 0.5],
      [1, 40, 0, -1.25],
    ]) {
      const slope = 2 ** ((-8 * (h + 1)) / H);
      expect(program.score(s, 0, h, q, kv)).toBeCloseTo(s + (kv - q) * slope, 12);
    }
  });

  test('documents are eight equal spans ending at S', () => {
    expect(documentOffsets(2048)).toEqual([0, 256, 512, 768, 1024, 1280, 1536, 1792, 2048]);
  });
});

describe('planCases', () => {
  test('the full plan: every mask at 512, 1024, 2048; peers everywhere but 3 masks at 2048', () => {
    const cases = planCases({
      quick: false,
      engines: ['flexmask', 'flexmask-cpu', 'ort', 'tfjs', 'ort-wasm'],
    });
    expect(cases).toHaveLength(18);
    for (const c of cases) {
      const peers = c.S < 2048 || ['noop', 'causal', 'document'].includes(c.mask);
      // flexmask's two engines on every case, the CPU one before the peers it is compared with.
      expect(c.engines, c.id).toEqual(
        peers
          ? ['flexmask', 'flexmask-cpu', 'ort', 'tfjs', 'ort-wasm']
          : ['flexmask', 'flexmask-cpu'],
      );
    }
  });

  test('--only=flexmask-cpu,ort-wasm: the CPU engines, and flexmask on the GPU', () => {
    const cases = planCases({ quick: false, engines: ['flexmask', 'flexmask-cpu', 'ort-wasm'] });
    const at2048 = cases.filter((c) => c.S === 2048);
    expect(at2048.find((c) => c.mask === 'noop')?.engines).toEqual([
      'flexmask',
      'flexmask-cpu',
      'ort-wasm',
    ]);
    expect(at2048.find((c) => c.mask === 'alibi')?.engines).toEqual(['flexmask', 'flexmask-cpu']);
  });

  test('--quick runs only S = 512, and --only=flexmask no peer', () => {
    const quick = planCases({ quick: true, engines: ['flexmask'] });
    expect(quick.length).toBeGreaterThan(0);
    expect(quick.every((c) => c.S === 512 && c.engines.join() === 'flexmask')).toBe(true);
    expect(quick.map((c) => c.mask)).toEqual(
      expect.arrayContaining(['noop', 'causal', 'document']),
    );
  });

  test('--no-gpu: flexmask CPU on every case, the wasm peer where peers run, no GPU engine', () => {
    const cases = planCases({
      quick: false,
      engines: ['flexmask', 'flexmask-cpu', 'ort', 'tfjs', 'ort-wasm'],
      noGpu: true,
    });
    expect(cases).toHaveLength(18);
    for (const c of cases) {
      const peers = c.S < 2048 || ['noop', 'causal', 'document'].includes(c.mask);
      expect(c.engines, c.id).toEqual(peers ? ['flexmask-cpu', 'ort-wasm'] : ['flexmask-cpu']);
    }
  });
});
