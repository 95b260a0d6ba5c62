/** Every committed golden link (see golden/README.md) still opens to its recorded scenario. */
import { describe, expect, it } from 'vitest';
import { decodeHash } from './decode';
import { violations } from '../../testing/randomScenarios';
import type { Scenario } from '../problem';
import { compile } from '../mask/compile';
import { goldenCases } from './golden/cases';

const files = import.meta.glob<string>('./golden/*.json', {
  query: '?raw',
  import: 'default',
  eager: true,
});

interface Golden {
  hash: string;
  scenario: Scenario;
  embed?: boolean;
}

function readGolden(path: string, text: string): Golden {
  const parsed: unknown = JSON.parse(text);
  const golden = parsed as Golden;
  expect(typeof golden.hash, `${path}: "hash" must be a string`).toBe('string');
  expect(violations(golden.scenario), `${path}: "scenario" must be a valid scenario`).toEqual([]);
  return golden;
}

describe('golden links', () => {
  const entries = Object.entries(files);
  if (entries.length === 0) it.todo('none committed yet (app/url/golden/*.json)');
  it.each(entries)('%s still decodes to its scenario', async (path, text) => {
    const golden = readGolden(path, text);
    const result = await decodeHash(golden.hash);
    expect(result.problems).toEqual([]);
    expect(result.scenario).toEqual(golden.scenario);
    expect(result.embed).toBe(golden.embed ?? false);
  });
});

/** The dense mask and scores of a program at a scenario's size, row by row. */
function denseOf(code: string, s: Scenario): string[] {
  const program = compile(code);
  const rows: string[] = [];
  for (let b = 0; b < s.B; b += 1)
    for (let h = 0; h < s.H; h += 1)
      for (let q = 0; q < s.Q; q += 1) {
        let row = `b${b} h${h} q${q} `;
        for (let kv = 0; kv < s.KV; kv += 1) {
          row += program.mask(b, h, q, kv) ? '1' : '0';
          row += `${Math.round(program.score(1.5, b, h, q, kv) * 1e4) / 1e4},`;
        }
        rows.push(row);
      }
  return rows;
}

describe('golden links open to the same masks', () => {
  // Each committed link's program (written with the presets as they were then) compiles today
  // and means what the same scenario built from today's presets means, cell by cell.
  const cases = new Map(goldenCases().map((c) => [c.name, c]));
  it.each(Object.entries(files))('%s', (path, text) => {
    const golden = readGolden(path, text);
    const name = path.replace(/^.*\/v1-(readable|compressed|embed)-/, '').replace(/\.json$/, '');
    const current = cases.get(name);
    expect(current, `no golden case named ${name}`).toBeDefined();
    if (!current) return;
    expect(denseOf(golden.scenario.code, golden.scenario)).toEqual(
      denseOf(current.scenario.code, golden.scenario),
    );
  });
});
