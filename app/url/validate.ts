/**
 * Step 4 of decoding: check every field against the limits and fill what is missing or broken
 * with its default. Shared by links, JSON files and in-memory scenarios, so all three obey the
 * same rules. Nothing is cast: a number is read only from a whole-number text (a link) or a
 * whole JSON number (a file), then range-checked.
 */
import {
  DEFAULT_CODE,
  DEFAULT_SCENARIO,
  MAX_SEED,
  shapeField,
  VIEWS,
  type Scenario,
  type ShapeKey,
  type ViewName,
} from '../problem';
import type { LinkProblem } from './types';
import { DEFAULT_URL_LIMITS, type UrlLimits } from './limits';
import { SCENARIO_PARAMS, isScenarioParam, nameForMessage, quoteForMessage } from './schema';

/** One field as the source holds it. */
export interface FieldValue {
  /** Decoded text from a link, or any value from a JSON file or a scenario object. */
  value: unknown;
  /** The value as a message quotes it: short, and as written in the source. */
  shown: string;
}

export interface FieldSource {
  /** Where the fields came from, as messages say it: "in the link". */
  name: 'link' | 'file' | 'scenario';
  /** Whole numbers arrive as text (a link) rather than as numbers (a file, a scenario). */
  numbersAsText: boolean;
}

export interface Resolved {
  scenario: Scenario;
  problems: LinkProblem[];
}

const MAX_NAMED_UNKNOWN = 5;

/** Builds a whole, valid scenario from the fields; each broken field is one problem. */
export function resolveScenario(
  fields: ReadonlyMap<string, FieldValue>,
  source: FieldSource,
  limits: Readonly<UrlLimits> = DEFAULT_URL_LIMITS,
): Resolved {
  const problems: LinkProblem[] = [];
  const at = (key: string, shown: string): string =>
    source.name === 'file'
      ? `"${key}": ${shown} in the file`
      : `${key}=${shown} in the ${source.name}`;

  /** A whole number in [min, max], else the default pulled into that range. */
  const whole = (key: string, min: number, max: number, fallback: number, note = ''): number => {
    const field = fields.get(key);
    const safeFallback = Math.min(max, Math.max(min, fallback));
    if (field === undefined) return safeFallback;
    const n = readWholeNumber(field.value, source.numbersAsText);
    if (n !== null && n >= min && n <= max) return n;
    problems.push({
      field: key,
      message: `${at(key, field.shown)}: ${key} must be a whole number from ${min} to ${max}${note}`,
    });
    return safeFallback;
  };

  const code = readCode(fields.get('code'), source, limits, problems);
  const size = (key: ShapeKey, linkKey: string = key): number => {
    const { min } = shapeField(key);
    return whole(linkKey, min, limits.shape[key], DEFAULT_SCENARIO[key]);
  };
  const B = size('B');
  const H = size('H');
  const HKV = readKeyValueHeads(fields.get('HKV'), H, source, at, problems);
  const Q = size('Q');
  const KV = size('KV');
  const D = size('D');
  const DV = size('DV');
  const blockQ = size('blockQ', 'bq');
  const blockKV = size('blockKV', 'bkv');
  const seed = whole('seed', 0, MAX_SEED, DEFAULT_SCENARIO.seed);
  const view = readView(fields.get('view'), at, problems);
  const b = whole('b', 0, B - 1, DEFAULT_SCENARIO.b, ` (B is ${B})`);
  const h = whole('h', 0, H - 1, DEFAULT_SCENARIO.h, ` (H is ${H})`);

  const unknown = [...fields.keys()].filter((key) => !isScenarioParam(key));
  if (unknown.length > 0) problems.push(unknownKeysProblem(unknown, source.name));

  const scenario: Scenario = { code, B, H, HKV, Q, KV, D, DV, blockQ, blockKV, seed, view, b, h };
  return { scenario, problems };
}

/** The problems of a scenario already in memory (none for any scenario a decoder returned). */
export function validateScenario(
  scenario: Scenario,
  limits: Readonly<UrlLimits> = DEFAULT_URL_LIMITS,
): LinkProblem[] {
  const fields = new Map<string, FieldValue>();
  for (const [key, name] of SCENARIO_PARAMS) {
    const value: unknown = scenario[name];
    fields.set(key, { value, shown: key === 'code' ? '…' : describeValue(value) });
  }
  return resolveScenario(fields, { name: 'scenario', numbersAsText: false }, limits).problems;
}

/** A short rendering of any value for a message, whatever its type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(quoteForMessage(value));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return '[…]';
  return typeof value === 'object' ? '{…}' : typeof value;
}

function readWholeNumber(value: unknown, numbersAsText: boolean): number | null {
  if (numbersAsText) {
    // Digits only: no sign, exponent, point, space, hex or non-ASCII digits. Twelve digits
    // bound the text before Number() reads it; every cap is far below 10^12.
    if (typeof value !== 'string' || !/^[0-9]{1,12}$/.test(value)) return null;
    return Number(value);
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return null;
  return value === 0 ? 0 : value; // -0 reads as 0, so it prints and compares as 0
}

function readCode(
  field: FieldValue | undefined,
  source: FieldSource,
  limits: Readonly<UrlLimits>,
  problems: LinkProblem[],
): string {
  if (field === undefined) return DEFAULT_CODE;
  const where = `code in the ${source.name}`;
  const fail = (message: string): string => {
    problems.push({ field: 'code', message: `${where} ${message}` });
    return DEFAULT_CODE;
  };
  if (typeof field.value !== 'string') return fail(`is ${field.shown}: code must be text`);
  const code = field.value;
  if (code.length > limits.maxCodeChars) {
    return fail(
      `is ${code.length} characters long: code may be at most ${limits.maxCodeChars} characters`,
    );
  }
  if (hasLoneSurrogate(code)) {
    return fail('contains an unpaired UTF-16 surrogate, which is not text');
  }
  return code;
}

/** HKV must divide H (grouped-query attention shares each K/V head among H / HKV query heads). */
function readKeyValueHeads(
  field: FieldValue | undefined,
  H: number,
  source: FieldSource,
  at: (key: string, shown: string) => string,
  problems: LinkProblem[],
): number {
  // Without a usable HKV: the default when it fits this H, else H itself (no grouping), which
  // always divides H.
  const fallback =
    DEFAULT_SCENARIO.HKV <= H && H % DEFAULT_SCENARIO.HKV === 0 ? DEFAULT_SCENARIO.HKV : H;
  if (field === undefined) return fallback;
  const n = readWholeNumber(field.value, source.numbersAsText);
  if (n !== null && n >= 1 && n <= H && H % n === 0) return n;
  const why =
    n !== null && n >= 1 && n <= H
      ? `HKV must divide H (${H})`
      : `HKV must be a whole number from 1 to ${H} that divides H (${H})`;
  problems.push({ field: 'HKV', message: `${at('HKV', field.shown)}: ${why}` });
  return fallback;
}

function readView(
  field: FieldValue | undefined,
  at: (key: string, shown: string) => string,
  problems: LinkProblem[],
): ViewName {
  if (field === undefined) return DEFAULT_SCENARIO.view;
  const found = VIEWS.find((view) => view === field.value);
  if (found !== undefined) return found;
  problems.push({
    field: 'view',
    message: `${at('view', field.shown)}: view must be one of ${VIEWS.join(', ')}`,
  });
  return DEFAULT_SCENARIO.view;
}

function unknownKeysProblem(keys: string[], sourceName: string): LinkProblem {
  const named = keys.slice(0, MAX_NAMED_UNKNOWN).map(nameForMessage);
  const more =
    keys.length > MAX_NAMED_UNKNOWN ? `, and ${keys.length - MAX_NAMED_UNKNOWN} more` : '';
  const noun = (sourceName === 'link' ? 'parameter' : 'field') + (keys.length === 1 ? '' : 's');
  return {
    field: sourceName,
    message: `Unknown ${noun} in the ${sourceName}, ignored: ${named.join(', ')}${more}`,
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
