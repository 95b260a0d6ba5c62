/**
 * Expressions from the loosest binding to the tightest: star expressions and tuples, the
 * walrus, conditional expressions and lambdas, `or` / `and` / `not`, comparisons, the binary
 * operator levels, unary operators and `**`, then primaries (attributes, calls with Python's
 * argument-order checks, subscripts and slices). Parameter lists are read by the statement
 * layer (they belong to `def` as much as to `lambda`).
 */
import type { BinaryOp, CompareOp, Expr, ExprOf, Keyword, Parameters } from '../ast';
import { fail } from '../errors';
import type { Token } from './tokens';
import {
  BINARY_LEVELS,
  COMPARE_OPS,
  exprName,
  hintsEquals,
  KEYWORDS,
  span,
  type CallState,
} from './grammar';
import { AtomParser } from './atoms';

export abstract class ExpressionParser extends AtomParser {
  protected abstract parameters(closer: ')' | ':'): Parameters;

  // ---- expressions --------------------------------------------------------------------------

  /** `a`, `a, *b`, `a,`: a tuple when there is a comma (a statement's value, `return`, ...). */
  protected starExpressions(): Expr {
    return this.bareTuple(() => this.starExpression());
  }

  protected starExpression(): Expr {
    const star = this.acceptOp('*');
    return star !== undefined ? this.starred(star, this.bitwiseOr()) : this.expression();
  }

  /** An element of a list, set or parenthesized tuple: `*x`, `x := v` or an expression. */
  protected starNamedExpression(): Expr {
    const star = this.acceptOp('*');
    return star !== undefined ? this.starred(star, this.bitwiseOr()) : this.namedExpression();
  }

  protected starred(star: Token, value: Expr): Expr {
    return this.node({ kind: 'starred', span: span(star.span, value.span), value }, [value]);
  }

  /**
   * `name := value` or an expression. A stray `=` after it (`if x = 1:`) gets Python's hint,
   * except where the caller reads `name=value` itself (call arguments).
   */
  protected namedExpression(checkStrayEquals = true): Expr {
    const t = this.peek();
    if (t.kind === 'name' && !KEYWORDS.has(t.text) && this.isOp(':=', 1)) {
      this.next();
      this.next();
      const value = this.expression();
      const target = this.node({ kind: 'name', span: t.span, id: t.text });
      const s = span(t.span, value.span);
      return this.node({ kind: 'namedexpr', span: s, target, value }, [target, value]);
    }
    const e = this.expression();
    if (this.isOp(':=')) {
      fail(e.span, 'SyntaxError', `cannot use assignment expressions with ${exprName(e)}`);
    }
    if (checkStrayEquals && this.isOp('=')) this.strayEquals(e);
    return e;
  }

  private strayEquals(e: Expr): never {
    const eq = this.peek();
    if (e.kind === 'name') {
      fail(eq.span, 'SyntaxError', "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    }
    if (!hintsEquals(e)) this.unexpected(eq);
    return fail(
      e.span,
      'SyntaxError',
      `cannot assign to ${exprName(e)} here. Maybe you meant '==' instead of '='?`,
    );
  }

  protected expression(): Expr {
    return this.nested(this.peek().span, () => {
      if (this.isKw('lambda')) return this.lambda();
      const body = this.disjunction();
      if (!this.isKw('if')) return body;
      this.next();
      const test = this.disjunction();
      if (!this.acceptKw('else')) {
        fail(span(body.span, test.span), 'SyntaxError', "expected 'else' after 'if' expression");
      }
      const orelse = this.expression();
      const s = span(body.span, orelse.span);
      return this.node({ kind: 'ifexp', span: s, test, body, orelse }, [test, body, orelse]);
    });
  }

  private lambda(): Expr {
    const t = this.next();
    const params = this.parameters(':');
    this.expectOp(':');
    const body = this.expression();
    const defaults = [...params.positional, ...params.keywordOnly].flatMap((p) =>
      p.default !== undefined ? [p.default] : [],
    );
    return this.node({ kind: 'lambda', span: span(t.span, body.span), params, body }, [
      ...defaults,
      body,
    ]);
  }

  protected disjunction(): Expr {
    return this.boolChain('or', () => this.conjunction());
  }

  private conjunction(): Expr {
    return this.boolChain('and', () => this.inversion());
  }

  private boolChain(op: 'and' | 'or', operand: () => Expr): Expr {
    const first = operand();
    if (!this.isKw(op)) return first;
    const values = [first];
    while (this.acceptKw(op)) values.push(operand());
    const s = span(first.span, values[values.length - 1].span);
    return this.node({ kind: 'boolop', span: s, op, values }, values);
  }

  private inversion(): Expr {
    const t = this.acceptKw('not');
    if (t === undefined) return this.comparison();
    const operand = this.nested(t.span, () => this.inversion());
    const s = span(t.span, operand.span);
    return this.node({ kind: 'unary', span: s, op: 'not', operand }, [operand]);
  }

  private comparison(): Expr {
    const left = this.bitwiseOr();
    const ops: CompareOp[] = [];
    const comparators: Expr[] = [];
    for (let op = this.compareOp(); op !== undefined; op = this.compareOp()) {
      ops.push(op);
      comparators.push(this.bitwiseOr());
    }
    if (ops.length === 0) return left;
    const s = span(left.span, comparators[comparators.length - 1].span);
    return this.node({ kind: 'compare', span: s, left, ops, comparators }, [left, ...comparators]);
  }

  /** Reads a comparison operator (`not in` and `is not` are two tokens), if one is next. */
  private compareOp(): CompareOp | undefined {
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
      this.next();
      return t.text as CompareOp;
    }
    if (this.acceptKw('in')) return 'in';
    if (this.isKw('not') && this.isKw('in', 1)) {
      this.next();
      this.next();
      return 'not in';
    }
    if (this.acceptKw('is')) return this.acceptKw('not') ? 'is not' : 'is';
    return undefined;
  }

  protected bitwiseOr(): Expr {
    return this.binary(0);
  }

  /** Left-associative binary operators, one precedence level per BINARY_LEVELS entry. */
  private binary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.factor();
    const ops = BINARY_LEVELS[level];
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !ops.includes(t.text)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = this.node(
        {
          kind: 'binary',
          span: span(left.span, right.span),
          op: t.text as BinaryOp,
          left,
          right,
          opSpan: t.span,
        },
        [left, right],
      );
    }
  }

  private factor(): Expr {
    const t = this.peek();
    if (t.kind !== 'op' || (t.text !== '-' && t.text !== '+' && t.text !== '~'))
      return this.power();
    this.next();
    const operand = this.nested(t.span, () => this.factor());
    const op = t.text;
    return this.node({ kind: 'unary', span: span(t.span, operand.span), op, operand }, [operand]);
  }

  private power(): Expr {
    const base = this.primary();
    const t = this.acceptOp('**');
    if (t === undefined) return base;
    const exponent = this.nested(t.span, () => this.factor());
    return this.node(
      {
        kind: 'binary',
        span: span(base.span, exponent.span),
        op: '**',
        left: base,
        right: exponent,
        opSpan: t.span,
      },
      [base, exponent],
    );
  }

  /** An atom followed by any chain of `.name`, `(args)` and `[index]`. */
  private primary(): Expr {
    let e = this.atom();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op') return e;
      if (t.text === '.') {
        this.next();
        const name = this.expectName('an attribute name');
        e = this.node(
          {
            kind: 'attribute',
            span: span(e.span, name.span),
            value: e,
            attr: name.text,
            attrSpan: name.span,
          },
          [e],
        );
      } else if (t.text === '(') {
        this.next();
        const func = e;
        const { args, keywords, close } = this.nested(t.span, () => this.callArguments(t, true));
        const s = span(func.span, close.span);
        e = this.node({ kind: 'call', span: s, func, args, keywords }, [
          func,
          ...args,
          ...keywords.map((k) => k.value),
        ]);
      } else if (t.text === '[') {
        this.next();
        e = this.nested(t.span, () => this.subscript(e));
      } else {
        return e;
      }
    }
  }

  /**
   * A call's (or a class's) arguments after `(`, through `)`: positional ones, `*iterable`,
   * `name=value`, `**mapping`, in Python's order, or one bare generator (`all(x for x in y)`),
   * whose span then runs from `(` to `)` as in Python's ast.
   */
  protected callArguments(
    open: Token,
    allowGenerator: boolean,
  ): { args: Expr[]; keywords: Keyword[]; close: Token } {
    const state: CallState = { args: [], keywords: [], names: new Set(), sawKeyword: false };
    let last: Expr | undefined;
    while (!this.isOp(')')) {
      last = this.callArgument(state, open, allowGenerator);
      if (!this.acceptOp(',')) break;
    }
    const close = this.closeBracket(')', last);
    return { args: state.args, keywords: state.keywords, close };
  }

  /** One argument into `state`, checked against those before it; returns its value. */
  private callArgument(state: CallState, open: Token, allowGenerator: boolean): Expr {
    const t = this.peek();
    if (this.acceptOp('*')) {
      const value = this.expression();
      const s = span(t.span, value.span);
      if (this.isKw('for')) {
        const first = state.args.length + state.keywords.length === 0;
        const message = first
          ? 'iterable unpacking cannot be used in comprehension'
          : 'Generator expression must be parenthesized';
        fail(s, 'SyntaxError', message);
      }
      if (state.unpackedMapping) {
        fail(s, 'SyntaxError', 'iterable argument unpacking follows keyword argument unpacking');
      }
      state.args.push(this.starred(t, value));
      return value;
    }
    if (this.acceptOp('**')) {
      const value = this.expression();
      state.keywords.push({ span: span(t.span, value.span), value });
      state.unpackedMapping = true;
      return value;
    }
    if (t.kind === 'name' && this.isOp('=', 1)) {
      const keyword = this.keywordArgument(state.names);
      state.keywords.push(keyword);
      state.sawKeyword = true;
      return keyword.value;
    }
    const value = this.positionalArgument(state, open, allowGenerator);
    state.args.push(value);
    return value;
  }

  private positionalArgument(state: CallState, open: Token, allowGenerator: boolean): Expr {
    let value = this.namedExpression(false);
    if (this.isKw('for') && allowGenerator) {
      value = this.comprehension('generator', value, undefined, value.span.start);
      if (state.args.length + state.keywords.length > 0 || !this.isOp(')')) {
        fail(value.span, 'SyntaxError', 'Generator expression must be parenthesized');
      }
      // The sole argument: its span is the call's parentheses, as in Python's ast.
      value.span = span(open.span, this.peek().span);
    }
    if (this.isOp('=')) {
      fail(
        span(value.span, this.peek().span),
        'SyntaxError',
        'expression cannot contain assignment, perhaps you meant "=="?',
      );
    }
    if (state.unpackedMapping) {
      fail(value.span, 'SyntaxError', 'positional argument follows keyword argument unpacking');
    }
    if (state.sawKeyword) {
      fail(value.span, 'SyntaxError', 'positional argument follows keyword argument');
    }
    return value;
  }

  private keywordArgument(names: Set<string>): Keyword {
    const t = this.next();
    this.next();
    if (KEYWORDS.has(t.text)) {
      if (t.text === 'True' || t.text === 'False' || t.text === 'None') {
        fail(span(t.span, this.peek().span), 'SyntaxError', `cannot assign to ${t.text}`);
      }
      this.unexpected(t);
    }
    const value = this.expression();
    const s = span(t.span, value.span);
    if (names.has(t.text)) fail(s, 'SyntaxError', `keyword argument repeated: ${t.text}`);
    names.add(t.text);
    return { name: t.text, span: s, value };
  }

  /** `value[...]` after its `[`: one index per comma-separated item, slices as `slice` nodes. */
  private subscript(value: Expr): Expr {
    const indices: Expr[] = [];
    let tuple = false;
    while (!this.isOp(']')) {
      indices.push(this.sliceItem());
      if (!this.acceptOp(',')) break;
      tuple = true;
    }
    if (indices.length === 0) this.unexpected();
    // `a[*b]` indexes with a tuple, as `a[(*b,)]` does.
    tuple ||= indices.some((i) => i.kind === 'starred');
    const close = this.closeBracket(']', indices[indices.length - 1]);
    const s = span(value.span, close.span);
    return this.node({ kind: 'subscript', span: s, value, indices, tuple }, [value, ...indices]);
  }

  private sliceItem(): Expr {
    const star = this.acceptOp('*');
    if (star !== undefined) return this.starred(star, this.bitwiseOr());
    const lower = this.isOp(':') ? undefined : this.namedExpression();
    const colon = this.acceptOp(':');
    if (colon === undefined) return lower ?? this.unexpected();
    const slice: ExprOf<'slice'> = {
      kind: 'slice',
      span: span(lower?.span ?? colon.span, colon.span),
    };
    if (lower !== undefined) slice.lower = lower;
    if (this.startsExpression()) slice.upper = this.expression();
    const second = this.acceptOp(':');
    if (second !== undefined && this.startsExpression()) slice.step = this.expression();
    const end = slice.step?.span ?? second?.span ?? slice.upper?.span ?? colon.span;
    slice.span = span(slice.span, end);
    const children = [slice.lower, slice.upper, slice.step].filter((c) => c !== undefined);
    return this.node(slice, children);
  }
}
