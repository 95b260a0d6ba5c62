/**
 * Python 3.11's tokenizer: names, numbers (ints of any size with their exact value, floats,
 * imaginary literals), string literals of every kind with their decoded value, f-strings split
 * into text and replacement fields (each field already tokenized, at its own offsets in the
 * source), operators, NEWLINE, INDENT and DEDENT. Lines join inside brackets and after a
 * backslash; comments and blank lines vanish.
 *
 * This module drives the scanner (parse/scanner.ts) over a whole text in two ways: `tokenize`,
 * what the parser reads, with Python's layout and errors; and `scanTokens`, every token as
 * written with its comments and no layout, for tools that edit program text (programText.ts).
 * The pieces live in parse/: the token vocabulary (tokens.ts), the scanner, and the number and
 * escape readers.
 */
import { fail, ProgramError } from './errors';
import { DEFAULT_LIMITS, type CompileLimits } from './limits';
import { Scanner } from './parse/scanner';
import {
  identifierEnd,
  isDigit,
  isQuote,
  LexicalError,
  STRING_PREFIX,
  type Token,
} from './parse/tokens';

export type { Token } from './parse/tokens';

/**
 * The tokens of `source`, ending with 'end'. Lexical errors do not throw: they become tokens
 * carrying the error, which `parse` throws when it gets there. Most stop the reading (the token
 * list then ends with the 'error' token); a stray `$`, `?` or `!` and a string literal with bad
 * contents are read past, as Python's tokenizer does. `parse` also lets the final error win over
 * an earlier parser error by its `precedence`, which reproduces the order in which Python 3.11
 * reports errors. Only an over-long source throws here.
 */
export function tokenize(source: string, limits: CompileLimits): Token[] {
  if (source.length > limits.maxSourceLength) {
    fail(
      { start: limits.maxSourceLength, end: limits.maxSourceLength + 1 },
      'LimitError',
      `the program is ${source.length} characters long (the limit is ${limits.maxSourceLength})`,
    );
  }
  const tokens: Token[] = [];
  try {
    readTokens(source, limits, tokens);
  } catch (error) {
    if (!(error instanceof ProgramError)) throw error;
    const precedence = error instanceof LexicalError ? error.precedence : 'when-reached';
    tokens.push({ kind: 'error', text: '', span: error.span, error, precedence });
  }
  return tokens;
}

/** Appends the tokens of `source` to `tokens`; throws at the first lexical error. */
function readTokens(source: string, limits: CompileLimits, tokens: Token[]): void {
  const scanner = new Scanner(source, source.length, limits, 0);
  /**
   * Open indentation levels, each measured twice: with tabs to multiples of 8 (`width`) and
   * with a tab as one column (`alt`). Python refuses a line whose two measures disagree on how it
   * compares with the levels, so tabs never silently change the blocks.
   */
  const indents: { width: number; alt: number }[] = [{ width: 0, alt: 0 }];
  const brackets: { ch: string; at: number }[] = [];
  const n = source.length;
  // A byte order mark at the very start is not part of the program.
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  let atLineStart = true;

  while (i < n) {
    if (atLineStart && brackets.length === 0) {
      const line = indentation(i);
      if (line.blank) {
        i = line.next;
        continue;
      }
      atLineStart = false;
      i = line.next;
      if (line.continued) continue;
      changeIndent(line.width, line.alt, line.lineStart, line.next);
      continue;
    }

    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\f') {
      i += 1;
    } else if (c === '#') {
      while (i < n && source[i] !== '\n' && source[i] !== '\r') i += 1;
    } else if (c === '\n' || c === '\r') {
      if (brackets.length === 0) {
        tokens.push({ kind: 'newline', text: '\n', span: { start: i, end: i + 1 } });
        atLineStart = true;
      }
      i += c === '\r' && source[i + 1] === '\n' ? 2 : 1;
    } else if (c === '\\') {
      i = continuation(i);
    } else {
      const t = scanner.token(i);
      scanner.trackBracket(t, brackets);
      tokens.push(t);
      i = t.span.end;
    }
  }

  const open = brackets.pop();
  if (open !== undefined) {
    const at = { start: open.at, end: open.at + 1 };
    throw new LexicalError(at, 'SyntaxError', `'${open.ch}' was never closed`, 'after-its-line');
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

  /** Measures a line's indentation; blank and comment-only lines are skipped whole. */
  function indentation(from: number): {
    width: number;
    alt: number;
    lineStart: number;
    next: number;
    blank: boolean;
    continued: boolean;
  } {
    let width = 0;
    let j = from;
    let alt = 0;
    while (j < n && (source[j] === ' ' || source[j] === '\t' || source[j] === '\f')) {
      if (source[j] === '\f') {
        // A form feed resets the column, as in Python.
        width = 0;
        alt = 0;
      } else {
        width = source[j] === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
        alt += 1;
      }
      j += 1;
    }
    const c = source[j];
    if (j >= n || c === '\n' || c === '\r' || c === '#') {
      while (j < n && source[j] !== '\n' && source[j] !== '\r') j += 1;
      const next = source[j] === '\r' && source[j + 1] === '\n' ? j + 2 : j + 1;
      return { width, alt, lineStart: from, next, blank: true, continued: false };
    }
    // A lone backslash continues onto the next line; the logical line starts there.
    const continued = c === '\\' && (source[j + 1] === '\n' || source[j + 1] === '\r');
    return { width, alt, lineStart: from, next: j, blank: false, continued };
  }

  function changeIndent(width: number, alt: number, lineStart: number, textStart: number): void {
    const tabError = (): never =>
      fail(
        { start: textStart, end: textStart + 1 },
        'IndentationError',
        'inconsistent use of tabs and spaces in indentation',
      );
    const top = indents[indents.length - 1];
    if (width > top.width) {
      if (alt <= top.alt) tabError();
      if (indents.length > limits.maxNesting) {
        fail(
          { start: lineStart, end: textStart },
          'LimitError',
          `too many levels of indentation (the limit is ${limits.maxNesting})`,
        );
      }
      indents.push({ width, alt });
      tokens.push({ kind: 'indent', text: '', span: { start: lineStart, end: textStart } });
      return;
    }
    while (width < indents[indents.length - 1].width) {
      indents.pop();
      tokens.push({ kind: 'dedent', text: '', span: { start: textStart, end: textStart } });
    }
    const level = indents[indents.length - 1];
    if (width !== level.width) {
      fail(
        { start: textStart, end: textStart + 1 },
        'IndentationError',
        'unindent does not match any outer indentation level',
      );
    }
    if (alt !== level.alt) tabError();
  }

  /** A backslash outside a string: it must end the line, which then joins the next. */
  function continuation(at: number): number {
    let j = at + 1;
    if (j >= n) fail({ start: at, end: at + 1 }, 'SyntaxError', 'unexpected EOF while parsing');
    if (source[j] === '\r') j += 1;
    if (source[j] === '\n') return j + 1;
    if (j > at + 1) return j;
    return fail(
      { start: at, end: at + 1 },
      'SyntaxError',
      'unexpected character after line continuation character',
    );
  }
}

/**
 * Every token of `source` as written, for tools that edit program text rather than run it
 * (programText.ts): comments are tokens of kind 'comment', there is no layout (no NEWLINE,
 * INDENT, DEDENT or 'end'), brackets need not balance and the length is not limited. Nothing
 * stops the scan: where Python would report a lexical error (an unclosed string, a malformed
 * number, a stray character), that text is still one token, so every name after it is found.
 * Token spans are offsets into `source`. The parser never reads these tokens.
 */
export function scanTokens(source: string): Token[] {
  const scanner = new Scanner(source, source.length, DEFAULT_LIMITS, 0);
  const tokens: Token[] = [];
  const n = source.length;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < n) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r' || c === '\\') {
      i += 1;
    } else if (c === '#') {
      let j = i;
      while (j < n && source[j] !== '\n' && source[j] !== '\r') j += 1;
      tokens.push({ kind: 'comment', text: source.slice(i, j), span: { start: i, end: j } });
      i = j;
    } else {
      const t = scannedToken(scanner, i);
      tokens.push(t);
      i = t.span.end;
    }
  }
  return tokens;
}

/** The token at `i`, or, where the scanner finds a lexical error, the text that error is about. */
function scannedToken(scanner: Scanner, i: number): Token {
  try {
    return scanner.token(i);
  } catch (error) {
    if (!(error instanceof ProgramError)) throw error;
    return unreadableToken(scanner.source, i, error);
  }
}

/**
 * A token the scanner could not read: an unclosed string literal runs to the end of its line (to
 * the end of the text when triple-quoted) and keeps the kind 'string'; a malformed number takes
 * the letters, digits and dots that follow; anything else is one character. All carry `error`.
 */
function unreadableToken(source: string, i: number, error: ProgramError): Token {
  const n = source.length;
  const wordEnd = identifierEnd(source, i, n);
  const quoteAt =
    wordEnd > i && STRING_PREFIX.test(source.slice(i, wordEnd)) && isQuote(source[wordEnd])
      ? wordEnd
      : i;
  let end: number;
  if (isQuote(source[quoteAt])) {
    end = n;
    if (!source.startsWith(source[quoteAt].repeat(3), quoteAt)) {
      end = quoteAt + 1;
      while (end < n && source[end] !== '\n' && source[end] !== '\r') end += 1;
    }
    const span = { start: i, end };
    const string = { value: '', bytes: false, fString: false };
    return { kind: 'string', text: source.slice(i, end), span, string, error };
  }
  if (isDigit(source[i]) || source[i] === '.') {
    end = i + 1;
    while (end < n && /[0-9A-Za-z_.]/.test(source[end])) end += 1;
  } else {
    end = i + String.fromCodePoint(source.codePointAt(i) ?? 0).length;
  }
  return { kind: 'error', text: source.slice(i, end), span: { start: i, end }, error };
}
