/**
 * Python 3.11's tokenizer: names, numbers (ints of any size with their exact value, floats,
 * imaginary literals), string literals of every kind with their decoded value, f-strings split
 * into text and replacement fields (each field already tokenized, at its own offsets in the
 * source), operators, NEWLINE, INDENT and DEDENT. Lines join inside brackets and after a
 * backslash; comments and blank lines vanish.
 */
import { fail, ProgramError, type MaskErrorKind } from './errors';
import type { CompileLimits } from './limits';
import type { SourceSpan } from './types';

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
  | 'error';

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

class LexicalError extends ProgramError {
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
function failAlways(span: SourceSpan, detail: string, kind: MaskErrorKind = 'SyntaxError'): never {
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

/** Words a number may run into without a space (`1if x else 2`), as Python 3.11 allows. */
const WORDS_AFTER_NUMBER = new Set(['and', 'else', 'for', 'if', 'in', 'is', 'not', 'or']);

const STRING_PREFIX = /^(r|u|b|f|br|rb|fr|rf)$/i;
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
function identifierEnd(source: string, i: number, end: number): number {
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

function isDigit(c: string | undefined): boolean {
  if (c === undefined) return false;
  const k = c.charCodeAt(0);
  return k >= 48 && k <= 57;
}

function isQuote(c: string | undefined): boolean {
  return c === '"' || c === "'";
}

function describeChar(ch: string): string {
  const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  if (NON_PRINTABLE.test(ch)) return `invalid non-printable character U+${code}`;
  return `invalid character '${ch}' (U+${code})`;
}

function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let k = source.indexOf('\n'); k >= 0 && k < offset; k = source.indexOf('\n', k + 1)) {
    line += 1;
  }
  return line;
}

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

/**
 * Reads single tokens (names, numbers, strings, operators) from `source` up to `end`. The main
 * tokenizer uses one over the whole text; each f-string field gets its own, bounded by the
 * f-string's body, so a string inside a field can never run past it.
 */
class Scanner {
  constructor(
    readonly source: string,
    readonly end: number,
    readonly limits: CompileLimits,
    /** How many f-strings enclose this text (0 outside any). */
    readonly fDepth: number,
  ) {}

  /** The name, number, string or operator token that starts at `i`. */
  token(i: number): Token {
    const { source } = this;
    const c = source[i];
    const nameEnd = identifierEnd(source, i, this.end);
    if (nameEnd > i) {
      const word = source.slice(i, nameEnd);
      if (isQuote(source[nameEnd]) && STRING_PREFIX.test(word)) return this.string(i, nameEnd);
      // Python reads identifiers in NFKC form: `ｗ` (fullwidth) and `w` are one name.
      const text = /^\w*$/.test(word) ? word : word.normalize('NFKC');
      return { kind: 'name', text, span: { start: i, end: nameEnd } };
    }
    if (isQuote(c)) return this.string(i, i);
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1]))) return this.number(i);
    const op = operatorAt(source, i);
    if (op !== undefined) return { kind: 'op', text: op, span: { start: i, end: i + op.length } };
    const ch = String.fromCodePoint(source.codePointAt(i) ?? 0);
    const at = { start: i, end: i + ch.length };
    // Python's tokenizer raises for a non-ASCII character; a stray `$`, `?` or `!` is only a bad
    // token, reported if the parser gets to it, and the text after it is still read.
    if (ch.charCodeAt(0) >= 128) failAlways(at, describeChar(ch));
    const detail = c === '!' ? "invalid syntax ('!' is written 'not' in Python)" : describeChar(ch);
    const error = new ProgramError(at, 'SyntaxError', detail);
    return { kind: 'error', text: ch, span: at, error, precedence: 'when-reached' };
  }

  // ---- strings ------------------------------------------------------------------------------

  private string(start: number, quoteAt: number): Token {
    const { source } = this;
    const prefix = source.slice(start, quoteAt).toLowerCase();
    const q = source[quoteAt];
    const triple = source.startsWith(q.repeat(3), quoteAt);
    const close = triple ? q.repeat(3) : q;
    const bodyStart = quoteAt + close.length;
    const bodyEnd = this.stringEnd(start, bodyStart, close, triple);
    const span = { start, end: bodyEnd + close.length };
    const bytes = prefix.includes('b');
    const raw = prefix.includes('r');
    const fString = prefix.includes('f');
    const text = source.slice(span.start, span.end);
    try {
      const string = this.stringContents(span, bodyStart, bodyEnd, { bytes, raw, fString });
      return { kind: 'string', text, span, string };
    } catch (error) {
      // Python decodes a literal only when its parser reaches it: the error waits on the token.
      // (Inside an f-string the outermost literal holds it.)
      if (this.fDepth > 0 || !(error instanceof ProgramError)) throw error;
      return { kind: 'string', text, span, string: { value: '', bytes, fString }, error };
    }
  }

  private stringContents(
    span: SourceSpan,
    bodyStart: number,
    bodyEnd: number,
    { bytes, raw, fString }: { bytes: boolean; raw: boolean; fString: boolean },
  ): StringLiteral {
    const { source } = this;
    if (bytes) {
      for (let k = bodyStart; k < bodyEnd; k += 1) {
        if (source.charCodeAt(k) >= 128) {
          fail(span, 'SyntaxError', 'bytes can only contain ASCII literal characters');
        }
      }
    }
    return fString
      ? { value: '', bytes, fString, parts: this.fStringBody(bodyStart, bodyEnd, raw, span) }
      : { value: this.decode(bodyStart, bodyEnd, raw, bytes), bytes, fString };
  }

  /** Where the body of a literal ends (the offset of its closing quote). */
  private stringEnd(start: number, bodyStart: number, close: string, triple: boolean): number {
    const { source, end } = this;
    let j = bodyStart;
    for (;;) {
      if (j >= end || (!triple && (source[j] === '\n' || source[j] === '\r'))) {
        if (this.fDepth > 0)
          fail({ start, end: start + 1 }, 'SyntaxError', 'f-string: unterminated string');
        const kind = triple
          ? 'unterminated triple-quoted string literal'
          : 'unterminated string literal';
        const detectedAt = lineOf(source, Math.min(j, source.length - 1));
        failAlways({ start, end: start + 1 }, `${kind} (detected at line ${detectedAt})`);
      }
      if (source[j] === '\\') {
        // An escaped character never closes the literal, not even in a raw string.
        j += source[j + 1] === '\r' && source[j + 2] === '\n' ? 3 : 2;
        continue;
      }
      if (source.startsWith(close, j)) return j;
      j += 1;
    }
  }

  /** A plain literal's value: escapes decoded (unless raw), line ends as '\n'. */
  private decode(from: number, to: number, raw: boolean, bytes: boolean): string {
    const { source } = this;
    let out = '';
    let i = from;
    while (i < to) {
      const c = source[i];
      if (c === '\\' && !raw) {
        const e = this.escape(i, from, bytes);
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
  private escape(i: number, bodyStart: number, bytes: boolean): { text: string; next: number } {
    const { source } = this;
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
    if (c === 'x') return this.hexEscape(i, 2, bodyStart, bytes ? 'bytes' : '\\xXX');
    if (!bytes && c === 'u') return this.hexEscape(i, 4, bodyStart, '\\uXXXX');
    if (!bytes && c === 'U') return this.hexEscape(i, 8, bodyStart, '\\UXXXXXXXX');
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

  private hexEscape(
    i: number,
    digits: number,
    bodyStart: number,
    form: string,
  ): { text: string; next: number } {
    const { source } = this;
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

  // ---- f-strings ----------------------------------------------------------------------------

  private fStringBody(
    from: number,
    to: number,
    raw: boolean,
    span: SourceSpan,
  ): LexedFStringPart[] {
    if (this.fDepth >= this.limits.maxNesting) {
      fail(
        span,
        'LimitError',
        `f-strings nested too deeply (the limit is ${this.limits.maxNesting})`,
      );
    }
    return this.fStringParts(from, to, raw, 0).parts;
  }

  /**
   * Text and fields from `from` to `to`. At `specDepth` 0 this is the body (`{{` and `}}` are
   * escapes, a lone `}` is an error); deeper, it is a format spec, which ends at its `}`.
   */
  private fStringParts(
    from: number,
    to: number,
    raw: boolean,
    specDepth: number,
  ): { parts: LexedFStringPart[]; next: number } {
    const { source } = this;
    const parts: LexedFStringPart[] = [];
    let text = '';
    const flush = (): void => {
      if (text.length > 0) parts.push({ kind: 'text', value: text });
      text = '';
    };
    let i = from;
    while (i < to) {
      const c = source[i];
      if (c === '\\' && !raw) {
        const e = this.escape(i, from, false);
        text += e.text;
        i = e.next;
      } else if (c === '{' && specDepth === 0 && source[i + 1] === '{') {
        text += '{';
        i += 2;
      } else if (c === '{') {
        if (specDepth >= 2) {
          fail({ start: i, end: i + 1 }, 'SyntaxError', 'f-string: expressions nested too deeply');
        }
        flush();
        const field = this.fStringField(i, to, raw, specDepth);
        parts.push(field.part);
        i = field.next;
      } else if (c === '}' && specDepth > 0) {
        flush();
        return { parts, next: i };
      } else if (c === '}') {
        if (source[i + 1] !== '}') {
          fail({ start: i, end: i + 1 }, 'SyntaxError', "f-string: single '}' is not allowed");
        }
        text += '}';
        i += 2;
      } else if (c === '\r') {
        text += '\n';
        i += source[i + 1] === '\n' ? 2 : 1;
      } else {
        text += c;
        i += 1;
      }
    }
    if (specDepth > 0) fail({ start: to, end: to + 1 }, 'SyntaxError', "f-string: expecting '}'");
    flush();
    return { parts, next: i };
  }

  /** The replacement field whose `{` is at `open`: `{expr[=][!conv][:spec]}`. */
  private fStringField(
    open: number,
    to: number,
    raw: boolean,
    specDepth: number,
  ): { part: LexedFStringPart; next: number } {
    const { source } = this;
    const exprStart = open + 1;
    const { tokens, stop } = new Scanner(source, to, this.limits, this.fDepth + 1).fieldTokens(
      exprStart,
    );
    if (tokens.length === 1) {
      fail({ start: open, end: stop + 1 }, 'SyntaxError', 'f-string: empty expression not allowed');
    }
    let j = stop;
    let debugText: string | undefined;
    if (source[j] === '=') {
      j += 1;
      while (j < to && /\s/.test(source[j])) j += 1;
      debugText = source.slice(exprStart, j);
    }
    let conversion: 'r' | 's' | 'a' | undefined;
    if (source[j] === '!') {
      const ch = source[j + 1];
      if (ch !== 'r' && ch !== 's' && ch !== 'a') {
        fail(
          { start: j, end: j + 2 },
          'SyntaxError',
          "f-string: invalid conversion character: expected 's', 'r', or 'a'",
        );
      }
      conversion = ch;
      j += 2;
    }
    let formatSpec: LexedFStringPart[] | undefined;
    if (source[j] === ':') {
      const spec = this.fStringParts(j + 1, to, raw, specDepth + 1);
      formatSpec = spec.parts;
      j = spec.next;
    }
    if (j >= to || source[j] !== '}') {
      fail({ start: j, end: j + 1 }, 'SyntaxError', "f-string: expecting '}'");
    }
    // `{x=}` prints repr(x) unless a conversion or a spec says otherwise, as Python's ast says.
    if (debugText !== undefined && conversion === undefined && formatSpec === undefined) {
      conversion = 'r';
    }
    const part: LexedFStringPart = { kind: 'field', span: { start: open, end: j + 1 }, tokens };
    if (conversion !== undefined) part.conversion = conversion;
    if (formatSpec !== undefined) part.formatSpec = formatSpec;
    if (debugText !== undefined) part.debugText = debugText;
    return { part, next: j + 1 };
  }

  /**
   * The tokens of a field's expression, from `from` to the first `}`, `!`, `:` or `=` outside
   * brackets (what ends the expression in a field). Lines join as inside brackets.
   */
  private fieldTokens(from: number): { tokens: Token[]; stop: number } {
    const { source, end } = this;
    const tokens: Token[] = [];
    const brackets: { ch: string; at: number }[] = [];
    let i = from;
    for (;;) {
      if (i >= end) fail({ start: end, end: end + 1 }, 'SyntaxError', "f-string: expecting '}'");
      const c = source[i];
      if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') {
        i += 1;
        continue;
      }
      if (c === '\\') {
        fail(
          { start: i, end: i + 1 },
          'SyntaxError',
          'f-string expression part cannot include a backslash',
        );
      }
      if (c === '#') {
        fail(
          { start: i, end: i + 1 },
          'SyntaxError',
          "f-string expression part cannot include '#'",
        );
      }
      if (brackets.length === 0 && this.endsFieldExpression(i)) break;
      const t = this.token(i);
      this.trackBracket(t, brackets, 'f-string: ');
      tokens.push(t);
      i = t.span.end;
    }
    tokens.push({ kind: 'end', text: '', span: { start: i, end: i } });
    return { tokens, stop: i };
  }

  private endsFieldExpression(i: number): boolean {
    const c = this.source[i];
    const after = this.source[i + 1];
    // `!=` and `==` are operators; `<=`, `>=` are read from their first character.
    return c === '}' || c === ':' || (c === '!' && after !== '=') || (c === '=' && after !== '=');
  }

  /** Keeps `brackets` in step with an operator token; errors as Python words them. */
  trackBracket(t: Token, brackets: { ch: string; at: number }[], prefix = ''): void {
    if (t.kind !== 'op') return;
    const op = t.text;
    const i = t.span.start;
    if (op === '(' || op === '[' || op === '{') {
      if (brackets.length >= this.limits.maxNesting) {
        failAlways(
          { start: i, end: i + 1 },
          `too many nested parentheses (the limit is ${this.limits.maxNesting})`,
          'LimitError',
        );
      }
      brackets.push({ ch: op, at: i });
    } else if (op === ')' || op === ']' || op === '}') {
      const open = brackets.pop();
      if (open === undefined) failAlways(t.span, `${prefix}unmatched '${op}'`);
      if (open.ch !== CLOSERS[op]) {
        const line = lineOf(this.source, open.at);
        const where = line === lineOf(this.source, i) ? '' : ` on line ${line}`;
        failAlways(
          t.span,
          `${prefix}closing parenthesis '${op}' does not match opening parenthesis '${open.ch}'${where}`,
        );
      }
    }
  }

  // ---- numbers ------------------------------------------------------------------------------

  private number(from: number): Token {
    const { source } = this;
    const prefix = source.slice(from, from + 2).toLowerCase();
    if (prefix === '0x' || prefix === '0o' || prefix === '0b') return this.radixInt(from, prefix);
    let j = this.digits(from, isDigit);
    let isFloat = false;
    if (source[j] === '.' && !source.startsWith('...', j)) {
      isFloat = true;
      j = this.digits(j + 1, isDigit);
    }
    const e = source[j];
    const sign = source[j + 1] === '+' || source[j + 1] === '-' ? 1 : 0;
    if ((e === 'e' || e === 'E') && isDigit(source[j + 1 + sign])) {
      isFloat = true;
      j = this.digits(j + 1 + sign, isDigit);
    }
    const text = source.slice(from, j);
    const clean = text.replace(/_/g, '');
    if (source[j] === 'j' || source[j] === 'J') {
      this.checkNumberEnd(from, j + 1, 'decimal');
      return {
        kind: 'imaginary',
        text: source.slice(from, j + 1),
        span: { start: from, end: j + 1 },
      };
    }
    this.checkNumberEnd(from, j, 'decimal');
    if (isFloat)
      return { kind: 'float', text, span: { start: from, end: j }, value: Number(clean) };
    if (clean.length > 1 && clean[0] === '0' && /[1-9]/.test(clean)) {
      failAlways(
        { start: from, end: j },
        'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
      );
    }
    return this.intToken(from, j, BigInt(clean));
  }

  private radixInt(from: number, prefix: string): Token {
    const { source } = this;
    const radix = prefix === '0x' ? 16 : prefix === '0o' ? 8 : 2;
    const name = radix === 16 ? 'hexadecimal' : radix === 8 ? 'octal' : 'binary';
    const digitOk = (ch: string | undefined): boolean =>
      ch !== undefined && /^[0-9a-fA-F]$/.test(ch) && parseInt(ch, 16) < radix;
    let j = from + 2;
    if (source[j] === '_') j += 1;
    const digitsStart = j;
    j = this.digits(j, digitOk);
    if (isDigit(source[j])) {
      failAlways({ start: j, end: j + 1 }, `invalid digit '${source[j]}' in ${name} literal`);
    }
    if (j === digitsStart) failAlways({ start: from, end: j + 1 }, `invalid ${name} literal`);
    this.checkNumberEnd(from, j, name);
    return this.intToken(
      from,
      j,
      BigInt(`0${prefix[1]}${source.slice(digitsStart, j).replace(/_/g, '')}`),
    );
  }

  private intToken(from: number, to: number, big: bigint): Token {
    return {
      kind: 'int',
      text: this.source.slice(from, to),
      span: { start: from, end: to },
      value: Number(big),
      big,
    };
  }

  /** Past the digits at `j`, with single underscores between digits. */
  private digits(j: number, ok: (ch: string | undefined) => boolean): number {
    const { source, end } = this;
    let k = j;
    while (k < end && (ok(source[k]) || (source[k] === '_' && ok(source[k + 1])))) k += 1;
    return k;
  }

  /** A number must not run into a name (`1x`, `1_`), except the few words Python allows. */
  private checkNumberEnd(from: number, j: number, name: string): void {
    const wordEnd = identifierEnd(this.source, j, this.end);
    if (wordEnd === j) return;
    if (WORDS_AFTER_NUMBER.has(this.source.slice(j, wordEnd))) return;
    failAlways({ start: from, end: j + 1 }, `invalid ${name} literal`);
  }
}

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
