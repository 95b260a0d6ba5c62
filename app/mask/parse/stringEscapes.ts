/**
 * The escape sequences of string literals: `\n`, `\x41`, `\u00e9`, octal escapes, line
 * continuations, with Python 3.11's errors for a truncated or out-of-range one. Plain literals and
 * the text of f-strings decode escapes alike, so the decoding is kept apart from the scanner that
 * finds where a literal starts and ends.
 */
import { fail } from '../errors';

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** A plain literal's value: escapes decoded (unless raw), line ends as '\n'. */
export function decodeLiteral(
  source: string,
  from: number,
  to: number,
  raw: boolean,
  bytes: boolean,
): string {
  let out = '';
  let i = from;
  while (i < to) {
    const c = source[i];
    if (c === '\\' && !raw) {
      const e = escapeAt(source, i, from, bytes);
      out += e.text;
      i = e.next;
    } else if (c === '\r') {
      out += '\n';
      i += source[i + 1] === '\n' ? 2 : 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** The escape sequence at `i` (a backslash): its meaning and where the text goes on. */
export function escapeAt(
  source: string,
  i: number,
  bodyStart: number,
  bytes: boolean,
): { text: string; next: number } {
  const c = source[i + 1];
  if (c === '\n') return { text: '', next: i + 2 };
  if (c === '\r') return { text: '', next: source[i + 2] === '\n' ? i + 3 : i + 2 };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { text: simple, next: i + 2 };
  if (c >= '0' && c <= '7') {
    let j = i + 1;
    while (j < i + 4 && source[j] >= '0' && source[j] <= '7') j += 1;
    const code = parseInt(source.slice(i + 1, j), 8);
    return { text: String.fromCodePoint(bytes ? code & 0xff : code), next: j };
  }
  if (c === 'x') return hexEscape(source, i, 2, bodyStart, bytes ? 'bytes' : '\\xXX');
  if (!bytes && c === 'u') return hexEscape(source, i, 4, bodyStart, '\\uXXXX');
  if (!bytes && c === 'U') return hexEscape(source, i, 8, bodyStart, '\\UXXXXXXXX');
  if (!bytes && c === 'N') {
    fail(
      { start: i, end: i + 2 },
      'NotSupportedError',
      '\\N{...} escapes are not supported: write the character itself, or a \\uXXXX escape',
    );
  }
  // Python keeps an unknown escape as written (with a warning); the next character is read
  // on its own, so `f"\{x}"` still opens a field.
  return { text: '\\', next: i + 1 };
}

function hexEscape(
  source: string,
  i: number,
  digits: number,
  bodyStart: number,
  form: string,
): { text: string; next: number } {
  const hex = source.slice(i + 2, i + 2 + digits);
  let valid = 0;
  while (valid < hex.length && /[0-9a-fA-F]/.test(hex[valid])) valid += 1;
  const from = i - bodyStart;
  if (valid < digits) {
    const span = { start: i, end: i + 2 + valid };
    if (form === 'bytes')
      fail(span, 'SyntaxError', `(value error) invalid \\x escape at position ${from}`);
    fail(
      span,
      'SyntaxError',
      `(unicode error) 'unicodeescape' codec can't decode bytes in position ${from}-${from + 1 + valid}: truncated ${form} escape`,
    );
  }
  const code = parseInt(hex, 16);
  if (code > 0x10ffff) {
    fail(
      { start: i, end: i + 2 + digits },
      'SyntaxError',
      `(unicode error) 'unicodeescape' codec can't decode bytes in position ${from}-${from + 1 + digits}: illegal Unicode character`,
    );
  }
  return { text: String.fromCodePoint(code), next: i + 2 + digits };
}
