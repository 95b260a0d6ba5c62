import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compile } from './compile';
import { MaskCompileError } from './errors';
import { randomProgram, seededRandom } from '../../testing/randomProgram';

const PROGRAM_RUNS = 400;
const GARBAGE_RUNS = 2500;
// Thousands of compiles: well within a few seconds alone, but give slow CI machines room.
const TIMEOUT_MS = 60_000;

/** Arguments to try: the small grid a real mask sees, plus random and extreme ones. */
function argumentSets(seed: number): [number, number, number, number][] {
  const rand = seededRandom(seed ^ 0x5bd1e995);
  const sets: [number, number, number, number][] = [];
  for (let q = 0; q < 6; q += 1)
    for (let kv = 0; kv < 6; kv += 1) sets.push([q % 2, kv % 3, q, kv]);
  const any = (): number => {
    const r = rand();
    if (r < 0.1) return r < 0.05 ? 2147483647 : -2147483648;
    return Math.floor(rand() * 400) - 200;
  };
  for (let k = 0; k < 30; k += 1) sets.push([any(), any(), any(), any()]);
  return sets;
}

describe(
  'random well-formed programs: the CPU back end agrees with a reference interpreter',
  { timeout: TIMEOUT_MS },
  () => {
    test(`${PROGRAM_RUNS} programs`, () => {
      let checkedCells = 0;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          const program = randomProgram(seed);
          let compiled;
          try {
            compiled = compile(program.source);
          } catch (error) {
            const text = error instanceof MaskCompileError ? error.formatted : String(error);
            throw new Error(`seed ${seed}: did not compile:\n${program.source}\n${text}`);
          }
          for (const [b, h, q, kv] of argumentSets(seed)) {
            const want = program.mask(b, h, q, kv);
            if (compiled.mask(b, h, q, kv) !== want) {
              throw new Error(
                `seed ${seed}: mask(${b}, ${h}, ${q}, ${kv}) should be ${want}\n${program.source}`,
              );
            }
            const s = ((q * 7 + kv * 3) % 11) - 5.5;
            const score = compiled.score(s, b, h, q, kv);
            const wantScore = program.score(s, b, h, q, kv);
            if (!(Math.abs(score - wantScore) <= 1e-9 * Math.max(1, Math.abs(wantScore)))) {
              throw new Error(
                `seed ${seed}: score(${s}, ${b}, ${h}, ${q}, ${kv}) = ${score}, want ${wantScore}\n${program.source}`,
              );
            }
            checkedCells += 1;
          }
        }),
        { numRuns: PROGRAM_RUNS },
      );
      console.info(`property: ${PROGRAM_RUNS} random programs, ${checkedCells} cells compared`);
      expect(checkedCells).toBeGreaterThanOrEqual(PROGRAM_RUNS * 36);
    });
  },
);

const TOKENS = [
  'def',
  'mask_mod',
  'score_mod',
  '(',
  ')',
  '[',
  ']',
  ':',
  ',',
  '\n',
  '    ',
  'return',
  'if',
  'else',
  'elif',
  'lambda',
  'and',
  'or',
  'not',
  'q_idx',
  'kv_idx',
  'b',
  'h',
  'score',
  'x',
  '=',
  '==',
  '<',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  '&',
  '|',
  '^',
  '~',
  '<<',
  '>>',
  '0',
  '1',
  '-3',
  '2147483648',
  '1e-3',
  '0x1F',
  '1_0',
  'True',
  'False',
  'None',
  'torch',
  '.',
  'where',
  'abs',
  'clamp',
  'min',
  'max',
  'and_masks',
  'or_masks',
  'noop_mask',
  '"s"',
  "f'{x}'",
  '"""',
  '#',
  '\\',
  'import',
  'from',
  'for',
  'while',
  'class',
  'global',
  'T',
  '[1, 2]',
  '[[1], [2, 3]]',
  '__name__',
  ';',
  '\t',
  '@',
  '$',
  '{',
  '}',
  'é',
];

function expectOnlyMaskErrors(source: string): void {
  try {
    const p = compile(source);
    p.mask(0, 0, 1, 2);
    p.score(0.5, 0, 0, 1, 2);
    p.pytorchExport({ B: 1, H: 1, HKV: 1, Q: 4, KV: 4, D: 2, DV: 2, blockQ: 2, blockKV: 2 });
  } catch (error) {
    if (!(error instanceof MaskCompileError)) {
      throw new Error(`threw ${String(error)} for ${JSON.stringify(source)}`);
    }
    expect(error.formatted).toContain('File "<mask>"');
  }
}

describe('any input throws nothing but MaskCompileError', { timeout: TIMEOUT_MS }, () => {
  test(`${GARBAGE_RUNS} random strings`, () => {
    fc.assert(fc.property(fc.string({ maxLength: 200, unit: 'binary' }), expectOnlyMaskErrors), {
      numRuns: GARBAGE_RUNS,
    });
    console.info(`property: ${GARBAGE_RUNS} random strings`);
  });

  test(`${GARBAGE_RUNS} token soups`, () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((ts) => ts.join(' '));
    fc.assert(fc.property(soup, expectOnlyMaskErrors), { numRuns: GARBAGE_RUNS });
    console.info(`property: ${GARBAGE_RUNS} token soups`);
  });

  test(`${GARBAGE_RUNS} mutated valid programs`, () => {
    const mutated = fc
      .tuple(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom(...TOKENS),
      )
      .map(([seed, at, token]) => {
        const source = randomProgram(seed).source;
        const k = at % (source.length + 1);
        return source.slice(0, k) + token + source.slice(k + (at % 3));
      });
    fc.assert(fc.property(mutated, expectOnlyMaskErrors), { numRuns: GARBAGE_RUNS });
    console.info(`property: ${GARBAGE_RUNS} mutated programs`);
  });
});
