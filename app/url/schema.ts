/**
 * Schema v1 of a share link: `#v=1&code=..&B=..&H=..&HKV=..&Q=..&KV=..&D=..&DV=..&bq=..&bkv=..
 * &seed=..&view=..&b=..&h=..`, or `#v=1&z=<base64url of deflate-raw of that query string>`. After
 * either may come the link's extras, which are not part of the scenario: `uploaded=q,k` (inputs
 * the author had uploaded; the link opens them as seeded random stand-ins), `embed=1` (the
 * figure alone, for an iframe) and `panel=explain|walkthrough` (a teaching panel beside it, set
 * up by the keys in TEACHING_EMBED_KEYS). The scenario keys name the fields of a JSON file too.
 */
import type { Scenario } from '../problem';

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
export const PANEL_KEY = 'panel';
export const UPLOADED_KEY = 'uploaded';

/** Keys that ride beside the scenario (outside `z=` in a compressed link). */
export const EXTRA_KEYS: readonly string[] = [UPLOADED_KEY, EMBED_KEY, PANEL_KEY];

/** The teaching embed's own keys (decode.ts reads them), known with embed=1. */
export const TEACHING_EMBED_KEYS: readonly string[] = ['preset', 'block', 'q', 'kv', 'row'];

/** What `preset=` may hold: an id as the presets name themselves (app/mask/presets). */
export const PRESET_ID_PATTERN = /^[a-z0-9_]{1,64}$/;
/** The largest square block size `block=` may ask for. */
export const TEACHING_BLOCK_MAX = 256;
/** The largest token index `q=`, `kv=` and `row=` may name (a cell past the run is not shown). */
export const TEACHING_INDEX_MAX = 1 << 20;

export const PANELS = ['explain', 'walkthrough'] as const;
export type PanelName = (typeof PANELS)[number];

/** The attention inputs, in the order `uploaded=` lists them. */
export const LINK_INPUTS = ['q', 'k', 'v'] as const;
export type LinkInput = (typeof LINK_INPUTS)[number];

const SCENARIO_KEYS: ReadonlySet<string> = new Set(SCENARIO_PARAMS.map(([key]) => key));

export function isScenarioParam(key: string): key is ScenarioParam {
  return SCENARIO_KEYS.has(key);
}

/** Whether a link key means something to flexmask (a scenario field, `v`, `z` or an extra). */
export function isKnownKey(key: string): boolean {
  return (
    isScenarioParam(key) ||
    key === VERSION_KEY ||
    key === COMPRESSED_KEY ||
    EXTRA_KEYS.includes(key)
  );
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
