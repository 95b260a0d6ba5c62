/**
 * The scanner: reads the one token that starts at an offset (a name, number, string literal or
 * operator) and keeps brackets balanced, with Python 3.11's messages. String literals are read
 * here whole, f-strings included: an f-string's replacement fields are tokenized by a scanner of
 * their own, bounded by the literal, so a field can never run past it. What surrounds tokens
 * (indentation, NEWLINE, comments) is the drivers' job in lexer.ts, which is why this is apart:
 * the Python tokenizer and the program-text scan read tokens with the same scanner.
 */
import { fail, ProgramError } from '../errors';
import type { CompileLimits } from '../limits';
import type { SourceSpan } from '../types';
import { numberToken } from './numberLiterals';
import { decodeLiteral, escapeAt } from './stringEscapes';
import {
  CLOSERS,
  describeChar,
  failAlways,
  identifierEnd,
  isDigit,
  isQuote,
  lineOf,
  operatorAt,
  STRING_PREFIX,
  type LexedFStringPart,
  type StringLiteral,
  type Token,
} from './tokens';

/**
 * Reads single tokens (names, numbers, strings, operators) from `source` up to `end`. The main
 * tokenizer uses one over the whole text; each f-string field gets its own, bounded by the
 * f-string's body, so a string inside a field can never run past it.
 */
export class Scanner {
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
    if (isDigit(c) || (c === '.' && isDigit(source[i + 1])))
      return numberToken(source, i, this.end);
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
      : { value: decodeLiteral(source, bodyStart, bodyEnd, raw, bytes), bytes, fString };
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
        const e = escapeAt(source, i, from, false);
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
}
