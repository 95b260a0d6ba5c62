/**
 * The direct children of every syntax-tree node, and a walk over a whole module. The walk keeps
 * its own stack instead of recursing, so a tree of any depth cannot overflow the JS stack.
 */
import type { Expr, FStringPart, Module, Parameters, Stmt } from './ast';

/** Annotations and defaults of a parameter list, in source order. */
export function parameterChildren(params: Parameters): Expr[] {
  const out: Expr[] = [];
  const add = (e: Expr | undefined): void => {
    if (e !== undefined) out.push(e);
  };
  for (const p of params.positional) {
    add(p.annotation);
    add(p.default);
  }
  add(params.vararg?.annotation);
  for (const p of params.keywordOnly) {
    add(p.annotation);
    add(p.default);
  }
  add(params.kwarg?.annotation);
  return out;
}

/** Field values of f-string parts, including those nested in format specs, in source order. */
export function fStringChildren(parts: FStringPart[]): Expr[] {
  const out: Expr[] = [];
  // Specs nest, so parts wait on a stack (reversed, so they come off in order).
  const stack: FStringPart[] = [...parts].reverse();
  for (let part = stack.pop(); part !== undefined; part = stack.pop()) {
    if (part.kind !== 'field') continue;
    out.push(part.value);
    if (part.formatSpec !== undefined) {
      for (let k = part.formatSpec.length - 1; k >= 0; k -= 1) stack.push(part.formatSpec[k]);
    }
  }
  return out;
}

/**
 * Every direct child expression of `e`, in source order (a call's keyword values come after its
 * positional arguments; a comprehension's element before its clauses, as written).
 */
export function exprChildren(e: Expr): Expr[] {
  switch (e.kind) {
    case 'num':
    case 'imaginary':
    case 'bool':
    case 'none':
    case 'ellipsis':
    case 'name':
    case 'string':
      return [];
    case 'fstring':
      return fStringChildren(e.parts);
    case 'list':
    case 'set':
    case 'tuple':
      return [...e.elts];
    case 'dict':
      return e.entries.flatMap((d) => ('unpack' in d ? [d.unpack] : [d.key, d.value]));
    case 'starred':
      return [e.value];
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'boolop':
      return [...e.values];
    case 'compare':
      return [e.left, ...e.comparators];
    case 'ifexp':
      return [e.body, e.test, e.orelse];
    case 'subscript':
      return [e.value, ...e.indices];
    case 'slice':
      return defined([e.lower, e.upper, e.step]);
    case 'call':
      return [e.func, ...e.args, ...e.keywords.map((k) => k.value)];
    case 'attribute':
      return [e.value];
    case 'lambda':
      return [...parameterChildren(e.params), e.body];
    case 'comprehension':
      return [
        ...defined([e.elt, e.value]),
        ...e.generators.flatMap((g) => [g.target, g.iter, ...g.ifs]),
      ];
    case 'namedexpr':
      return [e.target, e.value];
    default:
      return unreachable(e);
  }
}

/**
 * The direct children of a statement: its own expressions (decorators, annotations, defaults,
 * targets, tests, handler types, ...) and the statements of its blocks, each in source order.
 */
export function stmtChildren(s: Stmt): { exprs: Expr[]; stmts: Stmt[] } {
  switch (s.kind) {
    case 'assign':
      return { exprs: [...s.targets, s.value], stmts: [] };
    case 'annassign':
      return { exprs: defined([s.target, s.annotation, s.value]), stmts: [] };
    case 'augassign':
      return { exprs: [s.target, s.value], stmts: [] };
    case 'expr':
      return { exprs: [s.value], stmts: [] };
    case 'def':
      return {
        exprs: [...s.decorators, ...parameterChildren(s.params), ...defined([s.returns])],
        stmts: [...s.body],
      };
    case 'class':
      return {
        exprs: [...s.decorators, ...s.bases, ...s.keywords.map((k) => k.value)],
        stmts: [...s.body],
      };
    case 'return':
      return { exprs: defined([s.value]), stmts: [] };
    case 'if':
    case 'while':
      return { exprs: [s.test], stmts: [...s.body, ...s.orelse] };
    case 'for':
      return { exprs: [s.target, s.iter], stmts: [...s.body, ...s.orelse] };
    case 'assert':
      return { exprs: defined([s.test, s.msg]), stmts: [] };
    case 'raise':
      return { exprs: defined([s.exc, s.cause]), stmts: [] };
    case 'try':
      return {
        exprs: defined(s.handlers.map((h) => h.type)),
        stmts: [...s.body, ...s.handlers.flatMap((h) => h.body), ...s.orelse, ...s.finalbody],
      };
    case 'with':
      return {
        exprs: s.items.flatMap((item) => defined([item.context, item.target])),
        stmts: [...s.body],
      };
    case 'del':
      return { exprs: [...s.targets], stmts: [] };
    case 'break':
    case 'continue':
    case 'pass':
    case 'import':
    case 'importfrom':
    case 'global':
    case 'nonlocal':
      return { exprs: [], stmts: [] };
    default:
      return unreachable(s);
  }
}

/** A visitor may return `false` to skip the node's children; anything else walks on. */
export type Visitor<T> = (node: T) => unknown;

type Pending = { stmt: Stmt } | { expr: Expr };

/**
 * Visits every statement and expression of `module` once, parents before children, in source
 * order (a statement's own expressions before the statements of its blocks). Iterative.
 */
export function walkModule(
  module: Module,
  visitExpr: Visitor<Expr>,
  visitStmt: Visitor<Stmt> = () => true,
): void {
  const stack: Pending[] = [];
  for (let k = module.body.length - 1; k >= 0; k -= 1) stack.push({ stmt: module.body[k] });
  walk(stack, visitExpr, visitStmt);
}

/** Visits `root` and every expression under it, parents first, in source order. Iterative. */
export function walkExpr(root: Expr, visit: Visitor<Expr>): void {
  walk([{ expr: root }], visit, () => true);
}

function walk(stack: Pending[], visitExpr: Visitor<Expr>, visitStmt: Visitor<Stmt>): void {
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if ('stmt' in item) {
      if (visitStmt(item.stmt) === false) continue;
      const { exprs, stmts } = stmtChildren(item.stmt);
      // Pushed in reverse, so they come off the stack in source order: expressions first.
      for (let k = stmts.length - 1; k >= 0; k -= 1) stack.push({ stmt: stmts[k] });
      for (let k = exprs.length - 1; k >= 0; k -= 1) stack.push({ expr: exprs[k] });
    } else {
      if (visitExpr(item.expr) === false) continue;
      const children = exprChildren(item.expr);
      for (let k = children.length - 1; k >= 0; k -= 1) stack.push({ expr: children[k] });
    }
  }
}

function defined<T>(items: (T | undefined)[]): T[] {
  return items.filter((x): x is T => x !== undefined);
}

function unreachable(x: never): never {
  throw new Error(`unknown syntax-tree node '${(x as { kind?: string }).kind}'`);
}

/** The names an assignment target binds (`a`, `a, (b, *c)`); subscripts and attributes bind none. */
export function targetNames(target: Expr, into: Set<string>): void {
  const stack = [target];
  for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
    if (e.kind === 'name') into.add(e.id);
    else if (e.kind === 'tuple' || e.kind === 'list') stack.push(...e.elts);
    else if (e.kind === 'starred') stack.push(e.value);
  }
}

/** The names a parameter list binds. */
export function parameterNames(params: Parameters, into: Set<string>): void {
  for (const p of [...params.positional, ...params.keywordOnly]) into.add(p.name);
  if (params.vararg) into.add(params.vararg.name);
  if (params.kwarg) into.add(params.kwarg.name);
}

/**
 * The names one statement binds in the scope it runs in (not in its blocks, not in nested defs):
 * assignment and loop targets, def and class names, imports, `with ... as`, `except ... as`,
 * `del` (which makes a name local in Python too).
 */
export function namesBoundBy(s: Stmt, into: Set<string>): void {
  switch (s.kind) {
    case 'assign':
      s.targets.forEach((t) => targetNames(t, into));
      return;
    case 'annassign':
    case 'augassign':
    case 'for':
      targetNames(s.target, into);
      return;
    case 'def':
    case 'class':
      into.add(s.name);
      return;
    case 'import':
      for (const a of s.names) into.add(a.asname ?? a.name.split('.')[0]);
      return;
    case 'importfrom':
      for (const a of s.names) into.add(a.asname ?? a.name);
      return;
    case 'with':
      for (const item of s.items) if (item.target) targetNames(item.target, into);
      return;
    case 'try':
      for (const h of s.handlers) if (h.name) into.add(h.name);
      return;
    case 'del':
      s.targets.forEach((t) => targetNames(t, into));
      return;
    default:
      return;
  }
}
