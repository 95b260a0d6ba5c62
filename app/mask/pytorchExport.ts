/**
 * The PyTorch export: the user's program re-printed from its syntax tree, then the
 * create_block_mask / flex_attention calls for one shape.
 *
 * It carries nothing flexmask did not check. Every statement and expression the evaluator ran is
 * printed as written. Code that never ran (an `else` not taken, a function never called, the
 * right side of a short-circuit) is printed only when it stays inside what the evaluator accepts:
 * names the program binds or flexmask provides, modules flexmask has, attributes those modules
 * have, and no dunder attributes; otherwise the export is refused with the line and the reason.
 * An `if __name__ == "__main__":` block is left out (it never runs when a file is imported, and
 * the export is a script). Top-level list literals read at traced indices are written as
 * torch.tensor(...), since PyTorch cannot index a list with a tensor. Annotations are dropped.
 */
import type { Expr, Module, Stmt, StmtOf } from './ast';
import {
  exprChildren,
  namesBoundBy,
  parameterNames,
  stmtChildren,
  targetNames,
  walkModule,
} from './astWalk';
import type { CheckedProgram } from './eval/program';
import { lineOf } from './eval/pyerrors';
import { PREC, printExpr, printParams, printTop } from './printPython';
import type { PytorchExportShape, TensorInfo } from './types';

export type PythonExport = { code: string; notes: string[] } | { refused: string };

/** Decides whether code that never ran stays inside what flexmask's evaluator accepts. */
export interface StaticResolver {
  /** Whether a name is one of flexmask's builtins (`len`, `range`, `torch`, `and_masks`, ...). */
  isBuiltin(name: string): boolean;
  /**
   * A dotted name rooted at a module (`torch.where`, `math.floor`, `os.system`): 'unknown' when
   * the root is a module and the path is not in flexmask's version of it; 'known' otherwise
   * (including chains rooted at ordinary values, whose attributes cannot be known statically).
   */
  knowsDotted(parts: string[]): 'known' | 'unknown';
  /** Whether `import <module>` names a module flexmask has. */
  knowsModule(name: string): boolean;
}

const ALLOWED_DUNDERS = new Set(['__name__', '__qualname__', '__doc__', '__module__']);

class Refused {
  constructor(readonly reason: string) {}
}

/** The program part of the export (shape-independent), or why it is refused. */
export function exportModule(
  program: ExportInput,
  resolver: StaticResolver,
): { lines: string[]; notes: string[] } | { refused: string } {
  const printer = new ModulePrinter(program, resolver);
  try {
    return { lines: printer.module(program.module), notes: printer.notes };
  } catch (error) {
    if (error instanceof Refused) return { refused: error.reason };
    throw error;
  }
}

export interface ExportInput {
  module: Module;
  source: string;
  covered: ReadonlySet<Stmt | Expr>;
  literalLists: ReadonlySet<Stmt>;
  tensors: TensorInfo[];
}

class ModulePrinter {
  readonly notes: string[] = [];
  private readonly bound: Set<string>;

  constructor(
    private readonly program: ExportInput,
    private readonly resolver: StaticResolver,
  ) {
    this.bound = boundNames(program.module);
  }

  module(module: Module): string[] {
    const out: string[] = [];
    let previousWasDef = false;
    for (const s of module.body) {
      if (isMainGuard(s)) {
        this.notes.push('the `if __name__ == "__main__":` block is left out');
        continue;
      }
      const isDef = s.kind === 'def' || s.kind === 'class';
      if (isDef || previousWasDef) out.push('', '');
      previousWasDef = isDef;
      const table = this.tableLiteral(s);
      if (table !== undefined) {
        out.push(table);
        continue;
      }
      this.statement(s, '', out);
    }
    return out;
  }

  /** `ids = [0, 1, ...]` read at traced indices: PyTorch needs a tensor. */
  private tableLiteral(s: Stmt): string | undefined {
    if (!this.program.literalLists.has(s) || s.kind !== 'assign') return undefined;
    const target = s.targets[0];
    if (target.kind !== 'name') return undefined;
    const t = this.program.tensors.find((x) => x.name === target.id);
    if (t === undefined) return undefined;
    return `${target.id} = torch.tensor(${printExpr(s.value)}, device=device)`;
  }

  private ran(node: Stmt | Expr): boolean {
    return this.program.covered.has(node);
  }

  private line(node: Stmt | Expr): number {
    return lineOf(this.program.source, node.span.start).line;
  }

  private block(stmts: Stmt[], indent: string, out: string[]): void {
    const before = out.length;
    for (const s of stmts) this.statement(s, indent, out);
    if (out.length === before) out.push(`${indent}pass`);
  }

  private statement(s: Stmt, indent: string, out: string[]): void {
    if (!this.ran(s)) this.checkUnrun(s);
    else this.checkExprsOf(s);
    const inner = `${indent}    `;
    switch (s.kind) {
      case 'assign':
        out.push(`${indent}${[...s.targets, s.value].map((x) => printTop(x)).join(' = ')}`);
        return;
      case 'annassign':
        if (s.value) out.push(`${indent}${printExpr(s.target)} = ${printTop(s.value)}`);
        return;
      case 'augassign':
        out.push(`${indent}${printExpr(s.target)} ${s.op}= ${printTop(s.value)}`);
        return;
      case 'expr':
        out.push(`${indent}${printTop(s.value)}`);
        return;
      case 'return':
        out.push(`${indent}return${s.value ? ` ${printTop(s.value)}` : ''}`);
        return;
      case 'def':
        for (const d of s.decorators) out.push(`${indent}@${printExpr(d)}`);
        out.push(`${indent}def ${s.name}(${printParams(s.params)}):`);
        this.block(s.body, inner, out);
        return;
      case 'class':
        for (const d of s.decorators) out.push(`${indent}@${printExpr(d)}`);
        out.push(
          `${indent}class ${s.name}${s.bases.length > 0 ? `(${s.bases.map((b) => printExpr(b)).join(', ')})` : ''}:`,
        );
        this.classBody(s, inner, out);
        return;
      case 'if':
        this.ifStatement(s, indent, out);
        return;
      case 'for':
        out.push(`${indent}for ${printTop(s.target)} in ${printTop(s.iter)}:`);
        this.block(s.body, inner, out);
        if (s.orelse.length > 0) {
          out.push(`${indent}else:`);
          this.block(s.orelse, inner, out);
        }
        return;
      case 'while':
        out.push(`${indent}while ${printExpr(s.test)}:`);
        this.block(s.body, inner, out);
        if (s.orelse.length > 0) {
          out.push(`${indent}else:`);
          this.block(s.orelse, inner, out);
        }
        return;
      case 'break':
      case 'continue':
      case 'pass':
        out.push(`${indent}${s.kind}`);
        return;
      case 'assert':
        out.push(`${indent}assert ${printExpr(s.test)}${s.msg ? `, ${printExpr(s.msg)}` : ''}`);
        return;
      case 'raise':
        out.push(
          `${indent}raise${s.exc ? ` ${printExpr(s.exc)}` : ''}${s.cause ? ` from ${printExpr(s.cause)}` : ''}`,
        );
        return;
      case 'try':
        out.push(`${indent}try:`);
        this.block(s.body, inner, out);
        for (const h of s.handlers) {
          out.push(
            `${indent}except${h.type ? ` ${printExpr(h.type)}` : ''}${h.name ? ` as ${h.name}` : ''}:`,
          );
          this.block(h.body, inner, out);
        }
        if (s.orelse.length > 0) {
          out.push(`${indent}else:`);
          this.block(s.orelse, inner, out);
        }
        if (s.finalbody.length > 0) {
          out.push(`${indent}finally:`);
          this.block(s.finalbody, inner, out);
        }
        return;
      case 'with':
        out.push(
          `${indent}with ${s.items.map((i) => `${printExpr(i.context)}${i.target ? ` as ${printExpr(i.target)}` : ''}`).join(', ')}:`,
        );
        this.block(s.body, inner, out);
        return;
      case 'import':
        out.push(
          `${indent}import ${s.names.map((a) => `${a.name}${a.asname ? ` as ${a.asname}` : ''}`).join(', ')}`,
        );
        return;
      case 'importfrom':
        out.push(
          `${indent}from ${'.'.repeat(s.level)}${s.module} import ${s.star ? '*' : s.names.map((a) => `${a.name}${a.asname ? ` as ${a.asname}` : ''}`).join(', ')}`,
        );
        return;
      case 'global':
      case 'nonlocal':
        out.push(`${indent}${s.kind} ${s.names.join(', ')}`);
        return;
      case 'del':
        out.push(`${indent}del ${s.targets.map((t) => printExpr(t, PREC.ifexp)).join(', ')}`);
        return;
    }
  }

  private classBody(s: StmtOf<'class'>, indent: string, out: string[]): void {
    const before = out.length;
    for (const st of s.body) {
      // A bare `field: int` declares a dataclass field: keep it, with a neutral annotation.
      if (st.kind === 'annassign' && !st.value && st.target.kind === 'name') {
        out.push(`${indent}${st.target.id}: object`);
        continue;
      }
      if (st.kind === 'annassign' && st.value && st.target.kind === 'name') {
        if (!this.ran(st)) this.checkUnrun(st);
        out.push(`${indent}${st.target.id}: object = ${printTop(st.value)}`);
        continue;
      }
      this.statement(st, indent, out);
    }
    if (out.length === before) out.push(`${indent}pass`);
  }

  private ifStatement(s: StmtOf<'if'>, indent: string, out: string[]): void {
    out.push(`${indent}if ${printExpr(s.test)}:`);
    this.block(s.body, `${indent}    `, out);
    let orelse = s.orelse;
    while (orelse.length === 1 && orelse[0].kind === 'if') {
      const elif = orelse[0];
      if (!this.ran(elif)) this.checkUnrun(elif);
      out.push(`${indent}elif ${printExpr(elif.test)}:`);
      this.block(elif.body, `${indent}    `, out);
      orelse = elif.orelse;
    }
    if (orelse.length > 0) {
      out.push(`${indent}else:`);
      this.block(orelse, `${indent}    `, out);
    }
  }

  /** A statement that ran: any of its expressions that did not run must pass the static check. */
  private checkExprsOf(s: Stmt): void {
    for (const e of printedExprs(s)) this.checkExpr(e);
  }

  private checkExpr(root: Expr): void {
    const stack = [root];
    while (stack.length > 0) {
      const e = stack.pop() as Expr;
      if (!this.ran(e)) {
        this.checkUnrunExpr(e);
        continue;
      }
      stack.push(...exprChildren(e));
    }
  }

  /** Code that never ran: everything in it must stay inside what flexmask accepts. */
  private checkUnrun(s: Stmt): void {
    const stmts = [s];
    while (stmts.length > 0) {
      const st = stmts.pop() as Stmt;
      if (st.kind === 'import') {
        for (const a of st.names)
          if (!this.resolver.knowsModule(a.name))
            this.refuse(st, `it imports '${a.name}', a module flexmask does not have`);
      }
      if (st.kind === 'importfrom' && (st.level > 0 || !this.resolver.knowsModule(st.module))) {
        this.refuse(
          st,
          `it imports from '${'.'.repeat(st.level)}${st.module}', a module flexmask does not have`,
        );
      }
      for (const e of printedExprs(st)) this.checkUnrunExpr(e);
      stmts.push(...stmtChildren(st).stmts);
    }
  }

  private checkUnrunExpr(root: Expr): void {
    const stack = [root];
    while (stack.length > 0) {
      const e = stack.pop() as Expr;
      if (e.kind === 'name' && !this.bound.has(e.id) && !this.resolver.isBuiltin(e.id)) {
        this.refuse(e, `it uses '${e.id}', which flexmask does not provide`);
      }
      if (e.kind === 'attribute') {
        if (e.attr.startsWith('__') && !ALLOWED_DUNDERS.has(e.attr))
          this.refuse(e, `it reads '${e.attr}', one of Python's internals`);
        const dotted = dottedParts(e);
        if (dotted && this.resolver.knowsDotted(dotted) === 'unknown') {
          this.refuse(e, `it uses '${dotted.join('.')}', which flexmask does not have`);
        }
      }
      stack.push(...exprChildren(e));
    }
  }

  private refuse(node: Stmt | Expr, why: string): never {
    throw new Refused(
      `The PyTorch export is refused: line ${this.line(node)} never ran in flexmask, and ${why}. flexmask exports only code it has checked; remove that code (or make it run) to export.`,
    );
  }
}

/** A statement's own expressions that the export prints: all but annotations (never printed). */
function printedExprs(s: Stmt): Expr[] {
  const { exprs } = stmtChildren(s);
  const annotations = new Set<Expr>();
  if (s.kind === 'annassign') annotations.add(s.annotation);
  if (s.kind === 'def') {
    const p = s.params;
    for (const q of [...p.positional, ...p.keywordOnly, p.vararg, p.kwarg])
      if (q?.annotation) annotations.add(q.annotation);
    if (s.returns) annotations.add(s.returns);
  }
  return exprs.filter((e) => !annotations.has(e));
}

/** `a.b.c` as ['a', 'b', 'c'] when the chain starts at a name; undefined otherwise. */
function dottedParts(e: Expr): string[] | undefined {
  const parts: string[] = [];
  let node: Expr = e;
  while (node.kind === 'attribute') {
    parts.unshift(node.attr);
    node = node.value;
  }
  if (node.kind !== 'name') return undefined;
  parts.unshift(node.id);
  return parts;
}

function isMainGuard(s: Stmt): boolean {
  if (
    s.kind !== 'if' ||
    s.test.kind !== 'compare' ||
    s.test.ops.length !== 1 ||
    s.test.ops[0] !== '=='
  )
    return false;
  const sides = [s.test.left, s.test.comparators[0]];
  return (
    sides.some((x) => x.kind === 'name' && x.id === '__name__') &&
    sides.some((x) => x.kind === 'string' && x.value === '__main__')
  );
}

/** Every name the module binds anywhere (assignments, defs, parameters, imports, loop targets). */
function boundNames(module: Module): Set<string> {
  const names = new Set<string>();
  walkModule(
    module,
    (e) => {
      if (e.kind === 'lambda') parameterNames(e.params, names);
      if (e.kind === 'comprehension') for (const g of e.generators) targetNames(g.target, names);
      if (e.kind === 'namedexpr') names.add(e.target.id);
    },
    (s) => {
      namesBoundBy(s, names);
      if (s.kind === 'def') parameterNames(s.params, names);
    },
  );
  return names;
}

/** The whole .py file: imports, the program, and the calls for this shape. */
export function exportPytorch(
  program: Pick<CheckedProgram, 'exported' | 'mask' | 'score' | 'maskDeps'>,
  shape: PytorchExportShape,
): PythonExport {
  const body = program.exported;
  if ('refused' in body) return body;
  const hasMask = program.mask !== undefined;
  const maskName = hasMask ? 'mask_mod' : 'noop_mask';
  const bArg = program.maskDeps.b ? String(shape.B) : 'None';
  const hArg = program.maskDeps.h ? String(shape.H) : 'None';
  const gqa = shape.H !== shape.HKV;
  const header = body.notes.map((n) => `# flexmask: ${n}.`);
  const lines = [
    ...header,
    'import torch',
    'from torch.nn.attention.flex_attention import (',
    '    and_masks,',
    '    create_block_mask,',
    '    flex_attention,',
    '    noop_mask,',
    '    or_masks,',
    ')',
    '',
    'device = "cuda" if torch.cuda.is_available() else "cpu"',
    '',
    ...body.lines,
    '',
    '',
    `block_mask = create_block_mask(${maskName}, B=${bArg}, H=${hArg}, Q_LEN=${shape.Q}, KV_LEN=${shape.KV}, BLOCK_SIZE=(${shape.blockQ}, ${shape.blockKV}), device=device)`,
    `q = torch.randn(${shape.B}, ${shape.H}, ${shape.Q}, ${shape.D}, device=device)`,
    `k = torch.randn(${shape.B}, ${shape.HKV}, ${shape.KV}, ${shape.D}, device=device)`,
    `v = torch.randn(${shape.B}, ${shape.HKV}, ${shape.KV}, ${shape.DV}, device=device)`,
    `out = flex_attention(q, k, v, score_mod=${program.score !== undefined ? 'score_mod' : 'None'}, block_mask=block_mask, enable_gqa=${gqa ? 'True' : 'False'})`,
  ];
  return { code: `${lines.join('\n').replace(/\n{3,}/g, '\n\n\n')}\n`, notes: body.notes };
}
