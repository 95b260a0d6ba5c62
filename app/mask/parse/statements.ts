/**
 * The top of the parser: a module as a list of statements, the dispatch from a statement's first
 * token, and the compound statements with their blocks (if / elif / else, while, for, try /
 * except / finally, with, def and class with decorators), plus the parameter lists of defs and
 * lambdas. `Parser` is the concrete class the parse() entry point (parser.ts) runs.
 */
import type { ExceptHandler, Expr, Keyword, Module, Param, Parameters, Stmt } from '../ast';
import { fail, ProgramError } from '../errors';
import type { Token } from './tokens';
import { lastSpan, span, type WithItem } from './grammar';
import { SimpleStatementParser } from './simpleStatements';

export class Parser extends SimpleStatementParser {
  // ---- statements ---------------------------------------------------------------------------

  module(): Module {
    const body: Stmt[] = [];
    while (this.peek().kind !== 'end') {
      if (this.peek().kind === 'newline') {
        this.next();
        continue;
      }
      body.push(...this.statement());
    }
    const late = this.later.symtable ?? this.later.compiler;
    if (late !== undefined) throw late;
    return { body };
  }

  private statement(): Stmt[] {
    const t = this.peek();
    if (t.kind === 'indent') fail(t.span, 'IndentationError', 'unexpected indent');
    if (t.kind === 'op' && t.text === '@') return [this.decorated()];
    if (t.kind === 'name') {
      switch (t.text) {
        case 'def':
          return [this.funcDef([])];
        case 'class':
          return [this.classDef([])];
        case 'if':
          return [this.ifStatement()];
        case 'while':
          return [this.whileStatement()];
        case 'for':
          return [this.forStatement()];
        case 'try':
          return [this.tryStatement()];
        case 'with':
          return [this.withStatement()];
        case 'async':
          return this.unexpected(t);
        case 'match':
        case 'case':
          if (this.isBlockHeader()) {
            fail(
              t.span,
              'NotSupportedError',
              "'match' statements are not supported: use if / elif / else",
            );
          }
      }
    }
    return this.simpleStatements();
  }

  /**
   * Whether the logical line ends with `:` and a block follows: for a line that starts with the
   * soft keyword `match` or `case`, that makes it a match statement (no other statement can).
   */
  private isBlockHeader(): boolean {
    let k = this.pos;
    while (k < this.tokens.length - 1 && this.tokens[k].kind !== 'newline') k += 1;
    const before = this.tokens[k - 1];
    return before.kind === 'op' && before.text === ':' && this.tokens[k + 1]?.kind === 'indent';
  }

  // ---- compound statements ------------------------------------------------------------------

  /** The block after a header's `:`: statements on the same line, or an indented suite. */
  private block(header: Token, what: string): Stmt[] {
    if (this.peek().kind !== 'newline') return this.simpleStatements();
    this.next();
    const indent = this.peek();
    if (indent.kind !== 'indent') {
      // Python points at what follows: the next statement, or the last line of the file.
      const end = indent.span.start;
      const lastLine = /[\r\n]/.test(this.source[end - 1] ?? '') ? end - 1 : end;
      fail(
        indent.kind === 'end' ? { start: lastLine, end: lastLine } : indent.span,
        'IndentationError',
        `expected an indented block after ${what} on line ${this.lineNumber(header)}`,
      );
    }
    this.next();
    if (this.blockDepth >= this.limits.maxNesting) {
      fail(
        indent.span,
        'LimitError',
        `too many levels of indentation (the limit is ${this.limits.maxNesting})`,
      );
    }
    this.blockDepth += 1;
    try {
      const body: Stmt[] = [];
      while (this.peek().kind !== 'dedent' && this.peek().kind !== 'end') {
        body.push(...this.statement());
      }
      this.next();
      return body;
    } finally {
      this.blockDepth -= 1;
    }
  }

  /** `else:` and its block, if there is one. */
  private elseBlock(): Stmt[] {
    const t = this.acceptKw('else');
    if (t === undefined) return [];
    this.expectColon(true);
    return this.block(t, "'else' statement");
  }

  private ifStatement(): Stmt {
    const clauses: { token: Token; test: Expr; body: Stmt[] }[] = [];
    let token = this.next();
    for (;;) {
      const test = this.namedExpression();
      this.expectColon(false);
      const body = this.block(token, `'${token.text}' statement`);
      clauses.push({ token, test, body });
      const elif = this.acceptKw('elif');
      if (elif === undefined) break;
      // Each elif nests one level deeper in the tree: bound it, for readers that recurse.
      if (clauses.length >= this.limits.maxExpressionHeight) {
        fail(
          elif.span,
          'LimitError',
          `too many 'elif' branches (the limit is ${this.limits.maxExpressionHeight})`,
        );
      }
      token = elif;
    }
    // An `elif` is an `if` in the `else` of the clause before: built from the last one outwards,
    // without recursion, so a long chain costs no stack.
    let orelse = this.elseBlock();
    for (let k = clauses.length - 1; k >= 0; k -= 1) {
      const { token: t, test, body } = clauses[k];
      const end = lastSpan(orelse) ?? lastSpan(body) ?? test.span;
      orelse = [{ kind: 'if', span: span(t.span, end), test, body, orelse }];
    }
    return orelse[0];
  }

  private whileStatement(): Stmt {
    const t = this.next();
    const test = this.namedExpression();
    this.expectColon(false);
    const body = this.inLoop(() => this.block(t, "'while' statement"));
    const orelse = this.elseBlock();
    const end = lastSpan(orelse) ?? lastSpan(body) ?? test.span;
    return { kind: 'while', span: span(t.span, end), test, body, orelse };
  }

  private forStatement(): Stmt {
    const t = this.next();
    const target = this.targetList();
    this.checkTarget(target, false);
    this.expectKw('in');
    const iter = this.starExpressions();
    this.noBareStarred(iter);
    this.expectColon(true);
    const body = this.inLoop(() => this.block(t, "'for' statement"));
    const orelse = this.elseBlock();
    const end = lastSpan(orelse) ?? lastSpan(body) ?? iter.span;
    return { kind: 'for', span: span(t.span, end), target, iter, body, orelse };
  }

  private tryStatement(): Stmt {
    const t = this.next();
    this.expectColon(true);
    const body = this.block(t, "'try' statement");
    const handlers: ExceptHandler[] = [];
    while (this.isKw('except')) handlers.push(this.exceptHandler(handlers));
    const orelse = handlers.length > 0 ? this.elseBlock() : [];
    let finalbody: Stmt[] = [];
    const fin = this.acceptKw('finally');
    if (fin !== undefined) {
      this.expectColon(true);
      finalbody = this.block(fin, "'finally' statement");
    } else if (handlers.length === 0) {
      fail(this.peek().span, 'SyntaxError', "expected 'except' or 'finally' block");
    }
    const end =
      lastSpan(finalbody) ?? lastSpan(orelse) ?? handlers[handlers.length - 1]?.span ?? t.span;
    return { kind: 'try', span: span(t.span, end), body, handlers, orelse, finalbody };
  }

  private exceptHandler(before: ExceptHandler[]): ExceptHandler {
    const t = this.next();
    const bare = before.find((h) => h.type === undefined);
    if (bare !== undefined) fail(bare.span, 'SyntaxError', "default 'except:' must be last");
    if (this.isOp('*')) {
      fail(
        span(t.span, this.peek().span),
        'NotSupportedError',
        "'except*' (exception groups) is not supported: use 'except'",
      );
    }
    const handler: ExceptHandler = { span: t.span, body: [] };
    if (!this.isOp(':')) {
      handler.type = this.expression();
      if (this.isOp(',')) {
        this.next();
        const other = this.expression();
        fail(
          span(handler.type.span, other.span),
          'SyntaxError',
          'multiple exception types must be parenthesized',
        );
      }
      if (this.acceptKw('as')) handler.name = this.expectName('a name').text;
    }
    this.expectColon(false);
    handler.body = this.block(t, "'except' statement");
    handler.span = span(t.span, lastSpan(handler.body) ?? t.span);
    return handler;
  }

  private withStatement(): Stmt {
    const t = this.next();
    const items = (this.isOp('(') ? this.parenthesizedWithItems() : undefined) ?? this.withItems();
    this.expectColon(false);
    const body = this.block(t, "'with' statement");
    return { kind: 'with', span: span(t.span, lastSpan(body) ?? t.span), items, body };
  }

  /**
   * `with (a as b, c as d):`, Python 3.10's form. `with (a, b) as c:` starts the same way but is
   * an expression; when the items do not end in `):`, the header is read again as plain items.
   */
  private parenthesizedWithItems(): WithItem[] | undefined {
    const saved = { pos: this.pos, later: { ...this.later } };
    try {
      this.next();
      const items: WithItem[] = [];
      do {
        if (this.isOp(')')) break;
        items.push(this.withItem());
      } while (this.acceptOp(','));
      if (items.length > 0 && this.acceptOp(')') && this.isOp(':')) return items;
    } catch (error) {
      if (!(error instanceof ProgramError)) throw error;
    }
    this.pos = saved.pos;
    this.later = saved.later;
    return undefined;
  }

  private withItems(): WithItem[] {
    const items = [this.withItem()];
    while (this.acceptOp(',')) items.push(this.withItem());
    return items;
  }

  private withItem(): WithItem {
    const context = this.expression();
    if (!this.acceptKw('as')) return { context };
    const target = this.targetItem();
    this.checkTarget(target, false);
    return { context, target };
  }

  private decorated(): Stmt {
    const decorators: Expr[] = [];
    while (this.acceptOp('@')) {
      decorators.push(this.namedExpression());
      if (this.peek().kind !== 'newline') this.unexpected();
      this.next();
    }
    if (this.isKw('def')) return this.funcDef(decorators);
    if (this.isKw('class')) return this.classDef(decorators);
    return this.unexpected();
  }

  private funcDef(decorators: Expr[]): Stmt {
    const t = this.next();
    const name = this.expectName('a function name');
    if (!this.isOp('(')) fail(this.peek().span, 'SyntaxError', "expected '('");
    this.next();
    const params = this.parameters(')');
    this.closeBracket(')');
    const returns = this.acceptOp('->') ? this.expression() : undefined;
    this.expectColon(true);
    const body = this.inScope('function', () => this.block(t, 'function definition'));
    const def: Stmt = {
      kind: 'def',
      span: span(t.span, lastSpan(body) ?? name.span),
      name: name.text,
      nameSpan: name.span,
      params,
      body,
      decorators,
    };
    if (returns !== undefined) def.returns = returns;
    return def;
  }

  private classDef(decorators: Expr[]): Stmt {
    const t = this.next();
    const name = this.expectName('a class name');
    let bases: Expr[] = [];
    let keywords: Keyword[] = [];
    const open = this.acceptOp('(');
    if (open !== undefined) {
      ({ args: bases, keywords } = this.nested(open.span, () => this.callArguments(open, false)));
    }
    this.expectColon(false);
    const body = this.inScope('class', () => this.block(t, 'class definition'));
    return {
      kind: 'class',
      span: span(t.span, lastSpan(body) ?? name.span),
      name: name.text,
      nameSpan: name.span,
      bases,
      keywords,
      body,
      decorators,
    };
  }

  // ---- parameters ---------------------------------------------------------------------------

  /**
   * A def's (closer `)`, with annotations) or a lambda's (closer `:`) parameter list, with
   * Python's checks on `/`, `*`, `**` and defaults.
   */
  protected parameters(closer: ')' | ':'): Parameters {
    const annotated = closer === ')';
    const params: Parameters = { positional: [], positionalOnly: 0, keywordOnly: [] };
    const names = new Set<string>();
    let slash = false;
    let star: Token | undefined;
    while (!this.isOp(closer)) {
      const t = this.peek();
      if (this.isOp('/')) {
        if (star !== undefined) fail(t.span, 'SyntaxError', '/ must be ahead of *');
        if (slash) fail(t.span, 'SyntaxError', '/ may appear only once');
        if (params.positional.length === 0) {
          fail(t.span, 'SyntaxError', 'at least one argument must precede /');
        }
        this.next();
        slash = true;
        params.positionalOnly = params.positional.length;
      } else if (this.isOp('*')) {
        if (star !== undefined) fail(t.span, 'SyntaxError', '* argument may appear only once');
        star = this.next();
        if (!this.isOp(',') && !this.isOp(closer)) {
          params.vararg = this.param(annotated, names, 'var-positional');
        }
      } else if (this.isOp('**')) {
        this.next();
        params.kwarg = this.param(annotated, names, 'var-keyword');
        if (this.acceptOp(',') && !this.isOp(closer)) {
          fail(this.peek().span, 'SyntaxError', 'arguments cannot follow var-keyword argument');
        }
        break;
      } else {
        this.namedParam(params, this.param(annotated, names, undefined), star !== undefined);
      }
      if (!this.acceptOp(',')) break;
    }
    if (star !== undefined && params.vararg === undefined && params.keywordOnly.length === 0) {
      fail(star.span, 'SyntaxError', 'named arguments must follow bare *');
    }
    return params;
  }

  private namedParam(params: Parameters, p: Param, keywordOnly: boolean): void {
    if (keywordOnly) {
      params.keywordOnly.push(p);
      return;
    }
    const previous = params.positional[params.positional.length - 1];
    if (p.default === undefined && previous?.default !== undefined) {
      fail(p.span, 'SyntaxError', 'non-default argument follows default argument');
    }
    params.positional.push(p);
  }

  /** One parameter: `name[: annotation][= default]`; `variadic` names a `*` or `**` one. */
  private param(
    annotated: boolean,
    names: Set<string>,
    variadic: 'var-positional' | 'var-keyword' | undefined,
  ): Param {
    const name = this.expectName('a parameter name');
    if (names.has(name.text)) {
      const detail = `duplicate argument '${name.text}' in function definition`;
      this.failLater('symtable', name.span, detail);
    }
    names.add(name.text);
    const p: Param = { name: name.text, span: name.span };
    if (annotated && this.acceptOp(':')) {
      // `*args: *Ts` (Python 3.11) annotates with a starred expression.
      const star = variadic === 'var-positional' ? this.acceptOp('*') : undefined;
      const annotation = this.expression();
      p.annotation = star !== undefined ? this.starred(star, annotation) : annotation;
    }
    if (this.isOp('=')) {
      if (variadic !== undefined) {
        fail(this.peek().span, 'SyntaxError', `${variadic} argument cannot have default value`);
      }
      this.next();
      p.default = this.expression();
    }
    return p;
  }
}
