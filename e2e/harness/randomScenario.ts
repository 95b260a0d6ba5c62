/**
 * Random engine scenarios for the browser tests: programs from the presets with random
 * parameters and random compositions (and / or / not), random shapes with and without GQA,
 * lengths that are often not block multiples. Deterministic in the seed, so a failure names the
 * seed that reproduces it.
 */
import { compile } from '../../app/mask/compile';
import { PRESETS, type Preset } from '../../app/mask/presets';
import { composePrograms, negateProgram } from '../../app/state/compose';
import { rewriteParam } from '../../app/state/params';
import { createRandom, type Random } from '../../app/tensors/random';
import type { AttentionShape } from '../../app/problem';

export interface RandomScenario {
  seed: number;
  description: string;
  source: string;
  shape: AttentionShape;
  b: number;
  h: number;
}

const BLOCK_SIZES = [1, 2, 3, 4, 5, 8, 16, 17, 32, 33, 64, 100, 128];
const SMALL_DIMS = [1, 2, 3, 4, 7, 8, 16, 32];
const LARGE_DIMS = [64, 100, 128];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[random.nextInt(0, items.length - 1)];
}

/**
 * Gives each numeric parameter of the program a new value near its old one. Real programs check
 * their settings (STA asserts that tiles divide the canvas), so a draw the program refuses is
 * drawn again, and after a few tries the preset keeps its own values.
 */
function randomizeParams(source: string, random: Random): string {
  const params = compile(source).params.filter((p) => p.type !== 'bool');
  for (let attempt = 0; attempt < 8; attempt += 1) {
    // Rewrite from the end so earlier spans stay valid.
    let text = source;
    for (const param of [...params].sort((a, b) => b.span.start - a.span.start)) {
      const value =
        param.type === 'int'
          ? Math.max(1, Math.round(param.value * (0.5 + random.nextFloat() * 1.5)))
          : param.value * (0.5 + random.nextFloat());
      text = rewriteParam(text, param, value);
    }
    if (compiles(text)) return text;
  }
  return source;
}

function compiles(source: string): boolean {
  try {
    compile(source);
    return true;
  } catch {
    return false;
  }
}

function randomProgram(random: Random): { source: string; description: string } {
  const masks = PRESETS.filter((p) => p.kind === 'mask');
  const scores = PRESETS.filter((p) => p.kind === 'score');
  const first: Preset = pick(random, masks);
  let source = randomizeParams(first.source, random);
  let description = first.id;
  const roll = random.nextFloat();
  if (roll < 0.25) {
    const second = pick(random, masks);
    source = composePrograms(source, randomizeParams(second.source, random), 'and', second.id);
    description = `${description} AND ${second.id}`;
  } else if (roll < 0.45) {
    const second = pick(random, masks);
    source = composePrograms(source, randomizeParams(second.source, random), 'or', second.id);
    description = `${description} OR ${second.id}`;
  } else if (roll < 0.55) {
    source = negateProgram(source);
    description = `NOT ${description}`;
  }
  if (random.nextFloat() < 0.3) {
    const score = pick(random, scores);
    source = composePrograms(source, score.source, 'scoreMod', score.id);
    description = `${description} with score_mod ${score.id}`;
  }
  return { source, description };
}

function randomShape(random: Random): AttentionShape {
  const H = random.nextInt(1, 4);
  const divisors = [1, 2, 3, 4].filter((d) => H % d === 0);
  const HKV = random.nextFloat() < 0.5 ? H : pick(random, divisors);
  const long = random.nextFloat() < 0.15;
  const length = () => (long ? random.nextInt(129, 300) : random.nextInt(1, 96));
  const dim = () =>
    random.nextFloat() < 0.1 ? pick(random, LARGE_DIMS) : pick(random, SMALL_DIMS);
  return {
    B: random.nextInt(1, 3),
    H,
    HKV,
    Q: length(),
    KV: length(),
    D: dim(),
    DV: dim(),
    blockQ: pick(random, BLOCK_SIZES),
    blockKV: pick(random, BLOCK_SIZES),
  };
}

export function randomScenario(seed: number): RandomScenario {
  const random = createRandom(seed);
  const { source, description } = randomProgram(random);
  const shape = randomShape(random);
  return {
    seed,
    description,
    source,
    shape,
    b: random.nextInt(0, shape.B - 1),
    h: random.nextInt(0, shape.H - 1),
  };
}
