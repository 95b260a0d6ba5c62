/**
 * A recursive-descent parser for Python 3.11, as much of it as real mask files are written in:
 * every statement but `match`, every expression but `yield` and `await` (those three, and
 * `async`, are refused with a NotSupportedError). It builds the syntax tree of ast.ts with a span
 * on every node and reports errors with Python 3.11's messages, in the order Python reports them.
 * It refuses nothing else for being beyond the mask language: the evaluator decides what it can
 * run. Every recursion is bounded (`nested` for expressions, `blockDepth` for blocks), so no
 * input can overflow the stack.
 *
 * Conventions of the tree, beyond ast.ts:
 * - a parenthesized group keeps its parentheses in its span (`(a + b)`), so a parent's span
 *   covers them; a tuple's `parenthesized` says whether it was written with them;
 * - a bare generator argument (`all(x for x in y)`) is a `comprehension` of type 'generator',
 *   the call's only argument, with the call's parentheses as its span (as in Python's ast);
 * - an `elif` is an `if` alone in the `orelse` of the clause before, its span from `elif`;
 * - a def or class span starts at `def` / `class`, decorators have their own spans;
 * - an f-string field `{x=}` has `debugText` 'x=' and, with no conversion or spec of its own,
 *   conversion 'r' (as Python's ast has it); field spans run from `{` to `}`, and every field
 *   expression's spans are offsets into the whole source;
 * - `a[*b]` has `tuple` true, as `a[(*b,)]`.
 */
import type {
  BinaryOp,
  CompareOp,
  ComprehensionFor,
  DictEntry,
  ExceptHandler,
  Expr,
  ExprOf,
  FStringPart,
  ImportAlias,
  Keyword,
  Module,
  Param,
  Parameters,
  Stmt,
  StmtOf,
} from './ast';
import { fail, ProgramError } from './errors';
import type { LexedFStringPart, Token } from './lexer';
import type { CompileLimits } from './limits';
import type { SourceSpan } from './types';

/** Valid Python the parser still refuses: the evaluator has no generators or coroutines. */
const REFUSED_KEYWORDS: Record<string, string> = {
  yield: 'generators (yield) are not supported: build a list or tuple and return it',
  await: "'await' is not supported: coroutines (async/await) cannot run here; write a plain def",
  async: "'async' is not supported: coroutines (async/await) cannot run here; write a plain def",
};

const KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

/** Keywords that can begin an expression. */
const EXPRESSION_KEYWORDS = new Set(['True', 'False', 'None', 'not', 'lambda', 'await', 'yield']);
/** Operators that can begin an expression. */
const EXPRESSION_OPS = new Set(['(', '[', '{', '-', '+', '~', '*', '...']);

const AUG_OPS: Record<string, BinaryOp> = {
  '+=': '+',
  '-=': '-',
  '*=': '*',
  '/=': '/',
  '//=': '//',
  '%=': '%',
  '**=': '**',
  '&=': '&',
  '|=': '|',
  '^=': '^',
  '<<=': '<<',
  '>>=': '>>',
  '@=': '@',
};

const COMPARE_OPS = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** The binary operators from the loosest-binding level (`|`) to the tightest (`*` and friends). */
const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '//', '%', '@'],
];

type Scope = 'module' | 'function' | 'class';

/** What a call's arguments so far allow next. */
interface CallState {
  args: Expr[];
  keywords: Keyword[];
  /** Keyword names used, to refuse a repeat. */
  names: Set<string>;
  sawKeyword: boolean;
  /** A `**mapping` was passed: no more positional arguments or `*iterable`. */
  unpackedMapping?: boolean;
}
type WithItem = StmtOf<'with'>['items'][number];

const span = (a: SourceSpan, b: SourceSpan): SourceSpan => ({ start: a.start, end: b.end });

function lastSpan(stmts: Stmt[]): SourceSpan | undefined {
  return stmts[stmts.length - 1]?.span;
}

/** What Python calls an expression in "cannot assign to ..." messages. */
function exprName(e: Expr): string {
  switch (e.kind) {
    case 'call':
      return 'function call';
    case 'boolop':
    case 'binary':
    case 'unary':
      return 'expression';
    case 'comprehension':
      return e.type === 'generator' ? 'generator expression' : `${e.type} comprehension`;
    case 'dict':
      return 'dict literal';
    case 'set':
      return 'set display';
    case 'fstring':
      return 'f-string expression';
    case 'none':
      return 'None';
    case 'bool':
      return e.value ? 'True' : 'False';
    case 'num':
    case 'imaginary':
    case 'string':
      return 'literal';
    case 'compare':
      return 'comparison';
    case 'ifexp':
      return 'conditional expression';
    case 'namedexpr':
      return 'named expression';
    default:
      return e.kind;
  }
}

/**
 * Whether Python hints "Maybe you meant '=='" when `e` stands before a stray `=`: only for
 * expressions at the `|` level or tighter, and not for the displays that could be targets.
 */
function hintsEquals(e: Expr): boolean {
  switch (e.kind) {
    case 'compare':
    case 'boolop':
    case 'ifexp':
    case 'lambda':
    case 'list':
    case 'tuple':
    case 'bool':
    case 'none':
      return false;
    case 'unary':
      return e.op !== 'not';
    case 'comprehension':
      return e.type !== 'generator';
    default:
      return true;
  }
}

/** The first part of a target that cannot be assigned to (or deleted), if any. */
function invalidTarget(e: Expr, deleting: boolean): Expr | undefined {
  switch (e.kind) {
    case 'name':
    case 'attribute':
    case 'subscript':
      return undefined;
    case 'starred':
      return deleting ? e : invalidTarget(e.value, deleting);
    case 'tuple':
    case 'list':
      for (const elt of e.elts) {
        const bad = invalidTarget(elt, deleting);
        if (bad !== undefined) return bad;
      }
      return undefined;
    default:
      return e;
  }
}

/** A tuple or list target with two starred elements, at any depth. */
function doubleStarred(e: Expr): Expr | undefined {
  if (e.kind === 'starred') return doubleStarred(e.value);
  if (e.kind !== 'tuple' && e.kind !== 'list') return undefined;
  if (e.elts.filter((x) => x.kind === 'starred').length > 1) return e;
  for (const elt of e.elts) {
    const bad = doubleStarred(elt);
    if (bad !== undefined) return bad;
  }
  return undefined;
}

/** Every field value of an f-string, format specs included (specs nest at most twice). */
function fieldValues(parts: FStringPart[]): Expr[] {
  const out: Expr[] = [];
  for (const p of parts) {
    if (p.kind !== 'field') continue;
    out.push(p.value);
    if (p.formatSpec !== undefined) out.push(...fieldValues(p.formatSpec));
  }
  return out;
}

/**
 * The syntax tree of a token list from `tokenize`. When the tokens end in a lexical error, the
 * parser throws it where it gets there; if the parser fails earlier, the lexical error may still
 * win, by its precedence, as in Python 3.11. "unexpected indent" is always reported first.
 */
export function parse(tokens: Token[], source: string, limits: CompileLimits): Module {
  try {
    return new Parser(tokens, source, limits).module();
  } catch (error) {
    throw firstReported(error, tokens, source);
  }
}

/** Which of a parser error and the lexical error ending the tokens Python would report. */
function firstReported(parserError: unknown, tokens: Token[], source: string): unknown {
  const last = tokens[tokens.length - 1];
  const lexical = last?.error;
  if (!(parserError instanceof ProgramError) || lexical === undefined) return parserError;
  if (parserError === lexical) return parserError;
  if (parserError.kind === 'IndentationError' && parserError.detail === 'unexpected indent') {
    return parserError;
  }
  if (last.precedence === 'always') return lexical;
  if (last.precedence !== 'after-its-line') return parserError;
  // An unclosed bracket: Python reports it when the parser failed on a later line, or when it
  // failed inside the bracket having read up to the end of the file.
  const lineOf = (offset: number): number => source.slice(0, offset).split('\n').length;
  const laterLine = lineOf(parserError.span.start) > lineOf(lexical.span.start);
  const lastRealToken = tokens[tokens.length - 2];
  const readToEnd =
    parserError.span.start >= lexical.span.start &&
    lastRealToken !== undefined &&
    parserError.span.end >= lastRealToken.span.start;
  return laterLine || readToEnd ? lexical : parserError;
}

class Parser {
  private pos = 0;
  /** Expressions being read inside one another (brackets, operators, lambdas, ...). */
  private depth = 0;
  /** Blocks being read inside one another. */
  private blockDepth = 0;
  private scope: Scope = 'module';
  private loopDepth = 0;
  /**
   * Errors Python finds only after parsing (in its symbol table, then its compiler): any parser
   * error in the file comes first, so the first of each is kept and thrown at the end.
   */
  private later: Partial<Record<'symtable' | 'compiler', ProgramError>> = {};
  private readonly heights = new WeakMap<Expr, number>();
  private readonly elementCounts = new WeakMap<Expr, number>();

  constructor(
    private tokens: Token[],
    private readonly source: string,
    private readonly limits: CompileLimits,
  ) {}

  // ---- tokens -------------------------------------------------------------------------------

  private peek(k = 0): Token {
    const t = this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
    // The tokens stop at a lexical error: reaching it is that error.
    if (t.error !== undefined) throw t.error;
    return t;
  }
  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos += 1;
    return t;
  }
  private isOp(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'op' && t.text === text;
  }
  private isKw(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'name' && t.text === word;
  }
  private acceptOp(text: string): Token | undefined {
    return this.isOp(text) ? this.next() : undefined;
  }
  private acceptKw(word: string): Token | undefined {
    return this.isKw(word) ? this.next() : undefined;
  }

  private unexpected(t: Token = this.peek()): never {
    if (t.kind === 'indent') fail(t.span, 'IndentationError', 'unexpected indent');
    if (t.kind === 'name' && REFUSED_KEYWORDS[t.text] !== undefined) {
      fail(t.span, 'NotSupportedError', REFUSED_KEYWORDS[t.text]);
    }
    return fail(t.span, 'SyntaxError', 'invalid syntax');
  }

  private expectOp(text: string): Token {
    return this.acceptOp(text) ?? this.unexpected();
  }

  private expectKw(word: string): Token {
    return this.acceptKw(word) ?? this.unexpected();
  }

  /**
   * `:` ending a compound statement's header. Python says "expected ':'" when the line ends
   * there, or always after some headers (def, for, try, else, finally); otherwise "invalid syntax".
   */
  private expectColon(always: boolean): void {
    if (this.acceptOp(':')) return;
    const t = this.peek();
    if (always || t.kind === 'newline') fail(t.span, 'SyntaxError', "expected ':'");
    this.unexpected(t);
  }

  private expectName(what: string): Token {
    const t = this.peek();
    if (t.kind === 'name' && !KEYWORDS.has(t.text)) return this.next();
    if (t.kind === 'name' && REFUSED_KEYWORDS[t.text] === undefined) {
      fail(t.span, 'SyntaxError', `invalid syntax ('${t.text}' is a keyword, not ${what})`);
    }
    return this.unexpected(t);
  }

  /** The closing bracket of a display or call; two expressions in a row lack a comma. */
  private closeBracket(closer: string, last?: Expr): Token {
    const t = this.peek();
    if (t.kind === 'op' && t.text === closer) return this.next();
    const binaryOp = t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '*');
    if (last !== undefined && this.startsExpression() && !binaryOp) {
      fail(span(last.span, t.span), 'SyntaxError', 'invalid syntax. Perhaps you forgot a comma?');
    }
    return this.unexpected(t);
  }

  private startsExpression(k = 0): boolean {
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

  private lineNumber(t: Token): number {
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
  private nested<T>(at: SourceSpan, body: () => T): T {
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
  private node<E extends Expr>(e: E, children: readonly Expr[] = []): E {
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

  private failLater(stage: 'symtable' | 'compiler', at: SourceSpan, detail: string): void {
    this.later[stage] ??= new ProgramError(at, 'SyntaxError', detail);
  }

  /** Runs `body` as the inside of a def or class: its own scope, outside any loop. */
  private inScope<T>(scope: Scope, body: () => T): T {
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

  private inLoop<T>(body: () => T): T {
    this.loopDepth += 1;
    try {
      return body();
    } finally {
      this.loopDepth -= 1;
    }
  }

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

  private simpleStatements(): Stmt[] {
    const out: Stmt[] = [this.simpleStatement()];
    while (this.acceptOp(';')) {
      if (this.peek().kind === 'newline') break;
      out.push(this.simpleStatement());
    }
    if (this.peek().kind !== 'newline') this.unexpected();
    this.next();
    return out;
  }

  private simpleStatement(): Stmt {
    const t = this.peek();
    if (t.kind !== 'name') return this.expressionStatement();
    switch (t.text) {
      case 'pass':
        this.next();
        return { kind: 'pass', span: t.span };
      case 'break':
        this.next();
        if (this.loopDepth === 0) this.failLater('compiler', t.span, "'break' outside loop");
        return { kind: 'break', span: t.span };
      case 'continue':
        this.next();
        if (this.loopDepth === 0) {
          this.failLater('compiler', t.span, "'continue' not properly in loop");
        }
        return { kind: 'continue', span: t.span };
      case 'return':
        return this.returnStatement();
      case 'raise':
        return this.raiseStatement();
      case 'global':
      case 'nonlocal':
        return this.scopeStatement();
      case 'del':
        return this.delStatement();
      case 'assert':
        return this.assertStatement();
      case 'import':
        return this.importStatement();
      case 'from':
        return this.fromImportStatement();
      default:
        return this.expressionStatement();
    }
  }

  /** An expression, an assignment (`a = b = v`), an annotated or an augmented assignment. */
  private expressionStatement(): Stmt {
    const first = this.starExpressions();
    const t = this.peek();
    if (t.kind === 'op' && t.text === ':') return this.annAssign(first);
    if (t.kind === 'op' && AUG_OPS[t.text] !== undefined) return this.augAssign(first);
    if (t.kind === 'op' && t.text === '=') return this.assignment(first);
    if (t.kind === 'op' && t.text === ':=') this.misplacedWalrus(first, t);
    this.noBareStarred(first);
    return { kind: 'expr', span: first.span, value: first };
  }

  /** `x := 1` needs parentheses as a statement; `a.b := 1` is never valid. */
  private misplacedWalrus(target: Expr, walrus: Token): never {
    const bare = target.kind === 'name' && target.span.end - target.span.start === target.id.length;
    if (bare) this.unexpected(walrus);
    return fail(
      target.span,
      'SyntaxError',
      `cannot use assignment expressions with ${exprName(target)}`,
    );
  }

  private assignment(first: Expr): Stmt {
    const targets = [first];
    let value = first;
    while (this.acceptOp('=')) {
      value = this.starExpressions();
      targets.push(value);
    }
    targets.pop();
    // Python hints at '==' only for `target = value` with a single '='.
    for (const target of targets) this.checkTarget(target, targets.length === 1);
    this.noBareStarred(value);
    return { kind: 'assign', span: span(first.span, value.span), targets, value };
  }

  private annAssign(target: Expr): Stmt {
    this.next();
    const annotation = this.expression();
    if (target.kind === 'tuple' || target.kind === 'list') {
      fail(target.span, 'SyntaxError', `only single target (not ${target.kind}) can be annotated`);
    }
    if (target.kind !== 'name' && target.kind !== 'attribute' && target.kind !== 'subscript') {
      fail(target.span, 'SyntaxError', 'illegal target for annotation');
    }
    if (!this.acceptOp('=')) {
      return { kind: 'annassign', span: span(target.span, annotation.span), target, annotation };
    }
    const value = this.starExpressions();
    this.noBareStarred(value);
    return { kind: 'annassign', span: span(target.span, value.span), target, annotation, value };
  }

  private augAssign(target: Expr): Stmt {
    const op = AUG_OPS[this.next().text];
    if (target.kind !== 'name' && target.kind !== 'attribute' && target.kind !== 'subscript') {
      fail(
        target.span,
        'SyntaxError',
        `'${exprName(target)}' is an illegal expression for augmented assignment`,
      );
    }
    const value = this.starExpressions();
    this.noBareStarred(value);
    return { kind: 'augassign', span: span(target.span, value.span), target, op, value };
  }

  /** An assignment target (of `=`, `for`, `with ... as`, a comprehension) must be assignable. */
  private checkTarget(target: Expr, hintEquals: boolean): void {
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
  private noBareStarred(e: Expr): void {
    if (e.kind === 'starred')
      this.failLater('compiler', e.span, "can't use starred expression here");
  }

  private returnStatement(): Stmt {
    const t = this.next();
    let value: Expr | undefined;
    if (this.peek().kind !== 'newline' && !this.isOp(';')) {
      value = this.starExpressions();
      this.noBareStarred(value);
    }
    if (this.scope !== 'function') this.failLater('compiler', t.span, "'return' outside function");
    if (value === undefined) return { kind: 'return', span: t.span };
    return { kind: 'return', span: span(t.span, value.span), value };
  }

  private raiseStatement(): Stmt {
    const t = this.next();
    if (!this.startsExpression()) return { kind: 'raise', span: t.span };
    const exc = this.expression();
    if (!this.acceptKw('from')) return { kind: 'raise', span: span(t.span, exc.span), exc };
    const cause = this.expression();
    return { kind: 'raise', span: span(t.span, cause.span), exc, cause };
  }

  private scopeStatement(): Stmt {
    const t = this.next();
    const names = [this.expectName('a name')];
    while (this.acceptOp(',')) names.push(this.expectName('a name'));
    const s = span(t.span, names[names.length - 1].span);
    if (t.text === 'nonlocal' && this.scope === 'module') {
      this.failLater('symtable', s, 'nonlocal declaration not allowed at module level');
    }
    const kind = t.text === 'global' ? 'global' : 'nonlocal';
    return { kind, span: s, names: names.map((n) => n.text) };
  }

  private delStatement(): Stmt {
    const t = this.next();
    const targets: Expr[] = [];
    do {
      if (targets.length > 0 && !this.startsExpression()) break;
      const target = this.starExpression();
      const bad = invalidTarget(target, true);
      if (bad !== undefined) fail(bad.span, 'SyntaxError', `cannot delete ${exprName(bad)}`);
      targets.push(target);
    } while (this.acceptOp(','));
    return { kind: 'del', span: span(t.span, targets[targets.length - 1].span), targets };
  }

  private assertStatement(): Stmt {
    const t = this.next();
    const test = this.expression();
    if (!this.acceptOp(',')) return { kind: 'assert', span: span(t.span, test.span), test };
    const msg = this.expression();
    return { kind: 'assert', span: span(t.span, msg.span), test, msg };
  }

  private importStatement(): Stmt {
    const t = this.next();
    const names: ImportAlias[] = [];
    do names.push(this.importAlias(true));
    while (this.acceptOp(','));
    return { kind: 'import', span: span(t.span, names[names.length - 1].span), names };
  }

  /** `a.b.c [as d]` (dotted, in `import`) or `name [as d]` (in `from ... import`). */
  private importAlias(dotted: boolean): ImportAlias {
    let name: string;
    let nameSpan: SourceSpan;
    if (dotted) {
      ({ name, span: nameSpan } = this.dottedName());
    } else {
      const t = this.expectName('a name');
      ({ text: name, span: nameSpan } = t);
    }
    const alias: ImportAlias = { name, span: nameSpan };
    if (this.acceptKw('as')) {
      const asname = this.expectName('a name');
      alias.asname = asname.text;
      alias.span = span(nameSpan, asname.span);
    }
    return alias;
  }

  private dottedName(): { name: string; span: SourceSpan } {
    const first = this.expectName('a module name');
    let name = first.text;
    let end = first.span;
    while (this.acceptOp('.')) {
      const part = this.expectName('a module name');
      name += `.${part.text}`;
      end = part.span;
    }
    return { name, span: span(first.span, end) };
  }

  private fromImportStatement(): Stmt {
    const t = this.next();
    let level = 0;
    while (this.isOp('.') || this.isOp('...')) level += this.next().text.length;
    const module = !this.isKw('import') || level === 0 ? this.dottedName().name : '';
    this.expectKw('import');
    const base = { kind: 'importfrom' as const, module, level };
    const star = this.acceptOp('*');
    if (star !== undefined) {
      if (this.scope !== 'module') {
        this.failLater('symtable', star.span, 'import * only allowed at module level');
      }
      return { ...base, span: span(t.span, star.span), names: [], star: true };
    }
    const open = this.acceptOp('(');
    const names: ImportAlias[] = [];
    do {
      if (names.length > 0 && open !== undefined && this.isOp(')')) break;
      if (names.length > 0 && !this.isNameToken()) {
        fail(
          this.peek().span,
          'SyntaxError',
          'trailing comma not allowed without surrounding parentheses',
        );
      }
      names.push(this.importAlias(false));
    } while (this.acceptOp(','));
    const end = open !== undefined ? this.closeBracket(')').span : names[names.length - 1].span;
    return { ...base, span: span(t.span, end), names, star: false };
  }

  private isNameToken(): boolean {
    const t = this.peek();
    return t.kind === 'name' && !KEYWORDS.has(t.text);
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
  private parameters(closer: ')' | ':'): Parameters {
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

  // ---- expressions --------------------------------------------------------------------------

  /** `a`, `a, *b`, `a,`: a tuple when there is a comma (a statement's value, `return`, ...). */
  private starExpressions(): Expr {
    const first = this.starExpression();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.acceptOp(',')) {
      if (!this.startsExpression()) break;
      elts.push(this.starExpression());
    }
    const s = span(first.span, elts[elts.length - 1].span);
    return this.node({ kind: 'tuple', span: s, elts, parenthesized: false }, elts);
  }

  private starExpression(): Expr {
    const star = this.acceptOp('*');
    return star !== undefined ? this.starred(star, this.bitwiseOr()) : this.expression();
  }

  /** An element of a list, set or parenthesized tuple: `*x`, `x := v` or an expression. */
  private starNamedExpression(): Expr {
    const star = this.acceptOp('*');
    return star !== undefined ? this.starred(star, this.bitwiseOr()) : this.namedExpression();
  }

  private starred(star: Token, value: Expr): Expr {
    return this.node({ kind: 'starred', span: span(star.span, value.span), value }, [value]);
  }

  /**
   * `name := value` or an expression. A stray `=` after it (`if x = 1:`) gets Python's hint,
   * except where the caller reads `name=value` itself (call arguments).
   */
  private namedExpression(checkStrayEquals = true): Expr {
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

  private expression(): Expr {
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

  private disjunction(): Expr {
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

  private bitwiseOr(): Expr {
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
  private callArguments(
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

  // ---- atoms --------------------------------------------------------------------------------

  private atom(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'int':
      case 'float':
        this.next();
        return this.node(this.numberNode(t));
      case 'imaginary':
        this.next();
        return this.node({ kind: 'imaginary', span: t.span, text: t.text });
      case 'string':
        return this.strings();
      case 'name':
        return this.nameAtom(t);
      case 'op':
        if (t.text === '(') return this.nested(t.span, () => this.parenthesized());
        if (t.text === '[') return this.nested(t.span, () => this.listDisplay());
        if (t.text === '{') return this.nested(t.span, () => this.braceDisplay());
        if (t.text === '...') {
          this.next();
          return this.node({ kind: 'ellipsis', span: t.span });
        }
        return this.unexpected(t);
      default:
        return this.unexpected(t);
    }
  }

  private numberNode(t: Token): ExprOf<'num'> {
    const num: ExprOf<'num'> = {
      kind: 'num',
      span: t.span,
      value: t.value ?? 0,
      isFloat: t.kind === 'float',
      text: t.text,
    };
    if (t.big !== undefined) num.big = t.big;
    return num;
  }

  private nameAtom(t: Token): Expr {
    if (t.text === 'True' || t.text === 'False') {
      this.next();
      return this.node({ kind: 'bool', span: t.span, value: t.text === 'True' });
    }
    if (t.text === 'None') {
      this.next();
      return this.node({ kind: 'none', span: t.span });
    }
    if (KEYWORDS.has(t.text)) this.unexpected(t);
    this.next();
    return this.node({ kind: 'name', span: t.span, id: t.text });
  }

  /** `(...)`: the empty tuple, a group, a tuple or a generator expression. */
  private parenthesized(): Expr {
    const open = this.next();
    const empty = this.acceptOp(')');
    if (empty !== undefined) {
      const s = span(open.span, empty.span);
      return this.node({ kind: 'tuple', span: s, elts: [], parenthesized: true });
    }
    const first = this.starNamedExpression();
    if (this.isKw('for')) {
      const generator = this.comprehension('generator', first, undefined, open.span.start);
      generator.span = span(open.span, this.closeBracket(')').span);
      return generator;
    }
    if (!this.isOp(',')) {
      const close = this.closeBracket(')', first);
      if (first.kind === 'starred') {
        fail(first.span, 'SyntaxError', 'cannot use starred expression here');
      }
      // A group keeps its parentheses in its span, so carets cover them as Python's do.
      return this.node({ ...first, span: span(open.span, close.span) }, [first]);
    }
    const elts = [first];
    while (this.acceptOp(',')) {
      if (this.isOp(')')) break;
      elts.push(this.starNamedExpression());
    }
    const close = this.closeBracket(')', elts[elts.length - 1]);
    const s = span(open.span, close.span);
    return this.node({ kind: 'tuple', span: s, elts, parenthesized: true }, elts);
  }

  /** A plain literal element followed by ',' or ']' (the bulk of a data list), read directly. */
  private literalElement(): Expr | undefined {
    const sign = this.peek();
    const k = sign.kind === 'op' && sign.text === '-' ? 1 : 0;
    const t = this.peek(k);
    const after = this.peek(k + 1);
    if (after.kind !== 'op' || (after.text !== ',' && after.text !== ']')) return undefined;
    if (t.kind === 'int' || t.kind === 'float') {
      this.pos += k + 1;
      const num = this.numberNode(t);
      if (k === 0) return num;
      return { kind: 'unary', span: span(sign.span, t.span), op: '-', operand: num };
    }
    if (k === 0 && t.kind === 'name' && (t.text === 'True' || t.text === 'False')) {
      this.pos += 1;
      return { kind: 'bool', span: t.span, value: t.text === 'True' };
    }
    return undefined;
  }

  private listDisplay(): Expr {
    const open = this.next();
    const elts: Expr[] = [];
    if (!this.isOp(']')) {
      const first = this.literalElement() ?? this.starNamedExpression();
      if (this.isKw('for')) {
        const comp = this.comprehension('list', first, undefined, open.span.start);
        comp.span = span(open.span, this.closeBracket(']').span);
        return comp;
      }
      elts.push(first);
      while (this.acceptOp(',')) {
        if (this.isOp(']')) break;
        elts.push(this.literalElement() ?? this.starNamedExpression());
      }
    }
    const close = this.closeBracket(']', elts[elts.length - 1]);
    let count = 0;
    for (const e of elts) count += this.elementCounts.get(e) ?? 1;
    if (count > this.limits.maxTensorElements) {
      fail(
        span(open.span, close.span),
        'LimitError',
        `a list literal with ${count} elements (the limit is ${this.limits.maxTensorElements})`,
      );
    }
    const list = this.node({ kind: 'list', span: span(open.span, close.span), elts }, elts);
    this.elementCounts.set(list, count);
    return list;
  }

  /** `{...}`: a dict, a set, or a dict or set comprehension. */
  private braceDisplay(): Expr {
    const open = this.next();
    const empty = this.acceptOp('}');
    if (empty !== undefined) {
      return this.node({ kind: 'dict', span: span(open.span, empty.span), entries: [] });
    }
    if (this.isOp('**')) return this.dictDisplay(open, [this.dictEntry()]);
    const first = this.starNamedExpression();
    const colon = this.acceptOp(':');
    if (colon === undefined) return this.setDisplay(open, first);
    const value = this.dictValue(colon);
    if (this.isKw('for')) {
      const comp = this.comprehension('dict', first, value, open.span.start);
      comp.span = span(open.span, this.closeBracket('}').span);
      return comp;
    }
    return this.dictDisplay(open, [{ key: first, value }]);
  }

  private dictDisplay(open: Token, entries: DictEntry[]): Expr {
    while (this.acceptOp(',')) {
      if (this.isOp('}')) break;
      entries.push(this.dictEntry());
    }
    const last = entries[entries.length - 1];
    const close = this.closeBracket('}', 'unpack' in last ? last.unpack : last.value);
    const children = entries.flatMap((e) => ('unpack' in e ? [e.unpack] : [e.key, e.value]));
    return this.node({ kind: 'dict', span: span(open.span, close.span), entries }, children);
  }

  private dictEntry(): DictEntry {
    const star = this.acceptOp('**');
    if (star !== undefined) {
      const unpack = this.bitwiseOr();
      if (this.isKw('for')) {
        fail(
          span(star.span, unpack.span),
          'SyntaxError',
          'dict unpacking cannot be used in dict comprehension',
        );
      }
      return { unpack };
    }
    const key = this.expression();
    const colon = this.acceptOp(':');
    if (colon === undefined) fail(key.span, 'SyntaxError', "':' expected after dictionary key");
    return { key, value: this.dictValue(colon) };
  }

  private dictValue(colon: Token): Expr {
    const star = this.acceptOp('*');
    if (star !== undefined) {
      fail(
        span(star.span, this.bitwiseOr().span),
        'SyntaxError',
        'cannot use a starred expression in a dictionary value',
      );
    }
    if (this.isOp(',') || this.isOp('}')) {
      fail(colon.span, 'SyntaxError', "expression expected after dictionary key and ':'");
    }
    return this.expression();
  }

  private setDisplay(open: Token, first: Expr): Expr {
    if (this.isKw('for')) {
      const comp = this.comprehension('set', first, undefined, open.span.start);
      comp.span = span(open.span, this.closeBracket('}').span);
      return comp;
    }
    const elts = [first];
    while (this.acceptOp(',')) {
      if (this.isOp('}')) break;
      elts.push(this.starNamedExpression());
    }
    const close = this.closeBracket('}', elts[elts.length - 1]);
    return this.node({ kind: 'set', span: span(open.span, close.span), elts }, elts);
  }

  /** The `for ... in ... if ...` clauses after a comprehension's element. */
  private comprehension(
    type: ExprOf<'comprehension'>['type'],
    elt: Expr,
    value: Expr | undefined,
    start: number,
  ): ExprOf<'comprehension'> {
    if (elt.kind === 'starred') {
      fail(elt.span, 'SyntaxError', 'iterable unpacking cannot be used in comprehension');
    }
    const generators: ComprehensionFor[] = [];
    const children = value !== undefined ? [elt, value] : [elt];
    while (this.isKw('for') || this.isKw('async')) {
      const t = this.next();
      if (t.text === 'async') this.unexpected(t);
      const target = this.targetList();
      this.checkTarget(target, false);
      this.expectKw('in');
      const iter = this.disjunction();
      const ifs: Expr[] = [];
      while (this.acceptKw('if')) ifs.push(this.disjunction());
      const end = ifs[ifs.length - 1] ?? iter;
      generators.push({ span: span(t.span, end.span), target, iter, ifs });
      children.push(target, iter, ...ifs);
    }
    const end = generators[generators.length - 1].span.end;
    const comp: ExprOf<'comprehension'> = {
      kind: 'comprehension',
      span: { start, end },
      type,
      elt,
      generators,
    };
    if (value !== undefined) comp.value = value;
    return this.node(comp, children);
  }

  /** Assignment targets of `for` and comprehensions: `a`, `a, *b`, `(a, b), c`. */
  private targetList(): Expr {
    const first = this.targetItem();
    if (!this.isOp(',')) return first;
    const elts = [first];
    while (this.acceptOp(',')) {
      if (!this.startsExpression()) break;
      elts.push(this.targetItem());
    }
    const s = span(first.span, elts[elts.length - 1].span);
    return this.node({ kind: 'tuple', span: s, elts, parenthesized: false }, elts);
  }

  /** One target: read at the `|` level, so the `in` of a `for` is not taken as a comparison. */
  private targetItem(): Expr {
    const star = this.acceptOp('*');
    return star !== undefined ? this.starred(star, this.bitwiseOr()) : this.bitwiseOr();
  }

  // ---- strings ------------------------------------------------------------------------------

  /** Adjacent literals joined: one `string`, or one `fstring` if any of them is an f-string. */
  private strings(): Expr {
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
