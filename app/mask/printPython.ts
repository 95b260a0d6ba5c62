/**
 * Prints a syntax tree back as Python source: every expression kind with Python's precedence
 * (a child looser than its slot is parenthesised), strings and f-strings re-escaped. Annotations
 * are never printed: Python evaluates them when a def runs, flexmask never does, so printing them
 * would put unchecked code into the export.
 */
import type { Expr, FStringPart, Parameters } from './ast';
import { strRepr } from './eval/objects';

/** Python's precedence, loosest first. */
export const PREC = {
  namedexpr: -1,
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
    case 'namedexpr':
      return PREC.namedexpr;
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
    case 'starred':
      return PREC.lambda - 1;
    case 'subscript':
    case 'call':
    case 'attribute':
      return PREC.primary;
    default:
      return PREC.atom;
  }
}

export function printExpr(e: Expr, min = 0): string {
  const text = printBare(e);
  return precOf(e) < min ? `(${text})` : text;
}

/** A tuple on the right of `=`, after `return` or `for ... in` needs no parentheses. */
export function printTop(e: Expr): string {
  if (e.kind === 'tuple' && e.elts.length > 1)
    return e.elts.map((x) => printExpr(x, PREC.ifexp)).join(', ');
  return printExpr(e);
}

export function printParams(p: Parameters): string {
  const one = (q: { name: string; default?: Expr }): string =>
    q.default === undefined ? q.name : `${q.name}=${printExpr(q.default, PREC.ifexp)}`;
  const parts = p.positional.map(one);
  if (p.positionalOnly > 0) parts.splice(p.positionalOnly, 0, '/');
  if (p.vararg) parts.push(`*${p.vararg.name}`);
  else if (p.keywordOnly.length > 0) parts.push('*');
  parts.push(...p.keywordOnly.map(one));
  if (p.kwarg) parts.push(`**${p.kwarg.name}`);
  return parts.join(', ');
}

function printItems(elts: Expr[]): string {
  return elts.map((x) => printExpr(x, PREC.ifexp)).join(', ');
}

function printBare(e: Expr): string {
  switch (e.kind) {
    case 'num':
    case 'imaginary':
      return e.text;
    case 'bool':
      return e.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'ellipsis':
      return '...';
    case 'name':
      return e.id;
    case 'string':
      return (e.bytes ? 'b' : '') + strRepr(e.value);
    case 'fstring':
      return printFString(e.parts);
    case 'list':
      return `[${printItems(e.elts)}]`;
    case 'set':
      return e.elts.length === 0 ? 'set()' : `{${printItems(e.elts)}}`;
    case 'tuple':
      return e.elts.length === 1 ? `(${printItems(e.elts)},)` : `(${printItems(e.elts)})`;
    case 'dict':
      return `{${e.entries
        .map((entry) =>
          'unpack' in entry
            ? `**${printExpr(entry.unpack, PREC.primary)}`
            : `${printExpr(entry.key, PREC.ifexp)}: ${printExpr(entry.value, PREC.ifexp)}`,
        )
        .join(', ')}}`;
    case 'starred':
      return `*${printExpr(e.value, PREC.primary)}`;
    case 'unary':
      if (e.op === 'not') return `not ${printExpr(e.operand, PREC.not)}`;
      return `${e.op}${printExpr(e.operand, PREC.unary)}`;
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
    case 'subscript': {
      const inner = e.indices
        .map((x) => (x.kind === 'slice' ? printBare(x) : printExpr(x, PREC.ifexp)))
        .join(', ');
      return `${printExpr(e.value, PREC.primary)}[${inner}${e.tuple && e.indices.length === 1 ? ',' : ''}]`;
    }
    case 'slice':
      return `${e.lower ? printExpr(e.lower, PREC.ifexp) : ''}:${e.upper ? printExpr(e.upper, PREC.ifexp) : ''}${e.step ? `:${printExpr(e.step, PREC.ifexp)}` : ''}`;
    case 'call': {
      const soleGenerator =
        e.args.length === 1 &&
        e.keywords.length === 0 &&
        e.args[0].kind === 'comprehension' &&
        e.args[0].type === 'generator';
      const args = [
        ...e.args.map((x) =>
          soleGenerator ? printComprehensionBody(x) : printExpr(x, PREC.ifexp),
        ),
        ...e.keywords.map((k) =>
          k.name === undefined
            ? `**${printExpr(k.value, PREC.primary)}`
            : `${k.name}=${printExpr(k.value, PREC.ifexp)}`,
        ),
      ];
      return `${printExpr(e.func, PREC.primary)}(${args.join(', ')})`;
    }
    case 'attribute': {
      const base = printExpr(e.value, PREC.primary);
      // `1.abs()` would not parse; `(1).abs()` does.
      return `${e.value.kind === 'num' ? `(${base})` : base}.${e.attr}`;
    }
    case 'lambda': {
      const params = printParams(e.params);
      return `lambda${params ? ` ${params}` : ''}: ${printExpr(e.body, PREC.ifexp)}`;
    }
    case 'comprehension': {
      const body = printComprehensionBody(e);
      if (e.type === 'list') return `[${body}]`;
      if (e.type === 'generator') return `(${body})`;
      return `{${body}}`;
    }
    case 'namedexpr':
      return `${e.target.id} := ${printExpr(e.value, PREC.ifexp)}`;
  }
}

function printComprehensionBody(e: Expr): string {
  if (e.kind !== 'comprehension') return printExpr(e, PREC.ifexp);
  const head =
    e.type === 'dict' && e.value
      ? `${printExpr(e.elt, PREC.ifexp)}: ${printExpr(e.value, PREC.ifexp)}`
      : printExpr(e.elt, PREC.ifexp);
  const clauses = e.generators.map(
    (g) =>
      ` for ${printTop(g.target)} in ${printExpr(g.iter, PREC.or)}${g.ifs.map((c) => ` if ${printExpr(c, PREC.or)}`).join('')}`,
  );
  return head + clauses.join('');
}

function printFString(parts: FStringPart[]): string {
  return `f'${fstringBody(parts)}'`;
}

/** Text inside a single-quoted literal: backslashes, quotes and control characters escaped. */
function escapeText(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch < ' ') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** The inside of an f-string: text with braces doubled, fields as `{expr!r:spec}`. */
function fstringBody(parts: FStringPart[]): string {
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      out += escapeText(part.value).replace(/\{/g, '{{').replace(/\}/g, '}}');
      continue;
    }
    // Before Python 3.12 a field may not reuse the literal's quote: its strings use double quotes.
    const expr = printExpr(part.value, PREC.ifexp).replace(/'/g, '"');
    out += `{${expr}${part.debugText !== undefined ? '=' : ''}${part.conversion ? `!${part.conversion}` : ''}${part.formatSpec ? `:${fstringBody(part.formatSpec)}` : ''}}`;
  }
  return out;
}
