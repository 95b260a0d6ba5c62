/**
 * Reading a link: split, decompress (`z=`), migrate, validate, fill defaults. Every string
 * gives a whole scenario; what was wrong comes back as problems, each naming its field.
 */
import { DEFAULT_SCENARIO } from '../problem';
import type { DecodeResult, LinkProblem, TeachingEmbedKeys } from './types';
import { type UrlLimits, DEFAULT_URL_LIMITS } from './limits';
import { base64urlToBytes } from './base64url';
import { inflateRawCapped } from './compress';
import { migrate } from './migrate';
import {
  COMPRESSED_KEY,
  CURRENT_VERSION,
  EMBED_KEY,
  EXTRA_KEYS,
  LINK_INPUTS,
  PANELS,
  PANEL_KEY,
  PRESET_ID_PATTERN,
  TEACHING_BLOCK_MAX,
  TEACHING_EMBED_KEYS,
  TEACHING_INDEX_MAX,
  UPLOADED_KEY,
  VERSION_KEY,
  isScenarioParam,
  nameForMessage,
  quoteForMessage,
  type LinkInput,
  type PanelName,
} from './schema';
import { percentDecode, queryOfHash, splitQuery, tooManyParams } from './split';
import { type FieldValue, resolveScenario } from './validate';

export async function decodeHash(
  hash: string,
  limits: Readonly<UrlLimits> = DEFAULT_URL_LIMITS,
): Promise<DecodeResult> {
  if (hash.length > limits.maxHashChars) {
    return fatal(
      'link',
      `The link is ${hash.length} characters long; flexmask reads links of up to ${limits.maxHashChars} characters`,
    );
  }
  const query = queryOfHash(hash);
  const crowded = tooManyParams(query, 'link');
  if (crowded !== null) return fatal('link', crowded);
  const outer = splitQuery(query, 'link');
  const packed = outer.params.get(COMPRESSED_KEY);
  if (packed === undefined) return decodeParams(outer.params, outer.problems, limits);

  // Refuse an unknown version before spending any work on decompression.
  const outerVersion = outer.params.get(VERSION_KEY);
  if (outerVersion !== undefined) {
    const refused = migrate(new Map(), outerVersion);
    if (!refused.ok) return fatal(refused.problem.field, refused.problem.message);
  }
  const inflated = await inflateParam(packed, limits);
  if (typeof inflated !== 'string') return fatal(inflated.field, inflated.message);
  const crowdedInside = tooManyParams(inflated, 'compressed link');
  if (crowdedInside !== null) return fatal('z', crowdedInside);
  const inner = splitQuery(inflated, 'compressed link');
  const innerVersion = inner.params.get(VERSION_KEY);
  if (outerVersion !== undefined && innerVersion !== undefined && innerVersion !== outerVersion) {
    return fatal(
      'v',
      `The link says v=${quoteForMessage(outerVersion)} but its compressed part says v=${quoteForMessage(innerVersion)}; it was edited by hand or damaged`,
    );
  }
  const problems = [...outer.problems, ...inner.problems];
  const params = new Map(inner.params);
  if (innerVersion === undefined && outerVersion !== undefined) {
    params.set(VERSION_KEY, outerVersion);
  }
  if (params.has(COMPRESSED_KEY)) {
    params.delete(COMPRESSED_KEY);
    problems.push({
      field: 'z',
      message: 'The compressed link holds another z=, which was ignored',
    });
  }
  const ignored: string[] = [];
  const outerEmbed = outer.params.get(EMBED_KEY) === '1';
  for (const [key, value] of outer.params) {
    if (isOuterKey(key, outerEmbed)) params.set(key, value);
    else if (key !== VERSION_KEY && key !== COMPRESSED_KEY) ignored.push(nameForMessage(key));
  }
  if (ignored.length > 0) {
    const more = ignored.length > 5 ? `, and ${ignored.length - 5} more` : '';
    problems.push({
      field: 'link',
      message: `Parameters beside z= in the link were ignored (a compressed link carries the whole scenario inside z): ${ignored.slice(0, 5).join(', ')}${more}`,
    });
  }
  return decodeParams(params, problems, limits);
}

/** Migrate, percent-decode and validate one flat set of raw parameters. */
function decodeParams(
  raw: Map<string, string>,
  earlier: LinkProblem[],
  limits: Readonly<UrlLimits>,
): DecodeResult {
  const version = raw.get(VERSION_KEY) ?? CURRENT_VERSION;
  const migrated = migrate(raw, version);
  if (!migrated.ok) return fatal(migrated.problem.field, migrated.problem.message);

  const problems = [...earlier];
  const embed = readEmbed(migrated.params.get(EMBED_KEY), problems);
  const panel = readPanel(migrated.params.get(PANEL_KEY), problems);
  const uploaded = readUploaded(migrated.params.get(UPLOADED_KEY), problems);
  const fields = new Map<string, FieldValue>();
  for (const [key, value] of migrated.params) {
    if (key === VERSION_KEY || EXTRA_KEYS.includes(key)) continue;
    // The teaching embed's own keys (read below) mean nothing without embed=1, and are
    // reported as unknown then.
    if (embed && TEACHING_EMBED_KEYS.includes(key)) continue;
    const text = isScenarioParam(key) ? percentDecode(value) : value;
    if (text === null) {
      problems.push({
        field: key,
        message: `${key} in the link is not valid percent-encoding: each % must be followed by two hex digits, and together they must spell UTF-8 text`,
      });
      continue;
    }
    fields.set(key, { value: text, shown: quoteForMessage(value) });
  }
  const teaching =
    embed && panel !== null ? readTeachingKeys(migrated.params, problems) : undefined;
  const resolved = resolveScenario(fields, { name: 'link', numbersAsText: true }, limits);
  return {
    scenario: resolved.scenario,
    embed,
    panel,
    uploaded,
    ...(teaching ? { teaching } : {}),
    problems: [...problems, ...resolved.problems],
  };
}

/** The teaching embed's keys: each valid one read, each invalid one null and a problem. */
function readTeachingKeys(
  params: ReadonlyMap<string, string>,
  problems: LinkProblem[],
): TeachingEmbedKeys {
  const read = <T>(key: string, parse: (raw: string) => T | null, rule: string): T | null => {
    const raw = params.get(key);
    if (raw === undefined) return null;
    const value = parse(raw);
    if (value === null) {
      problems.push({
        field: key,
        message: `${key}=${quoteForMessage(raw)} in the link: ${key} must be ${rule}`,
      });
    }
    return value;
  };
  const index = (raw: string) => wholeNumber(raw, 0, TEACHING_INDEX_MAX);
  const indexRule = `a whole number from 0 to ${TEACHING_INDEX_MAX}`;
  return {
    preset: read(
      'preset',
      (raw) => (PRESET_ID_PATTERN.test(raw) ? raw : null),
      "a preset's id (lower-case letters, digits and _)",
    ),
    block: read(
      'block',
      (raw) => wholeNumber(raw, 1, TEACHING_BLOCK_MAX),
      `a whole number from 1 to ${TEACHING_BLOCK_MAX}`,
    ),
    q: read('q', index, indexRule),
    kv: read('kv', index, indexRule),
    row: read('row', index, indexRule),
  };
}

/** Plain decimal digits (no sign, point or exponent) spelling a number in [min, max], or null. */
function wholeNumber(raw: string, min: number, max: number): number | null {
  if (!/^\d{1,7}$/.test(raw)) return null;
  const value = Number(raw);
  return value >= min && value <= max ? value : null;
}

/** Keys beside `z=` that a compressed link keeps: the extras, and the teaching embed's keys. */
function isOuterKey(key: string, embed: boolean): boolean {
  return EXTRA_KEYS.includes(key) || (embed && TEACHING_EMBED_KEYS.includes(key));
}

function readPanel(raw: string | undefined, problems: LinkProblem[]): PanelName | null {
  if (raw === undefined) return null;
  const found = PANELS.find((name) => name === raw);
  if (found !== undefined) return found;
  problems.push({
    field: PANEL_KEY,
    message: `panel=${quoteForMessage(raw)} in the link: panel must be one of ${PANELS.join(', ')}`,
  });
  return null;
}

/** `uploaded=q,v`: each input at most once, written in q, k, v order (any order is read). */
function readUploaded(raw: string | undefined, problems: LinkProblem[]): LinkInput[] {
  if (raw === undefined || raw === '') return [];
  const names = raw.split(',');
  const found = LINK_INPUTS.filter((input) => names.includes(input));
  const strange = names.filter((name) => !LINK_INPUTS.some((input) => input === name));
  if (strange.length > 0 || found.length !== names.length) {
    problems.push({
      field: UPLOADED_KEY,
      message: `uploaded=${quoteForMessage(raw)} in the link: uploaded must list some of q, k, v, each once, separated by commas`,
    });
    return [];
  }
  return found;
}

function readEmbed(raw: string | undefined, problems: LinkProblem[]): boolean {
  if (raw === undefined || raw === '0') return false;
  if (raw === '1') return true;
  problems.push({
    field: EMBED_KEY,
    message: `embed=${quoteForMessage(raw)} in the link: embed must be 1 or 0`,
  });
  return false;
}

/** The text a `z=` parameter packs, or the problem that stops the whole link. */
async function inflateParam(
  packed: string,
  limits: Readonly<UrlLimits>,
): Promise<string | LinkProblem> {
  if (packed === '') return { field: 'z', message: 'z= in the link is empty' };
  const bytes = base64urlToBytes(packed);
  if (bytes === null) {
    return {
      field: 'z',
      message: 'z in the link is not base64url (letters, digits, - and _ only) or was cut short',
    };
  }
  const inflated = await inflateRawCapped(bytes, limits.maxInflatedBytes);
  if (!inflated.ok && inflated.reason === 'too-large') {
    return {
      field: 'z',
      message: `z in the link unpacks to more than ${limits.maxInflatedBytes} bytes, more than any scenario needs; it was not read`,
    };
  }
  if (!inflated.ok) {
    return {
      field: 'z',
      message: 'z in the link could not be decompressed: the data is damaged or cut short',
    };
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(inflated.bytes);
  } catch {
    // Expected when the bytes are not UTF-8: a damaged or forged link.
    return { field: 'z', message: 'z in the link unpacks to bytes that are not UTF-8 text' };
  }
}

function fatal(field: string, message: string): DecodeResult {
  return {
    scenario: { ...DEFAULT_SCENARIO },
    embed: false,
    panel: null,
    uploaded: [],
    problems: [{ field, message }],
  };
}
