/**
 * Schema v1 of a share link: `#v=1&code=..&B=..&H=..&HKV=..&Q=..&KV=..&D=..&DV=..&bq=..&bkv=..
 * &seed=..&view=..&b=..&h=..`, or `#v=1&z=<base64url of deflate-raw of that query string>`, with
 * an optional `&embed=1` after either. The same keys name the fields of a scenario JSON file.
 */
import type { Scenario } from '../state/scenario';

export const CURRENT_VERSION = '1';

/** Scenario fields in the order a link writes them, with the key each has in a link. */
export const SCENARIO_PARAMS = [
  ['code', 'code'],
  ['B', 'B'],
  ['H', 'H'],
  ['HKV', 'HKV'],
  ['Q', 'Q'],
  ['KV', 'KV'],
  ['D', 'D'],
  ['DV', 'DV'],
  ['bq', 'blockQ'],
  ['bkv', 'blockKV'],
  ['seed', 'seed'],
  ['view', 'view'],
  ['b', 'b'],
  ['h', 'h'],
] as const satisfies readonly (readonly [string, keyof Scenario])[];

export type ScenarioParam = (typeof SCENARIO_PARAMS)[number][0];

/** Keys a link may carry besides the scenario's own. */
export const VERSION_KEY = 'v';
export const COMPRESSED_KEY = 'z';
export const EMBED_KEY = 'embed';

const SCENARIO_KEYS: ReadonlySet<string> = new Set(SCENARIO_PARAMS.map(([key]) => key));

export function isScenarioParam(key: string): key is ScenarioParam {
  return SCENARIO_KEYS.has(key);
}

/** Whether a link key means something to flexmask (a scenario field, `v`, `z` or `embed`). */
export function isKnownKey(key: string): boolean {
  return isScenarioParam(key) || key === VERSION_KEY || key === COMPRESSED_KEY || key === EMBED_KEY;
}

/** A parameter name as a message shows it; an empty one (`&=1`) would be invisible. */
export function nameForMessage(key: string): string {
  return key === '' ? '(empty name)' : quoteForMessage(key, 20);
}

/** Shortens a value quoted in a message, so a 1 MB parameter gives a readable sentence. */
export function quoteForMessage(text: string, max = 40): string {
  const chars = Array.from(text.length > max * 2 ? text.slice(0, max * 2) : text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}
