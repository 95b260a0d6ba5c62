/**
 * The lexer's vocabulary: what a token is (its kinds, the decoded value of a literal, the parts
 * of an f-string), the lexical errors with the precedence Python 3.11 gives them, and the
 * character classes every scanner shares (names, digits, quotes, operators). It is separate from
 * the scanners so that the parser, the literal readers and the program-text tools all read one
 * definition of a token without depending on how tokens are read.
 */
import { ProgramError, type MaskErrorKind } from '../errors';
import type { SourceSpan } from '../types';

export type TokenKind =
  | 'name'
  | 'int'
  | 'float'
  | 'imaginary'
  | 'string'
  | 'op'
  | 'newline'
  | 'indent'
  | 'dedent'
  | 'end'
  /** A lexical error (see `tokenize`): the parser throws it when it gets there. */
  | 'error'
  /** A comment: only `scanTokens` (lexer.ts) keeps them; the parser never sees one. */
  | 'comment';

export interface Token {
  kind: TokenKind;
  /**
   * The text as written (for strings: the whole literal with its prefix and quotes); a name with
   * non-ASCII letters is in NFKC form, as Python reads it.
   */
  text: string;
  span: SourceSpan;
  /** Numbers: the value (an int's is exact while it is a safe integer). */
  value?: number;
  /** Ints: the exact value. */
  big?: bigint;
  /** Strings: what the literal means. */
  string?: StringLiteral;
  /**
   * The error the parser throws when it gets to this token: on an 'error' token, or on a
   * 'string' whose contents are wrong (a bad escape, a bad f-string field).
   */
  error?: ProgramError;
  /** 'error' tokens: whether the error wins over a parser error earlier in the file. */
  precedence?: LexicalPrecedence;
}

/**
 * When Python 3.11 reports a lexical error, given a parser error earlier in the file. After a
 * parser error Python tokenizes the rest of the file: an error its tokenizer raises there wins
 * ('always'); an unclosed bracket wins over a parser error on a later line ('after-its-line');
 * anything else (indentation, a stray `$`) surfaces only where the parser reaches it.
 */
export type LexicalPrecedence = 'always' | 'after-its-line' | 'when-reached';

/** A lexical error, with when Python reports it (see LexicalPrecedence). */
export class LexicalError extends ProgramError {
  constructor(
    span: SourceSpan,
    kind: MaskErrorKind,
    detail: string,
    readonly precedence: LexicalPrecedence,
  ) {
    super(span, kind, detail);
  }
}

/** A lexical error that Python reports even after an earlier parser error. */
export function failAlways(
  span: SourceSpan,
  detail: string,
  kind: MaskErrorKind = 'SyntaxError',
): never {
  throw new LexicalError(span, kind, detail, 'always');
}

export interface StringLiteral {
  /** The decoded value (bytes: one character per byte); '' for an f-string, read `parts`. */
  value: string;
  bytes: boolean;
  fString: boolean;
  /** f-strings: the body as text and replacement fields. */
  parts?: LexedFStringPart[];
}

/** One piece of an f-string's body; a field holds the tokens of its expression. */
export type LexedFStringPart =
  | { kind: 'text'; value: string }
  | {
      kind: 'field';
      /** From `{` to `}` inclusive. */
      span: SourceSpan;
      /** The expression's tokens, at their offsets in the source, ending with an 'end' token. */
      tokens: Token[];
      conversion?: 'r' | 's' | 'a';
      formatSpec?: LexedFStringPart[];
      debugText?: string;
    };

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
export function operatorAt(source: string, i: number): string | undefined {
  const c = source[i];
  if (LONG_OPERATOR_STARTS.has(c)) {
    const three = source.slice(i, i + 3);
    if (OPERATOR_SET.has(three)) return three;
    const two = source.slice(i, i + 2);
    if (OPERATOR_SET.has(two)) return two;
  }
  return OPERATOR_SET.has(c) ? c : undefined;
}

export const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

export const STRING_PREFIX = /^(r|u|b|f|br|rb|fr|rf)$/i;
const XID_START = /^\p{XID_Start}$/u;
const XID_CONTINUE = /^\p{XID_Continue}$/u;
/** Characters Python calls non-printable: its message names them by code point only. */
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\p{Co}\p{Cn}]$/u;

function isAsciiNameChar(k: number, first: boolean): boolean {
  return (
    (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || k === 95 || (!first && k >= 48 && k <= 57)
  );
}

/** The end of the identifier starting at `i` (`i` itself when none starts there). */
export function identifierEnd(source: string, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const k = source.charCodeAt(j);
    if (k < 128) {
      if (!isAsciiNameChar(k, j === i)) break;
      j += 1;
      continue;
    }
    const ch = String.fromCodePoint(source.codePointAt(j) ?? k);
    if (!(j === i ? XID_START : XID_CONTINUE).test(ch)) break;
    j += ch.length;
  }
  return j;
}

export function isDigit(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return k >= 48 && k <= 57;
}

export function isQuote(c: string | undefined): boolean {
  return c === '"' || c === "'";
}

export function describeChar(ch: string): string {
  const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  if (NON_PRINTABLE.test(ch)) return `invalid non-printable character U+${code}`;
  return `invalid character '${ch}' (U+${code})`;
}

export function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let k = source.indexOf('\n'); k >= 0 && k < offset; k = source.indexOf('\n', k + 1)) {
    line += 1;
  }
  return line;
}
