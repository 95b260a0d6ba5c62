/**
 * The scenario as a JSON file (the share dialog's download), read back through the same
 * migrate-and-validate steps as a link. The file uses the link's keys (`bq`, `bkv`) and always
 * writes every field, with real JSON numbers; reading it accepts JSON numbers only.
 */
import { jsonTooDeep } from '../tensors/bounded';
import { DEFAULT_SCENARIO, type Scenario } from '../problem';
import type { DecodeResult, LinkProblem } from './types';
import { type UrlLimits, DEFAULT_URL_LIMITS, MAX_LINK_PARAMS } from './limits';
import { migrate } from './migrate';
import { CURRENT_VERSION, SCENARIO_PARAMS, VERSION_KEY, quoteForMessage } from './schema';
import { type FieldValue, describeValue, resolveScenario } from './validate';

/**
 * Deepest nesting read in a scenario file: a scenario is one flat object. Checked on the text
 * before JSON.parse, so no walk over the parsed value (describeValue, migrate) goes deeper.
 */
export const MAX_SCENARIO_JSON_DEPTH = 16;

export function scenarioToJson(s: Scenario): string {
  const file: Record<string, string | number> = { [VERSION_KEY]: Number(CURRENT_VERSION) };
  for (const [key, name] of SCENARIO_PARAMS) file[key] = s[name];
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function scenarioFromJson(
  text: string,
  limits: Readonly<UrlLimits> = DEFAULT_URL_LIMITS,
): DecodeResult {
  if (text.length > limits.maxHashChars) {
    return fatal(
      `The file is ${text.length} characters long; flexmask reads scenario files of up to ${limits.maxHashChars} characters`,
    );
  }
  const deep = jsonTooDeep(text, MAX_SCENARIO_JSON_DEPTH);
  if (deep !== null) {
    return fatal(
      `The file nests more than ${MAX_SCENARIO_JSON_DEPTH} levels deep (at character ` +
        `${deep.offset}); a flexmask scenario is one flat JSON object such as {"v": 1, "code": "..."}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Expected for any file that is not JSON (SyntaxError).
    const detail = error instanceof Error ? `: ${quoteForMessage(error.message, 120)}` : '';
    return fatal(`The file is not valid JSON${detail}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fatal(
      `The file holds ${jsonKind(parsed)}, not a flexmask scenario (a JSON object such as {"v": 1, "code": "..."})`,
    );
  }
  const keys = Object.keys(parsed).length;
  if (keys > MAX_LINK_PARAMS) {
    return fatal(
      `The file holds ${keys.toLocaleString('en-US')} keys; flexmask reads scenario files of up to ${MAX_LINK_PARAMS.toLocaleString('en-US')} (a scenario uses at most 24)`,
    );
  }
  const entries = new Map<string, unknown>(Object.entries(parsed));
  const version = readVersion(entries.get(VERSION_KEY));
  const migrated = migrate(entries, version, 'file');
  if (!migrated.ok) return fatal(migrated.problem.message, migrated.problem.field);

  const fields = new Map<string, FieldValue>();
  for (const [key, value] of migrated.params) {
    if (key !== VERSION_KEY) fields.set(key, { value, shown: describeValue(value) });
  }
  const resolved = resolveScenario(fields, { name: 'file', numbersAsText: false }, limits);
  return {
    scenario: resolved.scenario,
    embed: false,
    panel: null,
    uploaded: [],
    problems: resolved.problems,
  };
}

/** What a parsed JSON value is, in words. */
function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/** The file's `v` as the migration step reads versions: a JSON whole number, as its digits. */
function readVersion(value: unknown): string {
  if (value === undefined) return CURRENT_VERSION;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return describeValue(value);
}

function fatal(message: string, field = 'file'): DecodeResult {
  const problems: LinkProblem[] = [{ field, message }];
  return { scenario: { ...DEFAULT_SCENARIO }, embed: false, panel: null, uploaded: [], problems };
}
