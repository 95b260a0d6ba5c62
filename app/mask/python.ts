/**
 * The PyTorch export: the user's program re-printed from its syntax tree (so comments and user
 * imports drop out, and `~`, `&`, `|` stay as written), with each lookup tensor as `torch.tensor`,
 * followed by the create_block_mask / flex_attention calls for one shape.
 */
import type { Expr, Module, Param, Stmt } from './ast';
import type { CheckedProgram } from './check';
import type { PythonExportShape, TensorInfo } from './types';

/** Python's precedence, loosest first; a child looser than its slot is parenthesised. */
const PREC = {
  lambda: 0,
  ifexp: 1,
  or: 2,
  and: 3,
  not: 4,
  compare: 5,
  '|': 6,
  '^': 7,
  '&': 8,
  shift: 9,
  sum: 10,
  term: 11,
  unary: 12,
  power: 13,
  primary: 14,
  atom: 15,
} as const;

function binaryPrec(op: string): number {
  switch (op) {
    case '|':
    case '^':
    case '&':
      return PREC[op];
    case '<<':
    case '>>':
      return PREC.shift;
    case '+':
    case '-':
      return PREC.sum;
    case '**':
      return PREC.power;
    default:
      return PREC.term;
  }
}

function precOf(e: Expr): number {
  switch (e.kind) {
    case 'lambda':
      return PREC.lambda;
    case 'ifexp':
      return PREC.ifexp;
    case 'boolop':
      return e.op === 'or' ? PREC.or : PREC.and;
    case 'unary':
      return e.op === 'not' ? PREC.not : PREC.unary;
    case 'compare':
      return PREC.compare;
    case 'binary':
      return binaryPrec(e.op);
    case 'tuple':
      return e.elts.length === 0 ? PREC.atom : PREC.lambda - 1;
    case 'subscript':
    case 'call':
    case 'attribute':
      return PREC.primary;
    default:
      return PREC.atom;
  }
}

function formatNumber(value: number, isFloat: boolean): string {
  if (!isFloat) return String(value);
  if (!Number.isFinite(value))
    return value > 0 ? 'float("inf")' : value < 0 ? 'float("-inf")' : 'float("nan")';
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export function printExpr(e: Expr, min = 0): string {
  const text = printBare(e);
  return precOf(e) < min ? `(${text})` : text;
}

function printParams(ps: Param[]): string {
  return ps
    .map((p) =>
      p.default === undefined ? p.name : `${p.name}=${printExpr(p.default, PREC.ifexp)}`,
    )
    .join(', ');
}

function printBare(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return e.text;
    case 'bool':
      return e.value ? 'True' : 'False';
    case 'name':
      return e.id;
    case 'string':
      return '""';
    case 'list':
      return `[${e.elts.map((x) => printExpr(x, PREC.ifexp)).join(', ')}]`;
    case 'tuple': {
      const inner = e.elts.map((x) => printExpr(x, PREC.ifexp)).join(', ');
      return e.elts.length === 1 ? `(${inner},)` : `(${inner})`;
    }
    case 'unary': {
      if (e.op === 'not') return `not ${printExpr(e.operand, PREC.not)}`;
      return `${e.op}${printExpr(e.operand, PREC.unary)}`;
    }
    case 'binary': {
      const p = binaryPrec(e.op);
      // `**` binds right to left and tighter than a unary minus on its left.
      if (e.op === '**')
        return `${printExpr(e.left, PREC.primary)} ** ${printExpr(e.right, PREC.unary)}`;
      return `${printExpr(e.left, p)} ${e.op} ${printExpr(e.right, p + 1)}`;
    }
    case 'boolop': {
      const p = e.op === 'or' ? PREC.or : PREC.and;
      return e.values.map((v) => printExpr(v, p + 1)).join(` ${e.op} `);
    }
    case 'compare': {
      const parts = [printExpr(e.left, PREC.compare + 1)];
      e.ops.forEach((op, k) => parts.push(op, printExpr(e.comparators[k], PREC.compare + 1)));
      return parts.join(' ');
    }
    case 'ifexp':
      return `${printExpr(e.body, PREC.or)} if ${printExpr(e.test, PREC.or)} else ${printExpr(e.orelse, PREC.ifexp)}`;
    case 'subscript':
      return `${printExpr(e.value, PREC.primary)}[${e.indices.map((x) => printExpr(x, PREC.ifexp)).join(', ')}]`;
    case 'call': {
      const args = [
        ...e.args.map((x) => printExpr(x, PREC.ifexp)),
        ...e.keywords.map((k) => `${k.name}=${printExpr(k.value, PREC.ifexp)}`),
      ];
      return `${printExpr(e.func, PREC.primary)}(${args.join(', ')})`;
    }
    case 'attribute': {
      const base = printExpr(e.value, PREC.primary);
      // `1.abs()` would not parse; `(1).abs()` does.
      return `${e.value.kind === 'num' ? `(${base})` : base}.${e.attr}`;
    }
    case 'lambda':
      return `lambda ${printParams(e.params)}: ${printExpr(e.body, PREC.ifexp)}`;
  }
}

function isIgnored(s: Stmt): boolean {
  if (s.kind === 'import' || s.kind === 'pass') return true;
  if (s.kind === 'expr' && s.value.kind === 'string') return true;
  return (
    s.kind === 'assign' &&
    s.targets.length === 1 &&
    s.targets[0].kind === 'attribute' &&
    s.targets[0].attr === '__name__'
  );
}

function printBlock(stmts: Stmt[], indent: string, out: string[]): void {
  const kept = stmts.filter((s) => !isIgnored(s));
  if (kept.length === 0) out.push(`${indent}pass`);
  for (const s of kept) printStmt(s, indent, out);
}

function printStmt(s: Stmt, indent: string, out: string[]): void {
  switch (s.kind) {
    case 'assign':
      out.push(`${indent}${[...s.targets, s.value].map((x) => printTop(x)).join(' = ')}`);
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
      out.push(`${indent}def ${s.name}(${printParams(s.params)}):`);
      printBlock(s.body, `${indent}    `, out);
      return;
    case 'if': {
      out.push(`${indent}if ${printExpr(s.test)}:`);
      printBlock(s.body, `${indent}    `, out);
      let orelse = s.orelse;
      while (orelse.length === 1 && orelse[0].kind === 'if') {
        const elif = orelse[0];
        out.push(`${indent}elif ${printExpr(elif.test)}:`);
        printBlock(elif.body, `${indent}    `, out);
        orelse = elif.orelse;
      }
      if (orelse.length > 0) {
        out.push(`${indent}else:`);
        printBlock(orelse, `${indent}    `, out);
      }
      return;
    }
    case 'import':
    case 'pass':
      out.push(`${indent}pass`);
  }
}

/** A tuple on the right of `=` or after `return` needs no parentheses. */
function printTop(e: Expr): string {
  if (e.kind === 'tuple' && e.elts.length > 1)
    return e.elts.map((x) => printExpr(x, PREC.ifexp)).join(', ');
  return printExpr(e);
}

function tensorLiteral(t: TensorInfo): string {
  const cell = (v: number): string =>
    t.type === 'bool' ? (v !== 0 ? 'True' : 'False') : formatNumber(v, t.type === 'float');
  if (t.shape.length === 1) return `[${t.values.map(cell).join(', ')}]`;
  const [rows, cols] = t.shape;
  const lines: string[] = [];
  for (let i = 0; i < rows; i += 1)
    lines.push(
      `[${t.values
        .slice(i * cols, (i + 1) * cols)
        .map(cell)
        .join(', ')}]`,
    );
  return `[\n    ${lines.join(',\n    ')},\n]`;
}

/** Prints the module; top-level list literals become `torch.tensor(...)` on `device`. */
export function printModule(module: Module, program: CheckedProgram): string[] {
  const out: string[] = [];
  const tensorByName = new Map(program.tensors.map((t) => [t.name, t]));
  let previousWasDef = false;
  for (const s of module.body) {
    if (isIgnored(s)) continue;
    const isDef = s.kind === 'def';
    if (isDef || previousWasDef) out.push('', '');
    previousWasDef = isDef;
    if (
      s.kind === 'assign' &&
      s.targets.length === 1 &&
      s.targets[0].kind === 'name' &&
      s.value.kind === 'list'
    ) {
      const t = tensorByName.get(s.targets[0].id);
      if (t !== undefined) {
        out.push(`${t.name} = torch.tensor(${tensorLiteral(t)}, device=device)`);
        continue;
      }
    }
    printStmt(s, '', out);
  }
  return out;
}

export function exportPython(program: CheckedProgram, shape: PythonExportShape): string {
  const hasMask = program.mask !== undefined;
  const maskName = hasMask ? 'mask_mod' : 'noop_mask';
  const bArg = program.maskDeps.b ? String(shape.B) : 'None';
  const hArg = program.maskDeps.h ? String(shape.H) : 'None';
  const gqa = shape.H !== shape.HKV;
  const lines = [
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
    ...printModule(program.module, program),
    '',
    '',
    `block_mask = create_block_mask(${maskName}, B=${bArg}, H=${hArg}, Q_LEN=${shape.Q}, KV_LEN=${shape.KV}, BLOCK_SIZE=(${shape.blockQ}, ${shape.blockKV}), device=device)`,
    `q = torch.randn(${shape.B}, ${shape.H}, ${shape.Q}, ${shape.D}, device=device)`,
    `k = torch.randn(${shape.B}, ${shape.HKV}, ${shape.KV}, ${shape.D}, device=device)`,
    `v = torch.randn(${shape.B}, ${shape.HKV}, ${shape.KV}, ${shape.DV}, device=device)`,
    `out = flex_attention(q, k, v, score_mod=${program.score !== undefined ? 'score_mod' : 'None'}, block_mask=block_mask, enable_gqa=${gqa ? 'True' : 'False'})`,
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n\n')}\n`;
}
