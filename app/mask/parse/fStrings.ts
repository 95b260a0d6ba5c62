/**
 * String literals in the parser: adjacent literals joined into one `string` or `fstring` node,
 * and f-string replacement fields parsed from the tokens the lexer already made for them (their
 * spans are offsets in the whole source), with syntax errors inside reworded "f-string: ..." as
 * Python 3.11 words them. It is its own layer because it is the one place the parser reads a
 * second token list (a field's) in the middle of the main one.
 */
import type { Expr, FStringPart } from '../ast';
import { fail, ProgramError } from '../errors';
import type { LexedFStringPart, Token } from './tokens';
import { fieldValues, span } from './grammar';
import { ParserBase } from './parserBase';

export abstract class StringParser extends ParserBase {
  protected abstract starExpressions(): Expr;

  // ---- strings ------------------------------------------------------------------------------

  /** Adjacent literals joined: one `string`, or one `fstring` if any of them is an f-string. */
  protected strings(): Expr {
    const first = this.peek();
    const parts: FStringPart[] = [];
    let bytes: boolean | undefined;
    let fString = false;
    let end = first.span;
    while (this.peek().kind === 'string') {
      const t = this.next();
      const literal = t.string ?? { value: '', bytes: false, fString: false };
      if (bytes !== undefined && literal.bytes !== bytes) {
        fail(span(first.span, t.span), 'SyntaxError', 'cannot mix bytes and nonbytes literals');
      }
      bytes = literal.bytes;
      fString ||= literal.fString;
      if (literal.fString) {
        for (const p of literal.parts ?? []) this.appendPart(parts, this.fStringPart(p));
      } else {
        this.appendPart(parts, { kind: 'text', value: literal.value });
      }
      end = t.span;
    }
    const s = span(first.span, end);
    if (fString) return this.node({ kind: 'fstring', span: s, parts }, fieldValues(parts));
    const value = parts.map((p) => (p.kind === 'text' ? p.value : '')).join('');
    return this.node({ kind: 'string', span: s, value, bytes: bytes === true });
  }

  /** Adds a part, joining adjacent text and dropping empty text. */
  private appendPart(parts: FStringPart[], part: FStringPart): void {
    const last = parts[parts.length - 1];
    if (part.kind === 'text' && part.value === '') return;
    if (part.kind === 'text' && last?.kind === 'text') {
      parts[parts.length - 1] = { kind: 'text', value: last.value + part.value };
    } else {
      parts.push(part);
    }
  }

  private fStringPart(p: LexedFStringPart): FStringPart {
    if (p.kind === 'text') return p;
    const part: FStringPart = {
      kind: 'field',
      span: p.span,
      value: this.fieldExpression(p.tokens),
    };
    if (p.conversion !== undefined) part.conversion = p.conversion;
    if (p.formatSpec !== undefined) {
      const spec: FStringPart[] = [];
      for (const q of p.formatSpec) this.appendPart(spec, this.fStringPart(q));
      part.formatSpec = spec;
    }
    if (p.debugText !== undefined) part.debugText = p.debugText;
    return part;
  }

  /**
   * A replacement field's expression, parsed from its own tokens (whose spans point into the
   * source). Syntax errors inside read "f-string: ...", as in Python 3.11.
   */
  private fieldExpression(tokens: Token[]): Expr {
    const saved = { tokens: this.tokens, pos: this.pos };
    this.tokens = tokens;
    this.pos = 0;
    try {
      const e = this.starExpressions();
      if (this.peek().kind !== 'end') this.unexpected();
      if (e.kind === 'starred') fail(e.span, 'SyntaxError', 'cannot use starred expression here');
      return e;
    } catch (error) {
      if (
        error instanceof ProgramError &&
        error.kind === 'SyntaxError' &&
        !error.detail.startsWith('f-string')
      ) {
        throw new ProgramError(error.span, error.kind, `f-string: ${error.detail}`);
      }
      throw error;
    } finally {
      this.tokens = saved.tokens;
      this.pos = saved.pos;
    }
  }
}
