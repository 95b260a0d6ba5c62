import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CODE, DEFAULT_SCENARIO, SHAPE_MAXIMA, type Scenario } from '../problem';
import { READABLE_MAX_CHARS, encodeScenario } from './encode';
import { decodeHash } from './decode';
import { DEFAULT_URL_LIMITS, tightenLimits } from './limits';
import { migrate } from './migrate';
import { bytesToBase64url } from './base64url';
import { deflateRaw } from './compress';
import { validateScenario } from './validate';
import { codeArb, scenarioArb, violations } from '../../testing/randomScenarios';

const SCHEMA_KEYS = [
  'code',
  'B',
  'H',
  'HKV',
  'Q',
  'KV',
  'D',
  'DV',
  'bq',
  'bkv',
  'seed',
  'view',
  'b',
  'h',
];

/** The keys of a hash, in order, read with a plain split (independent of split.ts). */
function keysOf(hash: string): string[] {
  return hash
    .slice(1)
    .split('&')
    .map((part) => part.split('=')[0]);
}

async function messagesOf(hash: string): Promise<string[]> {
  return (await decodeHash(hash)).problems.map((p) => `${p.field}: ${p.message}`);
}

describe('encodeScenario', () => {
  it('writes only v for the default scenario', async () => {
    expect(await encodeScenario(DEFAULT_SCENARIO)).toBe('#v=1');
  });

  it('writes only the fields that differ from the default', async () => {
    expect(await encodeScenario({ ...DEFAULT_SCENARIO, Q: 64, view: 'probs' })).toBe(
      '#v=1&Q=64&view=probs',
    );
  });

  it('writes the keys in the schema order', async () => {
    const s: Scenario = {
      code: 'x = 1',
      B: 2,
      H: 4,
      HKV: 2,
      Q: 11,
      KV: 12,
      D: 16,
      DV: 32,
      blockQ: 16,
      blockKV: 32,
      seed: 7,
      view: 'blocks',
      b: 1,
      h: 3,
    };
    expect(keysOf(await encodeScenario(s))).toEqual(['v', ...SCHEMA_KEYS]);
  });

  it('keeps code legible: brackets, commas, colons and = stay, newlines are %0A', async () => {
    const code = 'def f(b, h, q_idx, kv_idx):\n    return t[b] >= 0 & (q_idx + 1 == 2)';
    const hash = await encodeScenario({ ...DEFAULT_SCENARIO, code });
    expect(hash).toMatchInlineSnapshot(
      `"#v=1&code=def%20f(b,%20h,%20q_idx,%20kv_idx):%0A%20%20%20%20return%20t[b]%20%3E=%200%20%26%20(q_idx%20%2B%201%20==%202)"`,
    );
    expect(decodeURIComponent(hash.slice('#v=1&code='.length))).toBe(code);
  });

  it('switches to z= just past READABLE_MAX_CHARS', async () => {
    const prefix = '#v=1&code='.length;
    const fits = await encodeScenario({
      ...DEFAULT_SCENARIO,
      code: 'a'.repeat(READABLE_MAX_CHARS - prefix),
    });
    const over = await encodeScenario({
      ...DEFAULT_SCENARIO,
      code: 'a'.repeat(READABLE_MAX_CHARS - prefix + 1),
    });
    expect(fits.length).toBe(READABLE_MAX_CHARS);
    expect(fits.startsWith('#v=1&code=aaa')).toBe(true);
    expect(over).toMatch(/^#v=1&z=[A-Za-z0-9_-]+$/);
  });

  it('adds &embed=1 after either form, and decodes it as embed', async () => {
    const short = await encodeScenario({ ...DEFAULT_SCENARIO, Q: 20 }, { embed: true });
    const long = await encodeScenario(
      { ...DEFAULT_SCENARIO, code: 'a = 1\n'.repeat(400) },
      { embed: true },
    );
    expect(short).toBe('#v=1&Q=20&embed=1');
    expect(long).toMatch(/^#v=1&z=[A-Za-z0-9_-]+&embed=1$/);
    for (const hash of [short, long]) {
      const decoded = await decodeHash(hash);
      expect(decoded.embed).toBe(true);
      expect(decoded.problems).toEqual([]);
    }
    expect((await decodeHash('#v=1&Q=20')).embed).toBe(false);
  });

  it('writes a lone surrogate (which encodeURIComponent refuses) as U+FFFD instead of throwing', async () => {
    const hash = await encodeScenario({ ...DEFAULT_SCENARIO, code: 'a\uD800b' });
    expect((await decodeHash(hash)).scenario.code).toBe('a\uFFFDb');
  });
});

describe('round trips', () => {
  it('decodes every random valid scenario back to itself (readable links)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb(codeArb(30)), async (s) => {
        const hash = await encodeScenario(s);
        const decoded = await decodeHash(hash);
        expect(decoded.problems).toEqual([]);
        expect(decoded.scenario).toEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes every random valid scenario back to itself (compressed links)', async () => {
    // At least 1,500 parts of one or more characters: always past the readable limit.
    const longCode = codeArb(2000, 1500);
    await fc.assert(
      fc.asyncProperty(scenarioArb(longCode), async (s) => {
        const hash = await encodeScenario(s);
        expect(hash).toMatch(/^#v=1&z=[A-Za-z0-9_-]+$/);
        const decoded = await decodeHash(hash);
        expect(decoded.problems).toEqual([]);
        expect(decoded.scenario).toEqual(s);
      }),
      { numRuns: 25 },
    );
  });

  it('round-trips the largest scenario the limits allow, in CJK text', async () => {
    const s = { ...DEFAULT_SCENARIO, code: '中'.repeat(DEFAULT_URL_LIMITS.maxCodeChars) };
    const decoded = await decodeHash(await encodeScenario(s));
    expect(decoded.problems).toEqual([]);
    expect(decoded.scenario.code).toBe(s.code);
  });
});

describe('decodeHash: defaults', () => {
  it.each(['', '#', '#&&', 'v=1', '#v=1'])(
    'opens %j on the default scenario with no problems',
    async (hash) => {
      expect(await decodeHash(hash)).toEqual({
        scenario: DEFAULT_SCENARIO,
        embed: false,
        panel: null,
        uploaded: [],
        problems: [],
      });
    },
  );

  it('fills the fields a link leaves out', async () => {
    const { scenario, problems } = await decodeHash('#v=1&Q=64&KV=32');
    expect(problems).toEqual([]);
    expect(scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 64, KV: 32 });
  });

  it('reads a link without v as schema v=1', async () => {
    const { scenario, problems } = await decodeHash('#Q=64');
    expect(problems).toEqual([]);
    expect(scenario.Q).toBe(64);
  });

  it('takes an omitted HKV as H when the default HKV does not divide H', async () => {
    const { scenario, problems } = await decodeHash('#v=1&H=6');
    expect(problems).toEqual([]);
    expect(scenario.HKV).toBe(6);
  });

  it('reads a hash that was percent-encoded as a whole once more', async () => {
    const { scenario, problems } = await decodeHash(`#${encodeURIComponent('v=1&Q=64&view=mask')}`);
    expect(problems).toEqual([]);
    expect(scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 64, view: 'mask' });
  });

  it('returns a fresh scenario each time (the default is never handed out to be mutated)', async () => {
    const a = await decodeHash('');
    expect(a.scenario).not.toBe(DEFAULT_SCENARIO);
  });
});

/** Values no whole-number field accepts, whatever its range. */
const NEVER_WHOLE = [
  '',
  'abc',
  '-5',
  '1.5',
  '1e3',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '+5',
  ' 5',
  '5 ',
  '0x10',
  '５',
  '٣',
  '99999999999999999999',
  '%2D1',
  '1%00',
];

const RANGES: [key: string, name: keyof Scenario, min: number, max: number][] = [
  ['B', 'B', 1, 64],
  ['H', 'H', 1, 256],
  ['Q', 'Q', 1, 65536],
  ['KV', 'KV', 1, 65536],
  ['D', 'D', 1, 512],
  ['DV', 'DV', 1, 512],
  ['bq', 'blockQ', 1, 256],
  ['bkv', 'blockKV', 1, 256],
  ['seed', 'seed', 0, 2 ** 32 - 1],
];

describe('decodeHash: each broken field falls back to its default and is named', () => {
  it.each(RANGES)('%s', async (key, name, min, max) => {
    const bad = [...NEVER_WHOLE, String(max + 1), String(min - 1)].filter(
      (v) => v !== '0' || min > 0,
    );
    for (const value of bad) {
      const { scenario, problems } = await decodeHash(`#v=1&${key}=${value}`);
      expect(
        problems.map((p) => p.field),
        `${key}=${value}`,
      ).toEqual([key]);
      expect(problems[0].message).toContain(`${key} must be a whole number from ${min} to ${max}`);
      expect(scenario[name], `${key}=${value}`).toBe(DEFAULT_SCENARIO[name]);
    }
    const good = await decodeHash(`#v=1&${key}=${max}`);
    expect(good.problems).toEqual([]);
    expect(good.scenario[name]).toBe(max);
  });

  it('HKV must divide H', async () => {
    for (const value of [...NEVER_WHOLE, '0', '3', '9', '16']) {
      const { scenario, problems } = await decodeHash(`#v=1&H=8&HKV=${value}`);
      expect(
        problems.map((p) => p.field),
        `HKV=${value}`,
      ).toEqual(['HKV']);
      expect(scenario.HKV).toBe(8);
    }
    expect((await decodeHash('#v=1&H=12&HKV=3')).scenario.HKV).toBe(3);
  });

  it('b must be below B and h below H', async () => {
    const b = await decodeHash('#v=1&B=2&b=2');
    expect(b.problems.map((p) => p.field)).toEqual(['b']);
    expect(b.scenario.b).toBe(0);
    const h = await decodeHash('#v=1&H=4&HKV=4&h=4');
    expect(h.problems.map((p) => p.field)).toEqual(['h']);
    expect(h.scenario.h).toBe(0);
    expect((await decodeHash('#v=1&B=2&b=1&H=4&HKV=2&h=3')).problems).toEqual([]);
  });

  it('checks b against the fallback B when B itself is broken', async () => {
    const { scenario, problems } = await decodeHash('#v=1&B=99&b=3');
    expect(problems.map((p) => p.field)).toEqual(['B', 'b']);
    expect(scenario.B).toBe(1);
    expect(scenario.b).toBe(0);
  });

  it('view must be one of the views', async () => {
    for (const value of ['', 'Scores', 'heatmap', 'scores%00', '__proto__', 'constructor']) {
      const { scenario, problems } = await decodeHash(`#v=1&view=${value}`);
      expect(
        problems.map((p) => p.field),
        `view=${value}`,
      ).toEqual(['view']);
      expect(scenario.view).toBe('scores');
    }
  });

  it('code: too long, bad percent-encoding, lone surrogates', async () => {
    const cases = [
      `#v=1&code=${'a'.repeat(DEFAULT_URL_LIMITS.maxCodeChars + 1)}`,
      '#v=1&code=x%',
      '#v=1&code=%E0%A4%A',
      '#v=1&code=%ED%A0%80',
      '#v=1&code=%FF',
      '#v=1&code=a\uD800b',
      '#v=1&code=\uDC00',
    ];
    for (const hash of cases) {
      const { scenario, problems } = await decodeHash(hash);
      expect(
        problems.map((p) => p.field),
        hash.slice(0, 40),
      ).toEqual(['code']);
      expect(scenario.code).toBe(DEFAULT_CODE);
    }
    const ok = await decodeHash(`#v=1&code=${'a'.repeat(DEFAULT_URL_LIMITS.maxCodeChars)}`);
    expect(ok.problems).toEqual([]);
  });

  it('embed must be 1 or 0', async () => {
    const { embed, problems } = await decodeHash('#v=1&embed=yes');
    expect(embed).toBe(false);
    expect(problems.map((p) => p.field)).toEqual(['embed']);
  });

  it('keeps the good fields of a link whose other fields are broken', async () => {
    const { scenario, problems } = await decodeHash('#v=1&Q=64&KV=-1&D=abc&view=mask');
    expect(problems.map((p) => p.field)).toEqual(['KV', 'D']);
    expect(scenario).toEqual({ ...DEFAULT_SCENARIO, Q: 64, view: 'mask' });
  });

  it('the messages read as the issue asks', async () => {
    expect(await messagesOf('#v=1&Q=-5')).toMatchInlineSnapshot(`
      [
        "Q: Q=-5 in the link: Q must be a whole number from 1 to 65536",
      ]
    `);
    expect(await messagesOf('#v=1&H=8&HKV=3&B=2&b=2&h=99&view=heatmap')).toMatchInlineSnapshot(`
      [
        "HKV: HKV=3 in the link: HKV must divide H (8)",
        "view: view=heatmap in the link: view must be one of scores, probs, mask, blocks, output",
        "b: b=2 in the link: b must be a whole number from 0 to 1 (B is 2)",
        "h: h=99 in the link: h must be a whole number from 0 to 7 (H is 8)",
      ]
    `);
    expect(await messagesOf(`#v=1&code=${'a'.repeat(100_001)}&seed=${'9'.repeat(500)}`))
      .toMatchInlineSnapshot(`
      [
        "code: code in the link is 100001 characters long: code may be at most 100000 characters",
        "seed: seed=9999999999999999999999999999999999999999… in the link: seed must be a whole number from 0 to 4294967295",
      ]
    `);
    expect(await messagesOf('#v=1&code=%E0%A4%A&Q=1&Q=2&foo=1&bar&embed=2')).toMatchInlineSnapshot(`
      [
        "Q: Q appears 2 times in the link; the first (Q=1) is used",
        "embed: embed=2 in the link: embed must be 1 or 0",
        "code: code in the link is not valid percent-encoding: each % must be followed by two hex digits, and together they must spell UTF-8 text",
        "link: Unknown parameters in the link, ignored: foo, bar",
      ]
    `);
  });
});

describe('decodeHash: whole-link refusals', () => {
  it('refuses other schema versions, on the default scenario with one problem', async () => {
    for (const v of ['7', '0', '2', '01']) {
      const result = await decodeHash(`#v=${v}&Q=64`);
      expect(result.scenario).toEqual(DEFAULT_SCENARIO);
      expect(result.problems.map((p) => p.field)).toEqual(['v']);
    }
    expect(await messagesOf('#v=7&Q=64')).toMatchInlineSnapshot(`
      [
        "v: This link uses schema v=7, which this version of flexmask does not know. It may come from a newer flexmask; open it there, or ask for a link made with v=1.",
      ]
    `);
    expect(await messagesOf('#v=abc')).toMatchInlineSnapshot(`
      [
        "v: v=abc in the link: the schema version must be a whole number such as 1",
      ]
    `);
  });

  it('refuses a link over the size cap before reading it', async () => {
    const hash = `#v=1&code=${'a'.repeat(DEFAULT_URL_LIMITS.maxHashChars)}`;
    const result = await decodeHash(hash);
    expect(result.scenario).toEqual(DEFAULT_SCENARIO);
    expect(result.problems.map((p) => p.field)).toEqual(['link']);
    expect(result.problems[0].message).toMatchInlineSnapshot(
      `"The link is 1048586 characters long; flexmask reads links of up to 1048576 characters"`,
    );
  });

  it('refuses a zip bomb without unpacking all of it', async () => {
    // 64 MiB of the letter a packs to about 64 KB; it must stop at the 1 MiB cap.
    const query = `v=1&code=${'a'.repeat(64 << 20)}`;
    const hash = `#v=1&z=${bytesToBase64url(await deflateRaw(query))}`;
    expect(hash.length).toBeLessThan(200_000);
    const started = performance.now();
    const result = await decodeHash(hash);
    const ms = performance.now() - started;
    expect(result.scenario).toEqual(DEFAULT_SCENARIO);
    expect(result.problems.map((p) => `${p.field}: ${p.message}`)).toMatchInlineSnapshot(`
      [
        "z: z in the link unpacks to more than 1048576 bytes, more than any scenario needs; it was not read",
      ]
    `);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a z that unpacks past a tighter cap', async () => {
    const hash = await encodeScenario({ ...DEFAULT_SCENARIO, code: 'x = 1\n'.repeat(1000) });
    const limits = tightenLimits({ maxInflatedBytes: 1000 });
    expect((await decodeHash(hash)).problems).toEqual([]);
    expect((await decodeHash(hash, limits)).problems.map((p) => p.field)).toEqual(['z']);
  });

  it('refuses a damaged z with a specific message', async () => {
    const good = await encodeScenario({ ...DEFAULT_SCENARIO, code: 'y = 2\n'.repeat(600) });
    const cases = {
      truncated: good.slice(0, good.length - 12),
      padded: `${good}==`,
      notBase64: '#v=1&z=abc!def',
      empty: '#v=1&z=',
      garbage: '#v=1&z=AAAAAAAA',
      notUtf8: `#v=1&z=${bytesToBase64url(new Uint8Array([0x63, 0xf8, 0x0f, 0x00]))}`,
    };
    const messages: Record<string, string[]> = {};
    for (const [name, hash] of Object.entries(cases)) {
      const result = await decodeHash(hash);
      expect(result.scenario, name).toEqual(DEFAULT_SCENARIO);
      messages[name] = result.problems.map((p) => `${p.field}: ${p.message}`);
    }
    expect(messages).toMatchInlineSnapshot(`
      {
        "empty": [
          "z: z= in the link is empty",
        ],
        "garbage": [
          "z: z in the link could not be decompressed: the data is damaged or cut short",
        ],
        "notBase64": [
          "z: z in the link is not base64url (letters, digits, - and _ only) or was cut short",
        ],
        "notUtf8": [
          "z: z in the link unpacks to bytes that are not UTF-8 text",
        ],
        "padded": [
          "z: z in the link is not base64url (letters, digits, - and _ only) or was cut short",
        ],
        "truncated": [
          "z: z in the link could not be decompressed: the data is damaged or cut short",
        ],
      }
    `);
  });

  it('refuses an unknown version before decompressing', async () => {
    const result = await decodeHash('#v=9&z=not*even*base64');
    expect(result.problems.map((p) => p.field)).toEqual(['v']);
  });

  it('reports parameters beside z and a version mismatch inside z', async () => {
    const packed = (
      await encodeScenario({ ...DEFAULT_SCENARIO, code: 'z = 3\n'.repeat(400) })
    ).slice(1);
    const beside = await decodeHash(`#${packed}&Q=5`);
    expect(beside.scenario.code).toBe('z = 3\n'.repeat(400));
    expect(beside.scenario.Q).toBe(DEFAULT_SCENARIO.Q);
    expect(beside.problems.map((p) => p.field)).toEqual(['link']);
    const z = `#v=2&z=${bytesToBase64url(await deflateRaw('v=1&Q=64'))}`;
    expect((await decodeHash(z)).problems.map((p) => p.field)).toEqual(['v']);
    const inner = `#v=1&z=${bytesToBase64url(await deflateRaw('v=3&Q=64'))}`;
    expect(await messagesOf(inner)).toMatchInlineSnapshot(`
      [
        "v: The link says v=1 but its compressed part says v=3; it was edited by hand or damaged",
      ]
    `);
  });
});

describe('limits', () => {
  it('tightenLimits only lowers caps, and ignores junk', () => {
    const limits = tightenLimits({
      shape: { Q: 4096, KV: 4096, B: 100, H: Number.NaN, D: 0 },
      maxHashChars: Infinity,
    });
    expect(limits).toEqual({
      ...DEFAULT_URL_LIMITS,
      shape: { ...SHAPE_MAXIMA, Q: 4096, KV: 4096, D: 1 },
    });
  });

  it('device limits reject what the default caps allow', async () => {
    const limits = tightenLimits({ shape: { Q: 4096, KV: 4096 } });
    const { scenario, problems } = await decodeHash('#v=1&Q=8192&KV=4096', limits);
    expect(problems.map((p) => p.message)).toEqual([
      'Q=8192 in the link: Q must be a whole number from 1 to 4096',
    ]);
    expect(scenario.KV).toBe(4096);
  });

  it('falls back to the default pulled into the limits when the default itself is too large', async () => {
    const limits = tightenLimits({ shape: { H: 4, Q: 5, KV: 5 } });
    const { scenario } = await decodeHash('#v=1&H=99&Q=-1', limits);
    expect(violations(scenario, limits)).toEqual([]);
    expect(scenario.H).toBe(4);
    expect(scenario.HKV).toBe(4);
    expect(scenario.Q).toBe(5);
  });
});

describe('migrate', () => {
  it('passes v=1 through unchanged', () => {
    const params = new Map([['Q', '64']]);
    expect(migrate(params, '1')).toEqual({ ok: true, params });
  });

  it('refuses other versions with the field v', () => {
    const result = migrate(new Map(), '7');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.field).toBe('v');
  });
});

describe('validateScenario', () => {
  it('finds nothing wrong with the default scenario', () => {
    expect(validateScenario(DEFAULT_SCENARIO)).toEqual([]);
  });

  it('names each broken field of a scenario in memory', () => {
    const broken: Scenario = {
      ...DEFAULT_SCENARIO,
      Q: 0,
      HKV: 3,
      blockQ: 1.5,
      view: 'nope' as Scenario['view'],
    };
    expect(validateScenario(broken).map((p) => p.field)).toEqual(['HKV', 'Q', 'bq', 'view']);
  });
});
