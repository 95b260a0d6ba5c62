/**
 * A small parser for the Python literals a .npy header holds: a dict of strings, ints,
 * True/False/None, tuples and lists. Hand-written so no header text is ever evaluated.
 */

import { clipForMessage } from './bounded';

export type PyValue =
  | string
  | number
  | boolean
  | null
  | { kind: 'tuple'; items: PyValue[] }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'dict'; entries: Map<string, PyValue> };

/** Why a literal did not parse, with the character offset it failed at. */
export class PyLiteralError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at character ${offset}`);
    this.name = 'PyLiteralError';
  }
}

/**
 * Nesting deeper than this is not a NumPy header; stop before the stack does. The recursion
 * below is bounded by it, and the header's length by MAX_NPY_HEADER_BYTES (npy.ts).
 */
const MAX_DEPTH = 32;

/** An integer starting exactly at lastIndex (sticky: no copy of the rest of the text). */
const INTEGER = /[-+]?\d+/y;

export function parsePyLiteral(text: string): PyValue {
  let pos = 0;

  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const fail = (reason: string): never => {
    throw new PyLiteralError(reason, pos);
  };
  const describe = (): string => (pos < text.length ? `'${text[pos]}'` : 'the end');

  const parseString = (): string => {
    const quote = text[pos++];
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\') {
        const next = text[pos + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' };
        if (next in simple) {
          out += simple[next];
          pos += 2;
          continue;
        }
        fail(`unsupported escape \\${next ?? ''} in a string`);
      }
      if (text[pos] === '\n') fail('a string runs past the end of its line');
      out += text[pos++];
    }
    if (pos >= text.length) fail('a string is never closed');
    pos++;
    return out;
  };

  const parseNumber = (): number => {
    INTEGER.lastIndex = pos;
    const match = INTEGER.exec(text);
    if (!match) return fail(`expected a value, found ${describe()}`);
    pos += match[0].length;
    // "3L" is how Python 2 wrote long ints in old headers.
    if (text[pos] === 'L') pos++;
    if (/[.eEjJ_\w]/.test(text[pos] ?? '')) fail('only integers are allowed as numbers');
    return Number(match[0]);
  };

  const parseSequence = (close: string, depth: number): { items: PyValue[]; comma: boolean } => {
    const items: PyValue[] = [];
    let comma = false;
    skipSpace();
    while (text[pos] !== close) {
      items.push(parseValue(depth + 1));
      skipSpace();
      comma = false;
      if (text[pos] === ',') {
        comma = true;
        pos++;
        skipSpace();
      } else if (text[pos] !== close) {
        fail(`expected ',' or '${close}', found ${describe()}`);
      }
    }
    pos++;
    return { items, comma };
  };

  const parseDict = (depth: number): PyValue => {
    const entries = new Map<string, PyValue>();
    skipSpace();
    while (text[pos] !== '}') {
      if (text[pos] !== "'" && text[pos] !== '"')
        fail(`expected a string key, found ${describe()}`);
      const key = parseString();
      skipSpace();
      if (text[pos] !== ':') {
        fail(`expected ':' after the key '${clipForMessage(key, 40)}', found ${describe()}`);
      }
      pos++;
      if (entries.has(key)) fail(`the key '${clipForMessage(key, 40)}' appears twice`);
      entries.set(key, parseValue(depth + 1));
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        skipSpace();
      } else if (text[pos] !== '}') {
        fail(`expected ',' or '}', found ${describe()}`);
      }
    }
    pos++;
    return { kind: 'dict', entries };
  };

  const parseValue = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('the literal is nested too deeply');
    skipSpace();
    const c = text[pos];
    if (c === undefined) return fail('expected a value, found the end');
    if (c === '{') {
      pos++;
      return parseDict(depth);
    }
    if (c === '(') {
      pos++;
      const { items, comma } = parseSequence(')', depth);
      // "(3)" is just 3 in Python; only "(3,)" is a tuple.
      if (items.length === 1 && !comma) return items[0];
      return { kind: 'tuple', items };
    }
    if (c === '[') {
      pos++;
      return { kind: 'list', items: parseSequence(']', depth).items };
    }
    if (c === "'" || c === '"') return parseString();
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (text.startsWith(word, pos) && !/\w/.test(text[pos + word.length] ?? '')) {
        pos += word.length;
        return value;
      }
    }
    return parseNumber();
  };

  const value = parseValue(0);
  skipSpace();
  if (pos < text.length) fail(`unexpected ${describe()} after the literal`);
  return value;
}
