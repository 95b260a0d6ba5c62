/** Every committed golden link (see golden/README.md) still opens to its recorded scenario. */
import { describe, expect, it } from 'vitest';
import { decodeHash } from './decode';
import { violations } from './testScenarios';
import type { Scenario } from '../state/scenario';

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
