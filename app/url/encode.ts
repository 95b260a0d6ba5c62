/**
 * Writing a link: the readable query string when the hash stays within READABLE_MAX_CHARS,
 * otherwise `#v=1&z=<base64url of deflate-raw of that same query string>`.
 */
import { DEFAULT_SCENARIO, type Scenario } from '../problem';
import { bytesToBase64url } from './base64url';
import { deflateRaw } from './compress';
import {
  COMPRESSED_KEY,
  CURRENT_VERSION,
  EMBED_KEY,
  LINK_INPUTS,
  PANEL_KEY,
  SCENARIO_PARAMS,
  UPLOADED_KEY,
  VERSION_KEY,
  type LinkInput,
  type PanelName,
} from './schema';

/** Longest hash written in readable form (the "about 1,500 characters"). */
export const READABLE_MAX_CHARS = 1500;

export interface EncodeOptions {
  /** Adds `&embed=1`, which opens the embed view; not part of the scenario. */
  embed?: boolean;
  /** With embed: adds `&panel=`, a teaching panel beside the figure. */
  panel?: PanelName | null;
  /** Adds `&uploaded=q,k`: inputs that were uploaded, which the link can only stand in for. */
  uploaded?: readonly LinkInput[];
}

export async function encodeScenario(s: Scenario, opts: EncodeOptions = {}): Promise<string> {
  const extras = encodeExtras(opts);
  const query = encodeQuery(s);
  const readable = `#${query}${extras}`;
  if (readable.length <= READABLE_MAX_CHARS) return readable;
  const packed = bytesToBase64url(await deflateRaw(query));
  return `#${VERSION_KEY}=${CURRENT_VERSION}&${COMPRESSED_KEY}=${packed}${extras}`;
}

/** The extras after the scenario (outside `z=`): `&uploaded=..&embed=1&panel=..`, or ''. */
function encodeExtras(opts: EncodeOptions): string {
  const uploaded = LINK_INPUTS.filter((input) => opts.uploaded?.includes(input));
  let extras = uploaded.length > 0 ? `&${UPLOADED_KEY}=${uploaded.join(',')}` : '';
  if (opts.embed === true) {
    extras += `&${EMBED_KEY}=1`;
    if (opts.panel) extras += `&${PANEL_KEY}=${opts.panel}`;
  }
  return extras;
}

/**
 * The readable query string (no `#`): `v` first, then each field that differs from the default
 * scenario, in the schema's order.
 */
export function encodeQuery(s: Scenario): string {
  const parts = [`${VERSION_KEY}=${CURRENT_VERSION}`];
  for (const [key, name] of SCENARIO_PARAMS) {
    const value = s[name];
    if (value === DEFAULT_SCENARIO[name]) continue;
    parts.push(`${key}=${encodeValue(String(value))}`);
  }
  return parts.join('&');
}

/**
 * encodeURIComponent, then a few characters put back that are legal in a URL fragment and do
 * not clash with the `&` and `=` that separate parameters (`=` is safe inside a value because a
 * parameter is split at its first `=`), so code stays legible in the address bar: `(b, h)`,
 * `t[i]`, `a >= b` (as `%3E=`), `x: int`. `+` stays escaped, since form decoders read it as space.
 */
export function encodeValue(text: string): string {
  return encodeURIComponent(toWellFormed(text)).replace(/%(2C|3A|2F|5B|5D|40|24|3D)/g, (escaped) =>
    String.fromCharCode(parseInt(escaped.slice(1), 16)),
  );
}

/**
 * Replaces unpaired surrogates (which encodeURIComponent refuses with a URIError) by U+FFFD;
 * an editor should never produce one, but a link must always be writable.
 */
function toWellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}
