/**
 * Python's tokenizer, for the part of Python the mask language reads: names, numbers, operators,
 * strings (kept only so they can be accepted as docstrings or refused clearly), NEWLINE, INDENT and
 * DEDENT. Lines join inside brackets and after a backslash; comments and blank lines vanish.
 */
import { fail } from './errors';
import type { CompileLimits } from './limits';
import type { SourceSpan } from './types';

export type TokenKind =
  'name' | 'int' | 'float' | 'string' | 'op' | 'newline' | 'indent' | 'dedent' | 'end';

export interface Token {
  kind: TokenKind;
  /** The text as written (for strings: the whole literal with its quotes). */
  text: string;
  span: SourceSpan;
  /** Numbers: the value. */
  value?: number;
  /** Strings: true for f-strings (refused except where ignored). */
  fString?: boolean;
}

/** Longest first, so `**=` wins over `**` and `*`. */
const OPERATORS = [
  '**=',
  '//=',
  '>>=',
  '<<=',
  '...',
  '**',
  '//',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '->',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  ':=',
  '@=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '@',
  '&',
  '|',
  '^',
  '~',
  '<',
  '>',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  ';',
  '=',
];

const OPERATOR_SET = new Set(OPERATORS);

/** Characters that begin an operator longer than one character. */
const LONG_OPERATOR_STARTS = new Set([
  '*',
  '/',
  '>',
  '<',
  '.',
  '=',
  '!',
  '-',
  '+',
  '%',
  '&',
  '|',
  '^',
  ':',
  '@',
]);

/** The longest operator at `i`, by direct set lookups (a linear scan is slow on long sources). */
function operatorAt(source: string, i: number): string | undefined {
  const c = source[i];
  if (LONG_OPERATOR_STARTS.has(c)) {
    const three = source.slice(i, i + 3);
    if (OPERATOR_SET.has(three)) return three;
    const two = source.slice(i, i + 2);
    if (OPERATOR_SET.has(two)) return two;
  }
  return OPERATOR_SET.has(c) ? c : undefined;
}

const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

function isNameStart(c: string): boolean {
  const k = c.charCodeAt(0);
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || k === 95;
}
function isNameChar(c: string): boolean {
  const k = c.charCodeAt(0);
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || k === 95 || (k >= 48 && k <= 57);
}
function isDigit(c: string): boolean {
  const k = c.charCodeAt(0);
  return k >= 48 && k <= 57;
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return `'${ch}' (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

export function tokenize(source: string, limits: CompileLimits): Token[] {
  const tokens: Token[] = [];
  const indents: number[] = [0];
  const brackets: { ch: string; at: number }[] = [];
  let i = 0;
  let atLineStart = true;
  const n = source.length;

  const lineOf = (offset: number): number => {
    let line = 1;
    for (let k = source.indexOf('\n'); k >= 0 && k < offset; k = source.indexOf('\n', k + 1)) {
      line += 1;
    }
    return line;
  };

  while (i < n) {
    if (atLineStart && brackets.length === 0) {
      // Measure indentation; blank and comment-only lines produce no tokens at all.
      let width = 0;
      let j = i;
      while (j < n && (source[j] === ' ' || source[j] === '\t' || source[j] === '\f')) {
        width = source[j] === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
        j += 1;
      }
      const c = source[j];
      if (j >= n || c === '\n' || c === '\r' || c === '#') {
        while (j < n && source[j] !== '\n' && source[j] !== '\r') j += 1;
        i = source[j] === '\r' && source[j + 1] === '\n' ? j + 2 : j + 1;
        continue;
      }
      if (c === '\\' && (source[j + 1] === '\n' || source[j + 1] === '\r')) {
        // A lone backslash continues onto the next line; the logical line starts there.
        i = j;
        atLineStart = false;
        continue;
      }
      atLineStart = false;
      const top = indents[indents.length - 1];
      if (width > top) {
        if (indents.length > limits.maxNesting) {
          fail(
            { start: i, end: j },
            'LimitError',
            `too many levels of indentation (the limit is ${limits.maxNesting})`,
          );
        }
        indents.push(width);
        tokens.push({ kind: 'indent', text: '', span: { start: i, end: j } });
      } else if (width < top) {
        while (width < indents[indents.length - 1]) {
          indents.pop();
          tokens.push({ kind: 'dedent', text: '', span: { start: j, end: j } });
        }
        if (width !== indents[indents.length - 1]) {
          fail(
            { start: j, end: j + 1 },
            'IndentationError',
            'unindent does not match any outer indentation level',
          );
        }
      }
      i = j;
      continue;
    }

    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\f') {
      i += 1;
      continue;
    }
    if (c === '#') {
      while (i < n && source[i] !== '\n') i += 1;
      continue;
    }
    if (c === '\r' && source[i + 1] === '\n') {
      i += 1;
      continue;
    }
    if (c === '\n' || c === '\r') {
      if (brackets.length === 0) {
        tokens.push({ kind: 'newline', text: '\n', span: { start: i, end: i + 1 } });
        atLineStart = true;
      }
      i += 1;
      continue;
    }
    if (c === '\\') {
      let j = i + 1;
      if (source[j] === '\r') j += 1;
      if (source[j] === '\n') {
        i = j + 1;
        continue;
      }
      fail(
        { start: i, end: i + 1 },
        'SyntaxError',
        'unexpected character after line continuation character',
      );
    }

    const start = i;
    if (isNameStart(c)) {
      let j = i + 1;
      while (j < n && isNameChar(source[j])) j += 1;
      const word = source.slice(i, j);
      const quote = source[j];
      if ((quote === '"' || quote === "'") && /^(r|u|b|f|br|rb|fr|rf)$/i.test(word)) {
        i = readString(start, j, word.toLowerCase().includes('f'));
        continue;
      }
      tokens.push({ kind: 'name', text: word, span: { start, end: j } });
      i = j;
      continue;
    }
    if (c === '"' || c === "'") {
      i = readString(start, i, false);
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1] ?? ''))) {
      i = readNumber(i);
      continue;
    }
    const op = operatorAt(source, i);
    if (op === undefined) {
      const ch = String.fromCodePoint(source.codePointAt(i) ?? 0);
      if (c === '!')
        fail(
          { start: i, end: i + 1 },
          'SyntaxError',
          "invalid syntax ('!' is written 'not' in Python)",
        );
      fail(
        { start: i, end: i + ch.length },
        'SyntaxError',
        `invalid character ${describeChar(ch)}`,
      );
    }
    if (op === '(' || op === '[' || op === '{') {
      if (brackets.length >= limits.maxNesting) {
        fail(
          { start: i, end: i + 1 },
          'LimitError',
          `too many nested parentheses (the limit is ${limits.maxNesting})`,
        );
      }
      brackets.push({ ch: op, at: i });
    } else if (op === ')' || op === ']' || op === '}') {
      const open = brackets.pop();
      if (open === undefined) {
        fail({ start: i, end: i + 1 }, 'SyntaxError', `unmatched '${op}'`);
      }
      if (open.ch !== CLOSERS[op]) {
        const line = lineOf(open.at);
        const same = line === lineOf(i);
        fail(
          { start: i, end: i + 1 },
          'SyntaxError',
          `closing parenthesis '${op}' does not match opening parenthesis '${open.ch}'${same ? '' : ` on line ${line}`}`,
        );
      }
    }
    tokens.push({ kind: 'op', text: op, span: { start: i, end: i + op.length } });
    i += op.length;
  }

  const open = brackets.pop();
  if (open !== undefined) {
    fail({ start: open.at, end: open.at + 1 }, 'SyntaxError', `'${open.ch}' was never closed`);
  }
  const last = tokens[tokens.length - 1];
  if (last !== undefined && last.kind !== 'newline' && last.kind !== 'dedent') {
    tokens.push({ kind: 'newline', text: '', span: { start: n, end: n } });
  }
  while (indents.length > 1) {
    indents.pop();
    tokens.push({ kind: 'dedent', text: '', span: { start: n, end: n } });
  }
  tokens.push({ kind: 'end', text: '', span: { start: n, end: n } });
  return tokens;

  function readString(start: number, quoteAt: number, fString: boolean): number {
    const q = source[quoteAt];
    const triple = source.startsWith(q.repeat(3), quoteAt);
    const close = triple ? q.repeat(3) : q;
    let j = quoteAt + close.length;
    for (;;) {
      if (j >= n || (!triple && (source[j] === '\n' || source[j] === '\r'))) {
        const kind = triple
          ? 'unterminated triple-quoted string literal'
          : 'unterminated string literal';
        fail(
          { start, end: start + 1 },
          'SyntaxError',
          `${kind} (detected at line ${lineOf(Math.min(j, n - 1))})`,
        );
      }
      if (source[j] === '\\') {
        j += 2;
        continue;
      }
      if (source.startsWith(close, j)) {
        j += close.length;
        break;
      }
      j += 1;
    }
    tokens.push({ kind: 'string', text: source.slice(start, j), span: { start, end: j }, fString });
    return j;
  }

  function readNumber(from: number): number {
    let j = from;
    const badNumber = (end: number, message = 'invalid decimal literal'): never =>
      fail({ start: from, end }, 'SyntaxError', message);
    const digitsWhile = (ok: (ch: string) => boolean): void => {
      while (j < n && (ok(source[j]) || (source[j] === '_' && ok(source[j + 1] ?? '')))) j += 1;
    };
    let isFloat = false;
    let value: number;
    const prefix = source.slice(j, j + 2).toLowerCase();
    if (prefix === '0x' || prefix === '0o' || prefix === '0b') {
      j += 2;
      if (source[j] === '_') j += 1;
      const radix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : 2;
      const digitOk = (ch: string): boolean => {
        const d = parseInt(ch, 16);
        return !Number.isNaN(d) && d < radix && /[0-9a-fA-F]/.test(ch);
      };
      const digitsStart = j;
      digitsWhile(digitOk);
      if (j === digitsStart)
        badNumber(
          j + 1,
          `invalid ${radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary'} literal`,
        );
      value = parseInt(source.slice(digitsStart, j).replace(/_/g, ''), radix);
    } else {
      digitsWhile(isDigit);
      if (source[j] === '.' && !source.startsWith('...', j)) {
        isFloat = true;
        j += 1;
        digitsWhile(isDigit);
      }
      if (
        (source[j] === 'e' || source[j] === 'E') &&
        (isDigit(source[j + 1] ?? '') ||
          ((source[j + 1] === '+' || source[j + 1] === '-') && isDigit(source[j + 2] ?? '')))
      ) {
        isFloat = true;
        j += 2;
        digitsWhile(isDigit);
      }
      const text = source.slice(from, j).replace(/_/g, '');
      if (!isFloat && text.length > 1 && text[0] === '0' && /[1-9]/.test(text)) {
        badNumber(
          j,
          'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
        );
      }
      value = Number(text);
    }
    if (source[j] === 'j' || source[j] === 'J') {
      fail(
        { start: from, end: j + 1 },
        'NotSupportedError',
        'complex numbers are not supported: the mask language has int, float and bool',
      );
    }
    if (j < n && (isNameChar(source[j]) || source[j] === '_')) badNumber(j + 1);
    tokens.push({
      kind: isFloat ? 'float' : 'int',
      text: source.slice(from, j),
      span: { start: from, end: j },
      value,
    });
    return j;
  }
}
