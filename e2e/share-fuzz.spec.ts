import { FIRST_VISIT } from './engineStorage';
import { expect, test, type Page } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCENARIO, type Scenario } from '../app/problem';
import { decodeHash, type DecodeResult } from '../app/url';
import { bytesToBase64url } from '../app/url/base64url';
import { deflateRaw } from '../app/url/compress';
import { seededFloats } from '../testing/randomScenarios';
import { finishedRuns, runsAfter, watchErrors } from './helpers';

// What a first visit gets: the page chooses the engine itself (on this machine's software
// adapter, usually the CPU engine).
test.use({ storageState: FIRST_VISIT });

// The issue's page fuzz: hostile and damaged links opened in the real page. Each must leave the
// page responsive within 2 s, showing a picture or a clear error (a compile or run error, or the
// link-problems banner), with no page error and no console error. Mutations that ask for huge
// sizes are refused by validation (the caps), so none of them reaches the GPU.

const CASES = 280;
const TIME_LIMIT_MS = 150_000;
const SETTLE_MS = 2_000;
/** Every so many cases the link is opened by a full page load instead of a pasted hash. */
const RELOAD_EVERY = 40;
/** Set to a printed seed to replay a failure. */
const REPLAY_SEED: number | null = null;

type Rand = () => number;

const golden: string[] = readdirSync('app/url/golden')
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) => (JSON.parse(readFileSync(join('app/url/golden', f), 'utf8')) as { hash: string }).hash,
  );

const NUMERIC_KEYS = ['B', 'H', 'HKV', 'Q', 'KV', 'D', 'DV', 'bq', 'bkv', 'seed', 'b', 'h'];
/** Values a link's number may hold that validation must refuse (or, for small ones, accept). */
const NASTY_NUMBERS = [
  '-5',
  '-1',
  '0',
  '-0',
  'NaN',
  'Infinity',
  '1e309',
  '1.5',
  '0x10',
  '99999999999999999999999',
  '4294967296',
  '9007199254740993',
  '%2B7',
  '７',
  '',
  'null',
  '[1]',
  '%',
  '%zz',
  '😀',
  '1%00',
];
const SMALL_NUMBERS = ['1', '2', '3', '4', '8', '16', '24'];
const PAYLOADS = [
  "__import__('os').system('rm -rf /')",
  "eval('1+1')",
  "open('/etc/passwd').read()",
  '`rm -rf /`',
  '</script><script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  ['javascript', 'alert(1)'].join(':'), // in two parts: the lint bans script URLs in source
  'fn main() {}',
  '@group(0) @binding(0) var<storage, read_write> out: array<f32>;',
  '@compute @workgroup_size(64) fn k() { loop {} }',
  '}\nfn mask_mod_0(b: i32) -> bool { loop {} }\n',
  'def mask_mod(b, h, q_idx, kv_idx):\n    return eval("q_idx >= kv_idx")',
  'def mask_mod(b, h, q_idx, kv_idx):\n    return __import__("os") == q_idx',
  'def mask_mod(b, h, q_idx, kv_idx):\n    return open(q_idx)',
  'mask_mod = lambda b, h, q_idx, kv_idx: `q_idx`',
  '{{constructor.constructor("alert(1)")()}}',
  '\u202eevil\u202c',
  '\uFEFF\u200B\u00A0',
];
const UNICODE = [
  'é',
  '中文',
  '😀',
  '\u0301',
  '\u200d',
  'ﷺ',
  '𝔘',
  '\u0000',
  '\uFFFF',
  'ß',
  '\u2028',
];

function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)];
}

function int(rand: Rand, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

/** Puts `key=value` first after `v=1`, so it is the value a link reader uses. */
function withParam(hash: string, key: string, value: string): string {
  const body = hash.replace(/^#/, '').replace(/^v=1&?/, '');
  return `#v=1&${key}=${value}${body ? `&${body}` : ''}`;
}

/** A readable link to a small program (so a run stays quick on a software GPU). */
function programLink(code: string, rand: Rand): string {
  const Q = int(rand, 1, 24);
  return `#v=1&code=${encodeURIComponent(code)}&Q=${Q}&KV=${int(rand, 1, 24)}&H=${int(rand, 1, 2)}`;
}

function nestedProgram(depth: number): string {
  return `def mask_mod(b, h, q_idx, kv_idx):\n    return ${'('.repeat(depth)}q_idx${')'.repeat(depth)} >= kv_idx\n`;
}

interface Case {
  kind: string;
  hash: string;
}

async function makeCase(rand: Rand): Promise<Case> {
  const base = pick(rand, golden);
  const kinds = [
    'golden',
    'truncated',
    'flipped',
    'double-encoded',
    'nasty-number',
    'small-sizes',
    'huge-size',
    'payload',
    'nested',
    'unicode',
    'huge-string',
    'version',
    'z-junk',
    'z-valid',
    'embed',
    'unknown-keys',
  ];
  const kind = pick(rand, kinds);
  switch (kind) {
    case 'golden':
      return { kind, hash: base };
    case 'truncated':
      return { kind, hash: base.slice(0, int(rand, 1, base.length - 1)) };
    case 'flipped': {
      const at = int(rand, 1, base.length - 1);
      const junk = pick(rand, ['%', '&', '=', '#', '~', 'Z', '0', '%C3', '%00', '+']);
      return { kind, hash: `${base.slice(0, at)}${junk}${base.slice(at + 1)}` };
    }
    case 'double-encoded':
      return { kind, hash: `#${encodeURIComponent(base.slice(1))}` };
    case 'nasty-number':
      return { kind, hash: withParam(base, pick(rand, NUMERIC_KEYS), pick(rand, NASTY_NUMBERS)) };
    case 'small-sizes':
      return { kind, hash: withParam(base, pick(rand, NUMERIC_KEYS), pick(rand, SMALL_NUMBERS)) };
    case 'huge-size':
      return {
        kind,
        hash: withParam(base, pick(rand, ['B', 'H', 'Q', 'KV', 'D', 'DV', 'bq']), '16385000'),
      };
    case 'payload': {
      const payload = pick(rand, PAYLOADS);
      return rand() < 0.5
        ? { kind, hash: programLink(payload, rand) }
        : { kind, hash: withParam(base, pick(rand, ['view', 'Q', 'embed', 'x']), payload) };
    }
    case 'nested':
      return { kind, hash: programLink(nestedProgram(int(rand, 50, 3000)), rand) };
    case 'unicode': {
      const text = Array.from({ length: int(rand, 1, 30) }, () => pick(rand, UNICODE)).join('');
      return rand() < 0.5
        ? { kind, hash: programLink(`# ${text}\nmask_mod = noop_mask\n`, rand) }
        : { kind, hash: `#v=1&${text}=${text}&Q=${text}` };
    }
    case 'huge-string': {
      const size = int(rand, 90_000, 110_000);
      return rand() < 0.5
        ? { kind, hash: programLink(`# ${'x'.repeat(size)}\nmask_mod = noop_mask\n`, rand) }
        : { kind, hash: withParam(base, pick(rand, ['code', 'view', 'junk']), 'y'.repeat(size)) };
    }
    case 'version':
      return { kind, hash: base.replace('v=1', pick(rand, ['v=2', 'v=0', 'v=', 'v=-1', 'v=1.0'])) };
    case 'z-junk':
      return { kind, hash: `#v=1&z=${pick(rand, ['', '!!!', 'AAAA', base.slice(1, 40), 'eJzz'])}` };
    case 'z-valid': {
      const inner = base.startsWith('#v=1&z=') ? 'v=1&Q=5' : base.slice(1);
      const packed = bytesToBase64url(await deflateRaw(inner));
      return { kind, hash: `#v=1&z=${packed.slice(0, rand() < 0.7 ? packed.length : 9)}` };
    }
    case 'embed':
      return { kind, hash: `${base}&embed=${pick(rand, ['1', '1', '2', 'true'])}` };
    default:
      return { kind: 'unknown-keys', hash: `${base}&__proto__=1&constructor=x&=&&a` };
  }
}

interface Outcome {
  ms: number;
  shown: 'picture' | 'compile-error' | 'run-error' | 'error in an embed';
  embed: boolean;
}

/** The run state of whichever view is on screen (the app or an embed), and the hash. */
async function runState(page: Page): Promise<{ state: string; hash: string }> {
  return page.evaluate(() => {
    const status =
      document.querySelector('[data-testid="run-status"]') ??
      document.querySelector('[data-testid="embed-page"]');
    return { state: status?.getAttribute('data-state') ?? 'missing', hash: window.location.hash };
  });
}

/** Compares the parts of two scenarios that make the runner run again (all but the view). */
function sameRun(a: Scenario | null, b: Scenario): boolean {
  if (a === null) return false;
  return (Object.keys(b) as (keyof Scenario)[]).every((k) => k === 'view' || a[k] === b[k]);
}

test('hostile links leave the page responsive, with a picture or a clear error', async ({
  page,
}) => {
  test.setTimeout(TIME_LIMIT_MS + 60_000);
  const seed = REPLAY_SEED ?? Math.floor(Math.random() * 2 ** 31);
  const rand = seededFloats(seed);
  const errors = watchErrors(page);
  const cases: Case[] = [];
  for (let i = 0; i < CASES; i++) cases.push(await makeCase(rand));
  // Every preset's golden link opens as it is, too.
  cases.push(...golden.map((hash) => ({ kind: 'golden', hash })));

  await page.goto('./');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  let shown: Scenario | null = DEFAULT_SCENARIO;
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  let slowest = { ms: 0, kind: '', hash: '' };
  const started = Date.now();
  let done = 0;

  for (const [i, c] of cases.entries()) {
    if (Date.now() - started > TIME_LIMIT_MS) break;
    const where = `seed ${seed}, case ${i} (${c.kind}): ${c.hash.slice(0, 160)}`;
    const before = await runState(page);
    const runsBefore = await finishedRuns(page);
    const t0 = Date.now();
    if (i % RELOAD_EVERY === RELOAD_EVERY - 1) {
      await page.goto(`./${c.hash}`);
    } else {
      await page.evaluate((hash) => {
        window.location.hash = hash;
      }, c.hash);
    }
    const reloaded = i % RELOAD_EVERY === RELOAD_EVERY - 1;
    // The hash as the browser keeps it (it percent-encodes some characters, drops tabs and
    // newlines) is what the page decodes; decode the same here for what it must show.
    const seen = await page.evaluate(() => window.location.hash);
    const expected: DecodeResult = await decodeHash(seen);
    const changed = reloaded || seen !== before.hash;
    const runExpected = reloaded || !sameRun(shown, expected.scenario);

    let outcome: Outcome | null = null;
    if (changed) {
      // Wait for the run the link starts (when its scenario differs from the one shown) to end.
      // A link that changes no run changes only the banner and the view, which the checks below
      // wait for.
      await expect
        .poll(
          async () => {
            const now = await runState(page);
            if (now.state === 'running' || now.state === 'idle' || now.state === 'missing') {
              return now.state;
            }
            if (runExpected && !reloaded && (await runsAfter(page, runsBefore)) === 0) {
              return 'waiting';
            }
            return 'settled';
          },
          { message: where, timeout: SETTLE_MS + 3_000, intervals: [10, 20, 40] },
        )
        .toBe('settled');
    }
    const ms = Date.now() - t0;
    // Responsive: script runs, and the page's frame (header or embed) is on screen.
    expect(await page.evaluate(() => 1 + 1), where).toBe(2);
    // The app shows the embed view for embed=1 (a teaching panel only from the first load).
    const embed = expected.embed;
    if (embed) await expect(page.getByTestId('embed-page'), where).toBeVisible();
    else await expect(page.getByRole('heading', { name: 'flexmask' }), where).toBeVisible();

    const state = (await runState(page)).state;
    if (state === 'done') {
      await expect(page.getByTestId('figure-cells'), where).toBeVisible();
      outcome = { ms, shown: 'picture', embed };
    } else {
      expect(state, where).toBe('error');
      const message = embed
        ? page.getByTestId('embed-error')
        : page.getByTestId('compile-error').or(page.getByTestId('run-error'));
      await expect(message, where).toBeVisible();
      expect((await message.textContent())?.trim().length ?? 0, where).toBeGreaterThan(10);
      const compile = !embed && (await page.getByTestId('compile-error').count()) > 0;
      const kind = embed ? 'error in an embed' : compile ? 'compile-error' : 'run-error';
      outcome = { ms, shown: kind, embed };
    }
    // Link problems are named on the page, exactly as many as the decoder finds.
    if (expected.problems.length > 0) {
      await expect(page.getByTestId('link-problems'), where).toHaveAttribute(
        'data-count',
        String(expected.problems.length),
      );
      count('link problems');
    } else {
      await expect(page.getByTestId('link-problems'), where).toHaveCount(0);
    }
    count(outcome.shown);
    if (outcome.embed) count('embed');
    expect(ms, `${where}: took ${ms} ms`).toBeLessThan(SETTLE_MS);
    if (ms > slowest.ms) slowest = { ms, kind: c.kind, hash: c.hash.slice(0, 120) };
    shown = expected.scenario;
    done++;
  }

  const figures = [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(
    `page fuzz: seed ${seed}, ${done} links in ${((Date.now() - started) / 1000).toFixed(1)} s: ${figures}; ` +
      `slowest ${slowest.ms} ms (${slowest.kind}): ${slowest.hash}`,
  );
  expect(done, `seed ${seed}: too few links in the time`).toBeGreaterThanOrEqual(300);
  expect(errors, `seed ${seed}`).toEqual([]);
});
