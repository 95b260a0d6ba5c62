/**
 * The parser's vocabulary: the keyword and operator tables (which words are reserved, which
 * refused, which operators bind at which level) and the predicates on finished trees that
 * Python's messages depend on (what an expression is called in "cannot assign to ...", which
 * targets are assignable, where a stray `=` earns a "Maybe you meant '=='" hint). They are plain
 * data and pure functions, apart from the parser classes, so every layer of the parser reads one
 * copy.
 */
import type { BinaryOp, Expr, FStringPart, Keyword, Stmt, StmtOf } from '../ast';
import type { SourceSpan } from '../types';

/** Valid Python the parser still refuses: the evaluator has no generators or coroutines. */
export const REFUSED_KEYWORDS: Record<string, string> = {
  yield: 'generators (yield) are not supported: build a list or tuple and return it',
  await: "'await' is not supported: coroutines (async/await) cannot run here; write a plain def",
  async: "'async' is not supported: coroutines (async/await) cannot run here; write a plain def",
};

export const KEYWORDS = new Set([
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
export const EXPRESSION_KEYWORDS = new Set([
  'True',
  'False',
  'None',
  'not',
  'lambda',
  'await',
  'yield',
]);
/** Operators that can begin an expression. */
export const EXPRESSION_OPS = new Set(['(', '[', '{', '-', '+', '~', '*', '...']);

export const AUG_OPS: Record<string, BinaryOp> = {
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

export const COMPARE_OPS = new Set(['<', '<=', '>', '>=', '==', '!=']);

/** The binary operators from the loosest-binding level (`|`) to the tightest (`*` and friends). */
export const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['|'],
  ['^'],
  ['&'],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '//', '%', '@'],
];

export type Scope = 'module' | 'function' | 'class';

/** What a call's arguments so far allow next. */
export interface CallState {
  args: Expr[];
  keywords: Keyword[];
  /** Keyword names used, to refuse a repeat. */
  names: Set<string>;
  sawKeyword: boolean;
  /** A `**mapping` was passed: no more positional arguments or `*iterable`. */
  unpackedMapping?: boolean;
}
export type WithItem = StmtOf<'with'>['items'][number];

export const span = (a: SourceSpan, b: SourceSpan): SourceSpan => ({ start: a.start, end: b.end });

export function lastSpan(stmts: Stmt[]): SourceSpan | undefined {
  return stmts[stmts.length - 1]?.span;
}

/** What Python calls an expression in "cannot assign to ..." messages. */
export function exprName(e: Expr): string {
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
export function hintsEquals(e: Expr): boolean {
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
export function invalidTarget(e: Expr, deleting: boolean): Expr | undefined {
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
export function doubleStarred(e: Expr): Expr | undefined {
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
export function fieldValues(parts: FStringPart[]): Expr[] {
  const out: Expr[] = [];
  for (const p of parts) {
    if (p.kind !== 'field') continue;
    out.push(p.value);
    if (p.formatSpec !== undefined) out.push(...fieldValues(p.formatSpec));
  }
  return out;
}
