/**
 * What every layer of the parser shares: the token stream (peek, accept, expect, with Python's
 * "invalid syntax" and keyword messages), the bounds on recursion and expression height, the
 * errors Python reports only after parsing (kept in `later`), the def/class/loop state that
 * `return` and `break` are checked against, and the checks on assignment targets. The parser is a
 * chain of classes, one per part of the grammar (f-strings, atoms, expressions, simple
 * statements, compound statements), each extending the one before and declaring abstract what it
 * needs from the layers above it; this is the bottom of that chain.
 */
import type { Expr } from '../ast';
import { fail, ProgramError } from '../errors';
import type { CompileLimits } from '../limits';
import type { SourceSpan } from '../types';
import type { Token } from './tokens';
import {
  doubleStarred,
  EXPRESSION_KEYWORDS,
  EXPRESSION_OPS,
  exprName,
  hintsEquals,
  invalidTarget,
  KEYWORDS,
  REFUSED_KEYWORDS,
  span,
  type Scope,
} from './grammar';

export abstract class ParserBase {
  protected pos = 0;
  /** Expressions being read inside one another (brackets, operators, lambdas, ...). */
  private depth = 0;
  /** Blocks being read inside one another. */
  protected blockDepth = 0;
  protected scope: Scope = 'module';
  protected loopDepth = 0;
  /**
   * Errors Python finds only after parsing (in its symbol table, then its compiler): any parser
   * error in the file comes first, so the first of each is kept and thrown at the end.
   */
  protected later: Partial<Record<'symtable' | 'compiler', ProgramError>> = {};
  private readonly heights = new WeakMap<Expr, number>();
  protected readonly elementCounts = new WeakMap<Expr, number>();

  constructor(
    protected tokens: Token[],
    protected readonly source: string,
    protected readonly limits: CompileLimits,
  ) {}

  // ---- tokens -------------------------------------------------------------------------------

  protected peek(k = 0): Token {
    const t = this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
    // The tokens stop at a lexical error: reaching it is that error.
    if (t.error !== undefined) throw t.error;
    return t;
  }
  protected next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos += 1;
    return t;
  }
  protected isOp(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === text;
  }
  protected isKw(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'name' && t.text === word;
  }
  protected acceptOp(text: string): Token | undefined {
    return this.isOp(text) ? this.next() : undefined;
  }
  protected acceptKw(word: string): Token | undefined {
    return this.isKw(word) ? this.next() : undefined;
  }

  protected unexpected(t: Token = this.peek()): never {
    if (t.kind === 'indent') fail(t.span, 'IndentationError', 'unexpected indent');
    if (t.kind === 'name' && REFUSED_KEYWORDS[t.text] !== undefined) {
      fail(t.span, 'NotSupportedError', REFUSED_KEYWORDS[t.text]);
    }
    return fail(t.span, 'SyntaxError', 'invalid syntax');
  }

  protected expectOp(text: string): Token {
    return this.acceptOp(text) ?? this.unexpected();
  }

  protected expectKw(word: string): Token {
    return this.acceptKw(word) ?? this.unexpected();
  }

  /**
   * `:` ending a compound statement's header. Python says "expected ':'" when the line ends
   * there, or always after some headers (def, for, try, else, finally); otherwise "invalid syntax".
   */
  protected expectColon(always: boolean): void {
    if (this.acceptOp(':')) return;
    const t = this.peek();
    if (always || t.kind === 'newline') fail(t.span, 'SyntaxError', "expected ':'");
    this.unexpected(t);
  }

  protected expectName(what: string): Token {
    const t = this.peek();
    if (t.kind === 'name' && !KEYWORDS.has(t.text)) return this.next();
    if (t.kind === 'name' && REFUSED_KEYWORDS[t.text] === undefined) {
      fail(t.span, 'SyntaxError', `invalid syntax ('${t.text}' is a keyword, not ${what})`);
    }
    return this.unexpected(t);
  }

  /** The closing bracket of a display or call; two expressions in a row lack a comma. */
  protected closeBracket(closer: string, last?: Expr): Token {
    const t = this.peek();
    if (t.kind === 'op' && t.text === closer) return this.next();
    const binaryOp = t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '*');
    if (last !== undefined && this.startsExpression() && !binaryOp) {
      fail(span(last.span, t.span), 'SyntaxError', 'invalid syntax. Perhaps you forgot a comma?');
    }
    return this.unexpected(t);
  }

  protected startsExpression(k = 0): boolean {
    const t = this.peek(k);
    switch (t.kind) {
      case 'name':
        return !KEYWORDS.has(t.text) || EXPRESSION_KEYWORDS.has(t.text);
      case 'int':
      case 'float':
      case 'imaginary':
      case 'string':
        return true;
      case 'op':
        return EXPRESSION_OPS.has(t.text);
      default:
        return false;
    }
  }

  protected lineNumber(t: Token): number {
    let line = 1;
    const { source } = this;
    for (
      let k = source.indexOf('\n');
      k >= 0 && k < t.span.start;
      k = source.indexOf('\n', k + 1)
    ) {
      line += 1;
    }
    return line;
  }

  // ---- limits -------------------------------------------------------------------------------

  /** Every recursion goes through here, so nesting is bounded before the stack is. */
  protected nested<T>(at: SourceSpan, body: () => T): T {
    this.depth += 1;
    if (this.depth > this.limits.maxNesting) {
      fail(
        at,
        'LimitError',
        `expression nested too deeply (the limit is ${this.limits.maxNesting} levels)`,
      );
    }
    try {
      return body();
    } finally {
      this.depth -= 1;
    }
  }

  /** Records a new node's height, which must stay under the expression-height limit. */
  protected node<E extends Expr>(e: E, children: readonly Expr[] = []): E {
    let h = 0;
    for (const c of children) h = Math.max(h, this.heights.get(c) ?? 1);
    if (h + 1 > this.limits.maxExpressionHeight) {
      fail(
        e.span,
        'LimitError',
        `expression too long (the limit is ${this.limits.maxExpressionHeight} nested operations); split it with local variables`,
      );
    }
    this.heights.set(e, h + 1);
    return e;
  }

  protected failLater(stage: 'symtable' | 'compiler', at: SourceSpan, detail: string): void {
    this.later[stage] ??= new ProgramError(at, 'SyntaxError', detail);
  }

  /** Runs `body` as the inside of a def or class: its own scope, outside any loop. */
  protected inScope<T>(scope: Scope, body: () => T): T {
    const saved = { scope: this.scope, loopDepth: this.loopDepth };
    this.scope = scope;
    this.loopDepth = 0;
    try {
      return body();
    } finally {
      this.scope = saved.scope;
      this.loopDepth = saved.loopDepth;
    }
  }

  protected inLoop<T>(body: () => T): T {
    this.loopDepth += 1;
    try {
      return body();
    } finally {
      this.loopDepth -= 1;
    }
  }

  // ---- targets ----------------------------------------------------------------------------

  /** An assignment target (of `=`, `for`, `with ... as`, a comprehension) must be assignable. */
  protected checkTarget(target: Expr, hintEquals: boolean): void {
    const bad = invalidTarget(target, false);
    if (bad !== undefined) {
      const name = exprName(bad);
      const hinted = hintEquals && bad === target && hintsEquals(bad);
      const hint = hinted ? " here. Maybe you meant '==' instead of '='?" : '';
      fail(bad.span, 'SyntaxError', `cannot assign to ${name}${hint}`);
    }
    if (target.kind === 'starred') {
      this.failLater(
        'compiler',
        target.span,
        'starred assignment target must be in a list or tuple',
      );
    }
    const doubled = doubleStarred(target);
    if (doubled !== undefined) {
      this.failLater('compiler', doubled.span, 'multiple starred expressions in assignment');
    }
  }

  /** `*x` is a value only inside a tuple, list, set or call. */
  protected noBareStarred(e: Expr): void {
    if (e.kind === 'starred')
      this.failLater('compiler', e.span, "can't use starred expression here");
  }
}
