/**
 * Random valid scenarios for the link tests (app/url's unit tests and the browser tests), and a
 * validity check written separately from app/url/validate.ts (straight from the rules),
 * so a decoder bug cannot hide behind the decoder's own validator. Test code only: it uses the
 * dev dependency fast-check, which product code never imports (a lint rule).
 */
import fc from 'fast-check';
import { VIEWS, type Scenario } from '../app/problem';
import { type UrlLimits, DEFAULT_URL_LIMITS } from '../app/url/limits';
import { uniformFloats } from '../app/tensors/random';

/** The fuzz test draws from the project's one seeded PRNG; it prints its seed so a failure can be replayed. */
export const seededFloats = uniformFloats;

export function divisorsOf(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

/** Characters that stress percent-encoding: separators, escapes, newlines, non-ASCII. */
export const AWKWARD_CHARS = [
  '&',
  '=',
  '#',
  '%',
  '+',
  '?',
  ' ',
  '\n',
  '\t',
  '\r',
  '/',
  ':',
  ',',
  '(',
  ')',
  '[',
  ']',
  '@',
  '$',
  '<',
  '>',
  '"',
  "'",
  '`',
  '\\',
  '~',
  '!',
  '*',
  ';',
  '|',
  '{',
  '}',
  '^',
  '\u0000',
  'é',
  'ß',
  '中',
  '😀',
  '\u202e',
  '\ufeff',
  '%25',
  '%3D',
];

/** Program text: a mix of code-like words and awkward characters. */
export const codeArb = (maxLength: number, minLength = 0): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...AWKWARD_CHARS),
        fc.string({ unit: 'binary', maxLength: 8 }),
        fc.constantFrom(
          'def mask_mod(b, h, q_idx, kv_idx):\n    return ',
          'q_idx >= kv_idx',
          'W = 3\n',
        ),
      ),
      { minLength, maxLength },
    )
    .map((parts) => parts.join(''));

export const scenarioArb = (code: fc.Arbitrary<string>): fc.Arbitrary<Scenario> =>
  fc
    .record({
      code,
      B: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.B }),
      H: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.H }),
      Q: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.Q }),
      KV: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.KV }),
      D: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.D }),
      DV: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.DV }),
      blockQ: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.blockQ }),
      blockKV: fc.integer({ min: 1, max: DEFAULT_URL_LIMITS.shape.blockKV }),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      view: fc.constantFrom(...VIEWS),
    })
    .chain((base) =>
      fc
        .record({
          HKV: fc.constantFrom(...divisorsOf(base.H)),
          b: fc.integer({ min: 0, max: base.B - 1 }),
          h: fc.integer({ min: 0, max: base.H - 1 }),
        })
        .map((rest) => ({ ...base, ...rest })),
    );

/** A random valid scenario from a seeded PRNG (cheaper than fast-check for 100,000 cases). */
export function randomScenario(rand: () => number, code: string): Scenario {
  const int = (min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));
  const L = DEFAULT_URL_LIMITS;
  const B = int(1, L.shape.B);
  const H = int(1, L.shape.H);
  const divisors = divisorsOf(H);
  return {
    code,
    B,
    H,
    HKV: divisors[int(0, divisors.length - 1)],
    Q: int(1, L.shape.Q),
    KV: int(1, L.shape.KV),
    D: int(1, L.shape.D),
    DV: int(1, L.shape.DV),
    blockQ: int(1, L.shape.blockQ),
    blockKV: int(1, L.shape.blockKV),
    seed: int(0, 0xffffffff),
    view: VIEWS[int(0, VIEWS.length - 1)],
    b: int(0, B - 1),
    h: int(0, H - 1),
  };
}

/** What is wrong with a scenario by the rules, written out longhand; empty when valid. */
export function violations(s: Scenario, limits: UrlLimits = DEFAULT_URL_LIMITS): string[] {
  const out: string[] = [];
  const whole = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max || Object.is(value, -0)) {
      out.push(`${name}=${value} not a whole number in ${min}..${max}`);
    }
  };
  if (typeof s.code !== 'string') out.push('code is not a string');
  else if (s.code.length > limits.maxCodeChars) out.push('code too long');
  else if (!isWellFormed(s.code)) out.push('code has a lone surrogate');
  whole('B', s.B, 1, limits.shape.B);
  whole('H', s.H, 1, limits.shape.H);
  whole('HKV', s.HKV, 1, s.H);
  if (s.H % s.HKV !== 0) out.push(`HKV=${s.HKV} does not divide H=${s.H}`);
  whole('Q', s.Q, 1, limits.shape.Q);
  whole('KV', s.KV, 1, limits.shape.KV);
  whole('D', s.D, 1, limits.shape.D);
  whole('DV', s.DV, 1, limits.shape.DV);
  whole('blockQ', s.blockQ, 1, limits.shape.blockQ);
  whole('blockKV', s.blockKV, 1, limits.shape.blockKV);
  whole('seed', s.seed, 0, 2 ** 32 - 1);
  if (!(VIEWS as readonly string[]).includes(s.view)) out.push(`view=${s.view}`);
  whole('b', s.b, 0, s.B - 1);
  whole('h', s.h, 0, s.H - 1);
  if (Object.keys(s).length !== 14) out.push(`has ${Object.keys(s).length} keys, not 14`);
  return out;
}

/** Every high surrogate followed by a low one, and no low one alone (a code-unit walk). */
function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}
