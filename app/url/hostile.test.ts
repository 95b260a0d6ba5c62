import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../problem';
import { bytesToBase64url } from './base64url';
import { deflateRaw } from './compress';
import { decodeHash } from './decode';
import { MAX_SCENARIO_JSON_DEPTH, scenarioFromJson } from './json';
import type { DecodeResult } from './types';

// Hostile links and scenario files (issue 12): each opens the default scenario or its own, with
// problems whose messages quote at most a couple of hundred characters, in bounded time.

const TIME_LIMIT_MS = 2000;
const MAX_MESSAGE_CHARS = 600;
/** Just under the 1 MiB link cap, so each case is read rather than refused for its length. */
const NEAR_CAP = (1 << 20) - 200;

async function timed(read: () => Promise<DecodeResult> | DecodeResult) {
  const started = performance.now();
  const result = await read();
  const ms = performance.now() - started;
  expect(ms).toBeLessThan(TIME_LIMIT_MS);
  for (const problem of result.problems) {
    expect(problem.message.length, problem.message.slice(0, 300)).toBeLessThan(MAX_MESSAGE_CHARS);
  }
  return result;
}

const unknownKeys = (count: number) => Array.from({ length: count }, (_, i) => `&x${i}=1`).join('');

const packed = async (query: string) => `#v=1&z=${bytesToBase64url(await deflateRaw(query))}`;

describe('hostile links', () => {
  const cases: [string, () => Promise<string> | string, RegExp][] = [
    ['a 1 MB key', () => `#v=1&${'k'.repeat(NEAR_CAP)}=1`, /Unknown parameter in the link/],
    ['a 1 MB number', () => `#v=1&Q=${'9'.repeat(NEAR_CAP)}`, /Q must be a whole number/],
    ['a 1 MB version', () => `#v=${'1'.repeat(NEAR_CAP)}`, /schema version must be a whole/],
    ['a 1 MB view', () => `#v=1&view=${'x'.repeat(NEAR_CAP)}`, /view must be one of/],
    ['a 1 MB panel', () => `#v=1&panel=${'x'.repeat(NEAR_CAP)}`, /panel must be one of/],
    ['a 1 MB embed', () => `#v=1&embed=${'x'.repeat(NEAR_CAP)}`, /embed must be 1 or 0/],
    ['a 1 MB upload list', () => `#v=1&uploaded=${'q,'.repeat(NEAR_CAP / 2)}`, /uploaded must/],
    ['a million ampersands', () => `#v=1${'&'.repeat(NEAR_CAP)}`, /^$/],
    ['a bad percent escape', () => `#v=1&code=${'%'.repeat(NEAR_CAP)}`, /percent-encoding/],
    [
      '100,000 unknown keys',
      () => `#v=1${Array.from({ length: 100_000 }, (_, i) => `&x${i}=1`).join('')}`,
      /^The link has more than 1,000 parameters/,
    ],
    [
      '100,000 repeats of Q',
      () => `#v=1${'&Q=5'.repeat(100_000)}`,
      /^The link has more than 1,000 parameters/,
    ],
    ['900 unknown keys', () => `#v=1${unknownKeys(900)}`, /and 895 more/],
    ['900 repeats of Q', () => `#v=1${'&Q=5'.repeat(900)}`, /Q appears 900 times/],
    [
      '100,000 unknown keys inside z',
      () => packed(`v=1${unknownKeys(100_000)}`),
      /^The compressed link has more than 1,000 parameters/,
    ],
    ['junk base64 in z', () => `#v=1&z=${'A'.repeat(NEAR_CAP - (NEAR_CAP % 4))}`, /damaged/],
    ['non-base64 in z', () => `#v=1&z=${'A'.repeat(NEAR_CAP)}é`, /not base64url/],
    [
      'a 1 MB key inside z',
      () => packed(`v=1&${'k'.repeat(1_000_000)}=1`),
      /Unknown parameter in the link/,
    ],
    [
      'a 1 MB code value inside z',
      () => packed(`v=1&code=${'x'.repeat(1_000_000)}`),
      /code may be at most/,
    ],
    [
      'a whole-encoded hash of 100,000 keys',
      () => `#v%3D1${'%26Q%3D5'.repeat(100_000)}`,
      /^The link has more than 1,000 parameters/,
    ],
  ];
  for (const [name, make, pattern] of cases) {
    it(`${name}: short messages, quickly`, async () => {
      const hash = await make();
      const result = await timed(() => decodeHash(hash));
      const text = result.problems.map((p) => p.message).join('\n');
      expect(text).toMatch(pattern);
    });
  }

  it('reads 1,000 parameters and refuses 1,001, opening the default scenario', async () => {
    // v=1 is the first parameter; empty segments (`&&`) are not parameters.
    const read = await decodeHash(`#v=1&&${unknownKeys(998)}&Q=12`);
    expect(read.scenario.Q).toBe(12);
    expect(read.problems.map((p) => p.message).join()).toMatch(/and 993 more/);
    const refused = await decodeHash(`#v=1${unknownKeys(999)}&Q=12`);
    expect(refused.scenario).toEqual(DEFAULT_SCENARIO);
    expect(refused.problems).toEqual([
      {
        field: 'link',
        message:
          'The link has more than 1,000 parameters; flexmask reads up to 1,000 (a scenario uses at most 24)',
      },
    ]);
  });

  it('a 1 MB key in a message is quoted in 20 characters', async () => {
    const result = await decodeHash(`#v=1&${'k'.repeat(NEAR_CAP)}=1`);
    expect(result.problems.map((p) => p.message)).toEqual([
      `Unknown parameter in the link, ignored: ${'k'.repeat(20)}…`,
    ]);
  });
});

describe('hostile scenario files', () => {
  it('refuses JSON nested 100,000 deep before parsing it, with the depth named', async () => {
    for (const text of [
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      `{"v": 1, "code": ${'['.repeat(100_000)}1${']'.repeat(100_000)}}`,
    ]) {
      const result = await timed(() => scenarioFromJson(text));
      expect(result.scenario).toEqual(DEFAULT_SCENARIO);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0].message).toMatch(
        new RegExp(`^The file nests more than ${MAX_SCENARIO_JSON_DEPTH} levels deep`),
      );
    }
  });

  it('quotes long keys and values in a few dozen characters', async () => {
    const long = 'x'.repeat(300_000);
    const result = await timed(() =>
      scenarioFromJson(JSON.stringify({ v: 1, [long]: 1, B: long, view: [long] })),
    );
    expect(result.problems.map((p) => p.message)).toEqual([
      `"B": "${'x'.repeat(40)}…" in the file: B must be a whole number from 1 to 64`,
      '"view": […] in the file: view must be one of scores, probs, mask, blocks, output',
      `Unknown field in the file, ignored: ${'x'.repeat(20)}…`,
    ]);
  });

  it('reads a file of 1,000 keys and refuses one of 1,001, naming the count', async () => {
    const file = (count: number) => {
      const entries: Record<string, number> = { v: 1, Q: 12 };
      for (let i = 2; i < count; i++) entries[`x${i}`] = 1;
      return JSON.stringify(entries);
    };
    expect((await timed(() => scenarioFromJson(file(1000)))).scenario.Q).toBe(12);
    const refused = await timed(() => scenarioFromJson(file(70_000)));
    expect(refused.scenario).toEqual(DEFAULT_SCENARIO);
    expect(refused.problems.map((p) => p.message)).toEqual([
      'The file holds 70,000 keys; flexmask reads scenario files of up to 1,000 (a scenario uses at most 24)',
    ]);
    expect((await timed(() => scenarioFromJson(file(1001)))).problems[0].message).toMatch(
      /^The file holds 1,001 keys/,
    );
  });

  it('a broken file quotes at most 120 characters of the parser', async () => {
    const result = await timed(() => scenarioFromJson(`{"v": 1, "code": "${'x'.repeat(900_000)}`));
    expect(result.problems[0].message).toMatch(/^The file is not valid JSON: /);
  });
});
