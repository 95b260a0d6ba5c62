import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../problem';
import { scenarioFromJson, scenarioToJson } from './json';
import { tightenLimits } from './limits';
import { codeArb, scenarioArb } from '../../testing/randomScenarios';

function fieldsOf(text: string): string[] {
  return scenarioFromJson(text).problems.map((p) => p.field);
}

describe('scenario JSON files', () => {
  it('writes every field with the link keys, v first, as JSON numbers', () => {
    const parsed: unknown = JSON.parse(scenarioToJson(DEFAULT_SCENARIO));
    expect(parsed).toEqual({
      v: 1,
      code: DEFAULT_SCENARIO.code,
      B: 1,
      H: 8,
      HKV: 8,
      Q: 10,
      KV: 10,
      D: 8,
      DV: 8,
      bq: 128,
      bkv: 128,
      seed: 0,
      view: 'scores',
      b: 0,
      h: 0,
    });
    expect(Object.keys(parsed as object)[0]).toBe('v');
  });

  it('reads back every random valid scenario it wrote', () => {
    fc.assert(
      fc.property(scenarioArb(codeArb(40)), (s) => {
        const result = scenarioFromJson(scenarioToJson(s));
        expect(result.problems).toEqual([]);
        expect(result.scenario).toEqual(s);
        expect(result.embed).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('fills missing fields with defaults, and reads a file without v as v=1', () => {
    const result = scenarioFromJson('{"Q": 64}');
    expect(result.problems).toEqual([]);
    expect(result.scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 64 });
  });

  it('accepts JSON numbers only: no numeric strings, fractions or out-of-range values', () => {
    expect(fieldsOf('{"v": 1, "Q": "64"}')).toEqual(['Q']);
    expect(fieldsOf('{"v": 1, "Q": 1.5, "KV": -1, "D": 1e309, "seed": null}')).toEqual([
      'Q',
      'KV',
      'D',
      'seed',
    ]);
    expect(fieldsOf('{"v": 1, "code": 5, "view": ["scores"]}')).toEqual(['code', 'view']);
    expect(fieldsOf('{"v": 1, "H": 8, "HKV": 3, "b": 1}')).toEqual(['HKV', 'b']);
  });

  it('checks against the limits it is given', () => {
    const result = scenarioFromJson('{"Q": 8192}', tightenLimits({ shape: { Q: 4096, KV: 4096 } }));
    expect(result.problems.map((p) => p.field)).toEqual(['Q']);
    expect(result.scenario.Q).toBe(DEFAULT_SCENARIO.Q);
  });

  it('gives one specific problem for a file that is not a scenario at all', () => {
    const cases = [
      '',
      '{',
      'not json',
      '[1, 2]',
      '"text"',
      'null',
      '{"v": 2, "Q": 64}',
      '{"v": "1"}',
      '['.repeat(200_000),
    ];
    for (const text of cases) {
      const result = scenarioFromJson(text);
      expect(result.scenario, text.slice(0, 20)).toEqual(DEFAULT_SCENARIO);
      expect(result.problems, text.slice(0, 20)).toHaveLength(1);
    }
  });

  it('says what is wrong in words', () => {
    const messages = [
      '{"Q": -5, "__proto__": 1, "extra": true}',
      '[1]',
      '{"v": 2}',
      '{"v": "1"}',
    ].map((text) => scenarioFromJson(text).problems.map((p) => `${p.field}: ${p.message}`));
    expect(messages).toMatchInlineSnapshot(`
      [
        [
          "Q: "Q": -5 in the file: Q must be a whole number from 1 to 65536",
          "file: Unknown fields in the file, ignored: __proto__, extra",
        ],
        [
          "file: The file holds a list, not a flexmask scenario (a JSON object such as {"v": 1, "code": "..."})",
        ],
        [
          "v: This file uses schema v=2, which this version of flexmask does not know. It may come from a newer flexmask; open it there, or ask for a file made with v=1.",
        ],
        [
          "v: v="1" in the file: the schema version must be a whole number such as 1",
        ],
      ]
    `);
    // The parser's own words follow, and differ between JavaScript engines.
    expect(scenarioFromJson('{').problems[0].message).toMatch(/^The file is not valid JSON: ./);
  });
});
