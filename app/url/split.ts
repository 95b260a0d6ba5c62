/**
 * Step 1 of decoding: a hash string into its parameters, still percent-encoded. Pure string
 * work that cannot fail; what is odd (a repeated key) becomes a problem.
 */
import type { LinkProblem } from './types';
import { isKnownKey, quoteForMessage } from './schema';
import { MAX_LINK_PARAMS } from './limits';

/** The text after `#`, with a hash that was percent-encoded as a whole undone. */
export function queryOfHash(hash: string): string {
  const query = hash.startsWith('#') ? hash.slice(1) : hash;
  return undoWholeEncoding(query);
}

/**
 * Some chat tools and redirectors encode a link's hash once more, turning `v=1&Q=64` into
 * `v%3D1%26Q%3D64`. Such a hash has no `=` left; decoding it once gives the link back.
 */
function undoWholeEncoding(query: string): string {
  if (query.includes('=') || !/^[a-z]+%3D/i.test(query)) return query;
  const once = percentDecode(query);
  return once === null ? query : once;
}

/** `decodeURIComponent`, with its expected failure (a bad `%` sequence) turned into null. */
export function percentDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Whether `query` has more non-empty `&` segments than flexmask reads; then the sentence that
 * says so. Counts with `indexOf` and stops past the cap, so it costs next to nothing however
 * many segments a hostile link holds.
 */
export function tooManyParams(query: string, where: string): string | null {
  let count = 0;
  for (let start = 0; start <= query.length;) {
    const amp = query.indexOf('&', start);
    const end = amp < 0 ? query.length : amp;
    if (end > start && ++count > MAX_LINK_PARAMS) {
      return `The ${where} has more than ${MAX_LINK_PARAMS.toLocaleString('en-US')} parameters; flexmask reads up to ${MAX_LINK_PARAMS.toLocaleString('en-US')} (a scenario uses at most 24)`;
    }
    start = end + 1;
  }
  return null;
}

export interface SplitQuery {
  /** Each key's first value, raw (percent-encoded), in the order the keys first appear. */
  params: Map<string, string>;
  problems: LinkProblem[];
}

/**
 * `a=1&b=2` into a map. Empty segments (`&&`) are skipped; a segment without `=` is a key with
 * an empty value; a repeated key keeps its first value, and is reported once if flexmask knows it.
 */
export function splitQuery(query: string, where: string): SplitQuery {
  const params = new Map<string, string>();
  const repeats = new Map<string, number>();
  for (const segment of query.split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const key = eq < 0 ? segment : segment.slice(0, eq);
    const value = eq < 0 ? '' : segment.slice(eq + 1);
    if (params.has(key)) repeats.set(key, (repeats.get(key) ?? 1) + 1);
    else params.set(key, value);
  }
  const problems: LinkProblem[] = [];
  for (const [key, count] of repeats) {
    // Unknown keys, repeated or not, are reported once as a group by validation.
    if (!isKnownKey(key)) continue;
    const first = quoteForMessage(params.get(key) ?? '');
    problems.push({
      field: key,
      message: `${key} appears ${count} times in the ${where}; the first (${key}=${first}) is used`,
    });
  }
  return { params, problems };
}
