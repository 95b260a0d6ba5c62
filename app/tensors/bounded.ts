/**
 * Bounded work on hostile input, shared by the file readers (and the scenario-file reader in
 * app/url): messages that quote at most a couple of hundred characters of what a file holds, and
 * a nesting check that runs before JSON.parse so that no walk over parsed JSON can go deeper than
 * a cap. (V8's JSON.parse itself copes with any depth; the walks after it, and
 * JSON.stringify in a message, were what overflowed the stack.)
 */

/** Most characters of user input a message quotes; longer text ends in an ellipsis. */
export const MAX_QUOTED_CHARS = 200;

/** `text`, cut to `max` code points with an ellipsis after; never splits a surrogate pair. */
export function clipForMessage(text: string, max: number = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  // Only the first 2 * max code units can hold the first max code points.
  const head = Array.from(text.slice(0, max * 2));
  return head.length > max || text.length > max * 2 ? `${head.slice(0, max).join('')}…` : text;
}

/**
 * A parsed JSON value written as compact JSON, cut to about `max` characters: the walk stops as
 * soon as enough is written, so a 10 MB array costs no more to quote than a short one.
 */
export function describeJson(value: unknown, max: number = MAX_QUOTED_CHARS): string {
  let out = '';
  // Tokens still to write, last first: either a value to expand or literal text.
  const todo: ({ text: string } | { value: unknown })[] = [{ value }];
  while (todo.length > 0 && out.length <= max) {
    const next = todo.pop();
    if (next === undefined) break;
    if ('text' in next) {
      out += next.text;
      continue;
    }
    const v = next.value;
    if (Array.isArray(v)) {
      const parts: ({ text: string } | { value: unknown })[] = [{ text: '[' }];
      v.slice(0, max).forEach((item: unknown, i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ value: item });
      });
      parts.push({ text: v.length > max ? ',…]' : ']' });
      todo.push(...parts.reverse());
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v).slice(0, max + 1);
      const parts: ({ text: string } | { value: unknown })[] = [{ text: '{' }];
      keys.slice(0, max).forEach((key, i) => {
        if (i > 0) parts.push({ text: ',' });
        parts.push({ text: `${JSON.stringify(clipForMessage(key, max))}:` });
        parts.push({ value: (v as Record<string, unknown>)[key] });
      });
      parts.push({ text: keys.length > max ? ',…}' : '}' });
      todo.push(...parts.reverse());
    } else if (typeof v === 'string') {
      out += JSON.stringify(clipForMessage(v, max));
    } else {
      out += v === undefined ? 'undefined' : String(v);
    }
  }
  // A lone quoted string may run a few characters past max ("x…" plus its quotes); keep it whole.
  if (out.length > max + 8 || (todo.length > 0 && out.length > max)) {
    return clipForMessage(out, max);
  }
  return todo.length > 0 ? `${out}…` : out;
}

/** Where JSON text first nests deeper than a cap: the depth reached and the character offset. */
export interface TooDeep {
  depth: number;
  offset: number;
}

/**
 * Scans JSON text once, without recursion, and reports the first `[` or `{` that opens level
 * `maxDepth + 1`, or null when the text never nests that deep. Brackets inside strings are
 * skipped (escapes included); the text need not be valid JSON, since JSON.parse runs next.
 */
export function jsonTooDeep(text: string, maxDepth: number): TooDeep | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > maxDepth) return { depth, offset: i };
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return null;
}

/** Bytes as a message writes them: "268,435,456 bytes (256.0 MiB)". */
export function formatBytes(bytes: number): string {
  const mib = bytes / 2 ** 20;
  const unit = mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib.toFixed(1)} MiB`;
  return `${bytes.toLocaleString('en-US')} bytes (${unit})`;
}
