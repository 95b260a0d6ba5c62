/**
 * A recursive-descent parser for the mask language's part of Python. It builds the syntax tree
 * with a span on every node, refuses what the language does not have with a message that says
 * what it has instead, and checks nesting before every recursion so no input can overflow the stack.
 */
import type { BinaryOp, CompareOp, Expr, Keyword, Module, Param, Stmt } from './ast';
import { fail } from './errors';
import type { CompileLimits } from './limits';
import type { Token } from './lexer';
import type { SourceSpan } from './types';

const LOOP_MESSAGE =
  'loops are not supported: a mask_mod is evaluated per (b, h, q_idx, kv_idx); express the rule with comparisons';

/** Statements Python has and the mask language refuses, with what to do instead. */
const REFUSED_KEYWORDS: Record<string, string> = {
  for: LOOP_MESSAGE,
  while: LOOP_MESSAGE,
  class:
    'classes are not supported: write the rule as a function, def mask_mod(b, h, q_idx, kv_idx)',
  global:
    "'global' is not supported: a def reads top-level names directly; top-level parameters are changed with their sliders, not from inside a def",
  nonlocal: "'nonlocal' is not supported: assign to a new local name instead",
  with: "'with' is not supported: a mask program only defines functions and constants",
  try: "'try' is not supported: the mask language has no exceptions",
  raise: "'raise' is not supported: the mask language has no exceptions",
  assert: "'assert' is not supported: the mask language has no exceptions",
  del: "'del' is not supported: assign a new name instead",
  yield: "'yield' is not supported: a mask_mod returns one bool",
  async: "'async' is not supported: a mask_mod is a plain function",
  await: "'await' is not supported: a mask_mod is a plain function",
  break: LOOP_MESSAGE,
  continue: LOOP_MESSAGE,
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
};

/** Only these imports are accepted (and ignored): they are what real PyTorch mask code starts with. */
const ACCEPTED_IMPORTS = new Set(['torch', 'typing', 'torch.nn.attention.flex_attention']);
const IMPORT_MESSAGE =
  "only 'import torch', 'from torch import ...', 'from torch.nn.attention.flex_attention import ...' and 'from typing import ...' are accepted";

const span = (a: SourceSpan, b: SourceSpan): SourceSpan => ({ start: a.start, end: b.end });

export function parse(tokens: Token[], source: string, limits: CompileLimits): Module {
  let pos = 0;
  let depth = 0;
  let functionDepth = 0;
  const heights = new WeakMap<Expr, number>();
  const elementCounts = new WeakMap<Expr, number>();

  const peek = (k = 0): Token => tokens[Math.min(pos + k, tokens.length - 1)];
  const next = (): Token => {
    const t = tokens[pos];
    if (pos < tokens.length - 1) pos += 1;
    return t;
  };
  const isOp = (text: string, k = 0): boolean => {
    const t = peek(k);
    return t.kind === 'op' && t.text === text;
  };
  const isKw = (word: string, k = 0): boolean => {
    const t = peek(k);
    return t.kind === 'name' && t.text === word;
  };
  const acceptOp = (text: string): Token | undefined => (isOp(text) ? next() : undefined);
  const acceptKw = (word: string): Token | undefined => (isKw(word) ? next() : undefined);

  function unexpected(t: Token = peek()): never {
    if (t.kind === 'indent') fail(t.span, 'IndentationError', 'unexpected indent');
    if (t.kind === 'op' && t.text === ':=') {
      fail(
        t.span,
        'NotSupportedError',
        "assignment expressions (':=') are not supported: assign on a line of its own",
      );
    }
    if (t.kind === 'name' && REFUSED_KEYWORDS[t.text] !== undefined) {
      fail(t.span, 'NotSupportedError', REFUSED_KEYWORDS[t.text]);
    }
    fail(t.span, 'SyntaxError', 'invalid syntax');
  }
  function expectOp(text: string, message = `expected '${text}'`): Token {
    const t = peek();
    if (t.kind === 'op' && t.text === text) return next();
    if (t.kind === 'indent' || t.kind === 'string') unexpected(t);
    if (REFUSED_KEYWORDS[t.text] !== undefined && t.kind === 'name') unexpected(t);
    fail(t.span, 'SyntaxError', message);
  }
  function expectName(what: string): Token {
    const t = peek();
    if (t.kind !== 'name' || KEYWORDS.has(t.text)) {
      if (t.kind === 'name')
        fail(t.span, 'SyntaxError', `invalid syntax ('${t.text}' is a keyword, not ${what})`);
      unexpected(t);
    }
    return next();
  }

  /** Every recursion goes through here, so nesting is bounded before the stack is. */
  function nested<T>(at: SourceSpan, body: () => T): T {
    depth += 1;
    if (depth > limits.maxNesting) {
      fail(
        at,
        'LimitError',
        `expression nested too deeply (the limit is ${limits.maxNesting} levels)`,
      );
    }
    try {
      return body();
    } finally {
      depth -= 1;
    }
  }

  function node<E extends Expr>(e: E, ...children: Expr[]): E {
    let h = 0;
    for (const c of children) h = Math.max(h, heights.get(c) ?? 1);
    if (h + 1 > limits.maxExpressionHeight) {
      fail(
        e.span,
        'LimitError',
        `expression too long (the limit is ${limits.maxExpressionHeight} nested operations); split it with local variables`,
      );
    }
    heights.set(e, h + 1);
    return e;
  }

  // ---- statements -------------------------------------------------------------------------

  function parseFile(): Module {
    const body: Stmt[] = [];
    while (peek().kind !== 'end') {
      if (peek().kind === 'newline') {
        next();
        continue;
      }
      body.push(...statement());
    }
    return { body };
  }

  function statement(): Stmt[] {
    const t = peek();
    if (t.kind === 'indent') fail(t.span, 'IndentationError', 'unexpected indent');
    if (t.kind === 'name') {
      if (t.text === 'def') return [defStatement()];
      if (t.text === 'if') return [ifStatement()];
      const refused = REFUSED_KEYWORDS[t.text];
      if (refused !== undefined) fail(t.span, 'NotSupportedError', refused);
    }
    if (t.kind === 'op' && t.text === '@') {
      fail(t.span, 'NotSupportedError', 'decorators are not supported: write a plain def');
    }
    return simpleStatements();
  }

  function simpleStatements(): Stmt[] {
    const out: Stmt[] = [simpleStatement()];
    while (acceptOp(';')) {
      if (peek().kind === 'newline') break;
      out.push(simpleStatement());
    }
    const end = peek();
    if (end.kind !== 'newline') {
      if (end.kind === 'op' && end.text === '=') {
        fail(end.span, 'SyntaxError', "invalid syntax. Maybe you meant '==' instead of '='?");
      }
      unexpected(end);
    }
    next();
    return out;
  }

  function simpleStatement(): Stmt {
    const t = peek();
    if (t.kind === 'name') {
      switch (t.text) {
        case 'pass':
          next();
          return { kind: 'pass', span: t.span };
        case 'return': {
          next();
          if (functionDepth === 0) fail(t.span, 'SyntaxError', "'return' outside function");
          if (peek().kind === 'newline' || isOp(';')) return { kind: 'return', span: t.span };
          const value = expressionList();
          return { kind: 'return', span: span(t.span, value.span), value };
        }
        case 'import':
          return importStatement();
        case 'from':
          return fromImportStatement();
        default: {
          const refused = REFUSED_KEYWORDS[t.text];
          if (refused !== undefined) fail(t.span, 'NotSupportedError', refused);
        }
      }
    }
    const first = expressionList();
    if (isOp(':') && first.kind === 'name') {
      // `x: int = 3`: the annotation is read and ignored.
      next();
      expression();
      if (!acceptOp('=')) return { kind: 'pass', span: first.span };
      const value = expressionList();
      return { kind: 'assign', span: span(first.span, value.span), targets: [first], value };
    }
    const aug = peek();
    if (aug.kind === 'op' && AUG_OPS[aug.text] !== undefined) {
      next();
      const value = expressionList();
      return {
        kind: 'augassign',
        span: span(first.span, value.span),
        target: first,
        op: AUG_OPS[aug.text],
        value,
      };
    }
    if (isOp('=')) {
      const targets = [first];
      let value = first;
      while (acceptOp('=')) {
        value = peek().kind === 'name' && peek().text === 'yield' ? unexpected() : expressionList();
        targets.push(value);
      }
      targets.pop();
      return { kind: 'assign', span: span(first.span, value.span), targets, value };
    }
    return { kind: 'expr', span: first.span, value: first };
  }

  function importStatement(): Stmt {
    const start = next();
    for (;;) {
      const { name, nameSpan } = dottedName();
      if (name !== 'torch' && name !== 'typing') {
        fail(
          nameSpan,
          'NotSupportedError',
          `${IMPORT_MESSAGE}; the mask language has no module '${name}'`,
        );
      }
      if (acceptKw('as')) expectName('a name');
      if (!acceptOp(',')) break;
    }
    return { kind: 'import', span: start.span };
  }

  function fromImportStatement(): Stmt {
    const start = next();
    if (isOp('.'))
      fail(
        peek().span,
        'NotSupportedError',
        `relative imports are not supported: ${IMPORT_MESSAGE}`,
      );
    const { name, nameSpan } = dottedName();
    if (!ACCEPTED_IMPORTS.has(name)) {
      fail(
        nameSpan,
        'NotSupportedError',
        `${IMPORT_MESSAGE}; the mask language has no module '${name}'`,
      );
    }
    if (!acceptKw('import')) fail(peek().span, 'SyntaxError', "expected 'import'");
    const paren = acceptOp('(');
    if (isOp('*')) {
      next();
    } else {
      do {
        if (paren && isOp(')')) break;
        expectName('a name');
        if (acceptKw('as')) expectName('a name');
      } while (acceptOp(','));
    }
    if (paren) expectOp(')');
    return { kind: 'import', span: start.span };
  }

  function dottedName(): { name: string; nameSpan: SourceSpan } {
    const first = expectName('a module name');
    let name = first.text;
    let last = first.span;
    while (acceptOp('.')) {
      const part = expectName('a module name');
      name += `.${part.text}`;
      last = part.span;
    }
    return { name, nameSpan: span(first.span, last) };
  }

  function block(header: Token, what: string): Stmt[] {
    expectOp(':', "expected ':'");
    if (peek().kind !== 'newline') return simpleStatements();
    next();
    const indent = peek();
    if (indent.kind !== 'indent') {
      fail(
        indent.kind === 'end' || indent.kind === 'dedent' ? header.span : indent.span,
        'IndentationError',
        `expected an indented block after ${what} on line ${lineNumber(header)}`,
      );
    }
    next();
    return nested(indent.span, () => {
      const body: Stmt[] = [];
      while (peek().kind !== 'dedent' && peek().kind !== 'end') body.push(...statement());
      next();
      return body;
    });
  }

  function lineNumber(t: Token): number {
    let line = 1;
    for (
      let k = source.indexOf('\n');
      k >= 0 && k < t.span.start;
      k = source.indexOf('\n', k + 1)
    ) {
      line += 1;
    }
    return line;
  }

  function defStatement(): Stmt {
    const start = next();
    const name = expectName('a function name');
    expectOp('(', "expected '('");
    const params = parameters(')');
    expectOp(')');
    if (acceptOp('->')) expression();
    functionDepth += 1;
    const body = block(start, `function definition`);
    functionDepth -= 1;
    const last = body[body.length - 1];
    return {
      kind: 'def',
      span: span(start.span, last ? last.span : name.span),
      name: name.text,
      nameSpan: name.span,
      params,
      body,
    };
  }

  function parameters(closer: string): Param[] {
    const params: Param[] = [];
    while (!isOp(closer)) {
      const t = peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '**' || t.text === '/')) {
        fail(
          t.span,
          'NotSupportedError',
          `'${t.text}' parameters are not supported: list the parameters one by one`,
        );
      }
      const name = expectName('a parameter name');
      if (params.some((p) => p.name === name.text)) {
        fail(name.span, 'SyntaxError', `duplicate argument '${name.text}' in function definition`);
      }
      const param: Param = { name: name.text, span: name.span };
      if (closer === ')' && acceptOp(':')) expression();
      if (acceptOp('=')) param.default = expression();
      else if (params.some((p) => p.default !== undefined)) {
        fail(name.span, 'SyntaxError', 'non-default argument follows default argument');
      }
      params.push(param);
      if (!acceptOp(',')) break;
    }
    return params;
  }

  function ifStatement(): Stmt {
    const start = next();
    const test = expression();
    if (isOp('='))
      fail(
        peek().span,
        'SyntaxError',
        "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
      );
    const body = block(start, `'${start.text}' statement`);
    let orelse: Stmt[] = [];
    if (isKw('elif')) {
      orelse = [nested(peek().span, () => ifStatement())];
    } else if (isKw('else')) {
      const elseToken = next();
      orelse = block(elseToken, "'else' statement");
    }
    const last = orelse[orelse.length - 1] ?? body[body.length - 1];
    return { kind: 'if', span: span(start.span, last ? last.span : test.span), test, body, orelse };
  }

  // ---- expressions ------------------------------------------------------------------------

  /** `a, b` (a tuple) or one expression. */
  function expressionList(): Expr {
    const first = expression();
    if (!isOp(',')) return first;
    const elts = [first];
    while (acceptOp(',')) {
      if (endsExpressionList()) break;
      elts.push(expression());
    }
    return node(
      {
        kind: 'tuple',
        span: span(first.span, elts[elts.length - 1].span),
        elts,
        parenthesized: false,
      },
      ...elts,
    );
  }

  function endsExpressionList(): boolean {
    const t = peek();
    return (
      t.kind === 'newline' ||
      (t.kind === 'op' && ['=', ')', ']', ';', ':'].includes(t.text)) ||
      t.kind === 'end'
    );
  }

  function expression(): Expr {
    return nested(peek().span, () => {
      if (isKw('lambda')) return lambda();
      const body = disjunction();
      if (!isKw('if')) return body;
      next();
      const test = disjunction();
      if (!acceptKw('else'))
        fail(peek().span, 'SyntaxError', "expected 'else' after 'if' expression");
      const orelse = expression();
      return node(
        { kind: 'ifexp', span: span(body.span, orelse.span), test, body, orelse },
        test,
        body,
        orelse,
      );
    });
  }

  function lambda(): Expr {
    const start = next();
    const params = parameters(':');
    expectOp(':');
    functionDepth += 1;
    const body = expression();
    functionDepth -= 1;
    return node({ kind: 'lambda', span: span(start.span, body.span), params, body }, body);
  }

  function disjunction(): Expr {
    return boolChain('or', conjunction);
  }
  function conjunction(): Expr {
    return boolChain('and', inversion);
  }
  function boolChain(op: 'and' | 'or', operand: () => Expr): Expr {
    const first = operand();
    if (!isKw(op)) return first;
    const values = [first];
    while (acceptKw(op)) values.push(operand());
    return node(
      { kind: 'boolop', span: span(first.span, values[values.length - 1].span), op, values },
      ...values,
    );
  }

  function inversion(): Expr {
    const t = peek();
    if (isKw('not')) {
      next();
      const operand = nested(t.span, inversion);
      return node({ kind: 'unary', span: span(t.span, operand.span), op: 'not', operand }, operand);
    }
    return comparison();
  }

  function comparison(): Expr {
    const left = bitOr();
    const ops: CompareOp[] = [];
    const comparators: Expr[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.text)) {
        next();
        ops.push(t.text as CompareOp);
        comparators.push(bitOr());
        continue;
      }
      if (isKw('in') || (isKw('not') && isKw('in', 1))) {
        fail(
          t.span,
          'NotSupportedError',
          "'in' is not supported: compare with == and combine the tests with |",
        );
      }
      if (isKw('is'))
        fail(t.span, 'NotSupportedError', "'is' is not supported: compare numbers with ==");
      break;
    }
    if (ops.length === 0) return left;
    const lastOne = comparators[comparators.length - 1];
    return node(
      { kind: 'compare', span: span(left.span, lastOne.span), left, ops, comparators },
      left,
      ...comparators,
    );
  }

  function binaryLevel(ops: string[], operand: () => Expr): () => Expr {
    return () => {
      let left = operand();
      for (;;) {
        const t = peek();
        if (t.kind !== 'op' || !ops.includes(t.text)) return left;
        next();
        const right = operand();
        left = node(
          {
            kind: 'binary',
            span: span(left.span, right.span),
            op: t.text as BinaryOp,
            left,
            right,
            opSpan: t.span,
          },
          left,
          right,
        );
      }
    };
  }

  function factor(): Expr {
    const t = peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~')) {
      next();
      const operand = nested(t.span, factor);
      return node(
        { kind: 'unary', span: span(t.span, operand.span), op: t.text as '-' | '+' | '~', operand },
        operand,
      );
    }
    return power();
  }

  function power(): Expr {
    const base = primary();
    const t = peek();
    if (!(t.kind === 'op' && t.text === '**')) return base;
    next();
    const exponent = nested(t.span, factor);
    return node(
      {
        kind: 'binary',
        span: span(base.span, exponent.span),
        op: '**',
        left: base,
        right: exponent,
        opSpan: t.span,
      },
      base,
      exponent,
    );
  }

  const term = binaryLevel(['*', '/', '//', '%', '@'], factor);
  const sum = binaryLevel(['+', '-'], term);
  const shift = binaryLevel(['<<', '>>'], sum);
  const bitAnd = binaryLevel(['&'], shift);
  const bitXor = binaryLevel(['^'], bitAnd);
  const bitOr = binaryLevel(['|'], bitXor);

  function primary(): Expr {
    let e = atom();
    for (;;) {
      const t = peek();
      if (t.kind !== 'op') return e;
      if (t.text === '.') {
        next();
        const name = expectName('an attribute name');
        e = node(
          {
            kind: 'attribute',
            span: span(e.span, name.span),
            value: e,
            attr: name.text,
            attrSpan: name.span,
          },
          e,
        );
      } else if (t.text === '(') {
        next();
        const { args, keywords } = nested(t.span, callArguments);
        const close = expectOp(')', "expected ')'");
        e = node(
          { kind: 'call', span: span(e.span, close.span), func: e, args, keywords },
          e,
          ...args,
          ...keywords.map((k) => k.value),
        );
      } else if (t.text === '[') {
        next();
        const indices = nested(t.span, subscriptIndices);
        const close = expectOp(']', "expected ']'");
        e = node(
          { kind: 'subscript', span: span(e.span, close.span), value: e, indices },
          e,
          ...indices,
        );
      } else {
        return e;
      }
    }
  }

  function callArguments(): { args: Expr[]; keywords: Keyword[] } {
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (!isOp(')')) {
      const t = peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '**')) {
        fail(
          t.span,
          'NotSupportedError',
          `'${t.text}' arguments are not supported: pass the arguments one by one`,
        );
      }
      if (t.kind === 'name' && isOp('=', 1) && !KEYWORDS.has(t.text)) {
        next();
        next();
        keywords.push({ name: t.text, span: t.span, value: expression() });
      } else {
        if (keywords.length > 0) {
          const e = expression();
          fail(e.span, 'SyntaxError', 'positional argument follows keyword argument');
        }
        const arg = expression();
        if (isKw('for'))
          fail(
            peek().span,
            'NotSupportedError',
            'generator expressions are not supported: write the values out',
          );
        args.push(arg);
      }
      if (!acceptOp(',')) break;
    }
    return { args, keywords };
  }

  function subscriptIndices(): Expr[] {
    const indices: Expr[] = [];
    while (!isOp(']')) {
      if (isOp(':'))
        fail(
          peek().span,
          'NotSupportedError',
          'slices are not supported: index one element, e.g. t[i]',
        );
      indices.push(expression());
      if (isOp(':'))
        fail(
          peek().span,
          'NotSupportedError',
          'slices are not supported: index one element, e.g. t[i]',
        );
      if (!acceptOp(',')) break;
    }
    if (indices.length === 0) fail(peek().span, 'SyntaxError', 'invalid syntax');
    return indices;
  }

  function atom(): Expr {
    const t = peek();
    switch (t.kind) {
      case 'int':
      case 'float':
        next();
        return node({
          kind: 'num',
          span: t.span,
          value: t.value ?? 0,
          isFloat: t.kind === 'float',
          text: t.text,
        });
      case 'string': {
        next();
        let fString = t.fString === true;
        let end = t.span;
        while (peek().kind === 'string') {
          const more = next();
          fString ||= more.fString === true;
          end = more.span;
        }
        return node({ kind: 'string', span: span(t.span, end), fString });
      }
      case 'name':
        if (t.text === 'True' || t.text === 'False') {
          next();
          return node({ kind: 'bool', span: t.span, value: t.text === 'True' });
        }
        if (t.text === 'None') {
          fail(
            t.span,
            'NotSupportedError',
            'None is not supported: a mask_mod returns a bool, a score_mod a float',
          );
        }
        if (t.text === 'lambda') return expression();
        if (KEYWORDS.has(t.text)) unexpected(t);
        next();
        return node({ kind: 'name', span: t.span, id: t.text });
      case 'op':
        if (t.text === '(') return nested(t.span, parenthesized);
        if (t.text === '[') return nested(t.span, listLiteral);
        if (t.text === '{') {
          fail(
            t.span,
            'NotSupportedError',
            'dicts and sets are not supported: use a top-level list literal as a lookup tensor',
          );
        }
        if (t.text === '...') fail(t.span, 'NotSupportedError', "'...' is not supported");
        if (t.text === '*') fail(t.span, 'NotSupportedError', "'*' unpacking is not supported");
        return unexpected(t);
      default:
        return unexpected(t);
    }
  }

  function parenthesized(): Expr {
    const open = next();
    if (isOp(')')) {
      const close = next();
      return node({
        kind: 'tuple',
        span: span(open.span, close.span),
        elts: [],
        parenthesized: true,
      });
    }
    const first = expression();
    if (isKw('for'))
      fail(
        peek().span,
        'NotSupportedError',
        'generator expressions are not supported: write the values out',
      );
    if (isOp(':=')) unexpected();
    if (!isOp(',')) {
      const close = expectOp(')', "expected ')'");
      // Keep the parentheses in the span, as Python's carets do.
      return node({ ...first, span: span(open.span, close.span) } as Expr, first);
    }
    const elts = [first];
    while (acceptOp(',')) {
      if (isOp(')')) break;
      elts.push(expression());
    }
    const close = expectOp(')', "expected ')'");
    return node(
      { kind: 'tuple', span: span(open.span, close.span), elts, parenthesized: true },
      ...elts,
    );
  }

  /** A plain literal element followed by ',' or ']' (the bulk of a tensor), read directly. */
  function literalElement(): Expr | undefined {
    let k = 0;
    const sign = peek();
    if (sign.kind === 'op' && sign.text === '-') k = 1;
    const t = peek(k);
    const after = peek(k + 1);
    if (after.kind !== 'op' || (after.text !== ',' && after.text !== ']')) return undefined;
    if (t.kind === 'int' || t.kind === 'float') {
      pos += k + 1;
      const num: Expr = {
        kind: 'num',
        span: t.span,
        value: t.value ?? 0,
        isFloat: t.kind === 'float',
        text: t.text,
      };
      if (k === 0) return num;
      return { kind: 'unary', span: span(sign.span, t.span), op: '-', operand: num };
    }
    if (k === 0 && t.kind === 'name' && (t.text === 'True' || t.text === 'False')) {
      pos += 1;
      return { kind: 'bool', span: t.span, value: t.text === 'True' };
    }
    return undefined;
  }

  function listLiteral(): Expr {
    const open = next();
    const elts: Expr[] = [];
    while (!isOp(']')) {
      elts.push(literalElement() ?? expression());
      if (isKw('for'))
        fail(
          peek().span,
          'NotSupportedError',
          'list comprehensions are not supported: write the list out as a literal',
        );
      if (!acceptOp(',')) break;
    }
    const close = expectOp(']', "expected ']'");
    let count = 0;
    for (const e of elts) count += elementCounts.get(e) ?? 1;
    if (count > limits.maxTensorElements) {
      fail(
        span(open.span, close.span),
        'LimitError',
        `a list literal with ${count} elements (the limit is ${limits.maxTensorElements})`,
      );
    }
    // A list's elements are data, not nested operations: its height does not grow with its length.
    let h = 0;
    for (const e of elts) h = Math.max(h, heights.get(e) ?? 1);
    const list: Expr = { kind: 'list', span: span(open.span, close.span), elts };
    heights.set(list, h + 1);
    elementCounts.set(list, count);
    return list;
  }

  return parseFile();
}
