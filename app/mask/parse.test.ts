import { describe, expect, test } from 'vitest';
import type {
  ComprehensionFor,
  Expr,
  ExprOf,
  FStringPart,
  Keyword,
  Module,
  Param,
  Parameters,
  Stmt,
  StmtOf,
} from './ast';
import { walkModule } from './astWalk';
import { formatError, ProgramError } from './errors';
import { tokenize } from './lexer';
import { DEFAULT_LIMITS, type CompileLimits } from './limits';
import { parse } from './parser';

// ---- helpers ------------------------------------------------------------------------------

function parseSource(source: string, limits: CompileLimits = DEFAULT_LIMITS): Module {
  return parse(tokenize(source, limits), source, limits);
}

/** The error a source must raise, with Python's layout: the line, the carets, the message. */
function errorOf(source: string, limits: CompileLimits = DEFAULT_LIMITS): ProgramError {
  try {
    parseSource(source, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ProgramError);
    return error as ProgramError;
  }
  throw new Error(`expected an error for:\n${source}`);
}

/** `Kind: message` and the caret line, as formatError lays them out (without the File line). */
function shownError(source: string): string {
  const e = errorOf(source);
  return formatError(source, e.span, e.kind, e.detail).split('\n').slice(1).join('\n');
}

/** The one expression of a one-line source. */
function expr(source: string): Expr {
  const body = parseSource(source).body;
  expect(body).toHaveLength(1);
  const s = body[0];
  if (s.kind !== 'expr') throw new Error(`not an expression statement: ${s.kind}`);
  return s.value;
}

function stmt(source: string): Stmt {
  const body = parseSource(source).body;
  expect(body).toHaveLength(1);
  return body[0];
}

/** The source text under a span. */
function at(source: string, node: { span: { start: number; end: number } }): string {
  return source.slice(node.span.start, node.span.end);
}

/**
 * A compact, span-free rendering of a tree, so expectations read as Python: `(+ a b)`,
 * `(call f a *b k=1 **c)`, `([] a 0 (slice _ _ 2))`, `(listcomp x (for x y (if z)))`.
 */
function dump(e: Expr | undefined): string {
  if (e === undefined) return '_';
  const all = (xs: Expr[]): string => xs.map(dump).join(' ');
  switch (e.kind) {
    case 'num':
      return e.big !== undefined ? e.big.toString() : e.isFloat ? `${e.value}f` : `${e.value}`;
    case 'imaginary':
      return `${e.text}!`;
    case 'bool':
      return e.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'ellipsis':
      return '...';
    case 'name':
      return e.id;
    case 'string':
      return `${e.bytes ? 'b' : ''}${JSON.stringify(e.value)}`;
    case 'fstring':
      return `(f ${dumpParts(e.parts)})`;
    case 'list':
      return `[${all(e.elts)}]`;
    case 'set':
      return `{${all(e.elts)}}`;
    case 'tuple':
      return `(${e.parenthesized ? 'tuple' : 'tuple-bare'}${e.elts.length ? ' ' : ''}${all(e.elts)})`;
    case 'dict':
      return `{${e.entries.map((d) => ('unpack' in d ? `**${dump(d.unpack)}` : `${dump(d.key)}: ${dump(d.value)}`)).join(', ')}}`;
    case 'starred':
      return `*${dump(e.value)}`;
    case 'unary':
      return `(${e.op} ${dump(e.operand)})`;
    case 'binary':
      return `(${e.op} ${dump(e.left)} ${dump(e.right)})`;
    case 'boolop':
      return `(${e.op} ${all(e.values)})`;
    case 'compare':
      return `(cmp ${dump(e.left)} ${e.ops.map((op, k) => `${op} ${dump(e.comparators[k])}`).join(' ')})`;
    case 'ifexp':
      return `(if ${dump(e.test)} ${dump(e.body)} ${dump(e.orelse)})`;
    case 'subscript':
      return `([]${e.tuple ? ',' : ''} ${dump(e.value)} ${all(e.indices)})`;
    case 'slice':
      return `(slice ${dump(e.lower)} ${dump(e.upper)} ${dump(e.step)})`;
    case 'call':
      return `(call ${[dump(e.func), ...e.args.map(dump), ...e.keywords.map(dumpKeyword)].join(' ')})`;
    case 'attribute':
      return `(. ${dump(e.value)} ${e.attr})`;
    case 'lambda':
      return `(lambda ${dumpParams(e.params)} ${dump(e.body)})`;
    case 'comprehension': {
      const head = e.value !== undefined ? `${dump(e.elt)}: ${dump(e.value)}` : dump(e.elt);
      return `(${e.type}comp ${head} ${e.generators.map(dumpFor).join(' ')})`;
    }
    case 'namedexpr':
      return `(:= ${dump(e.target)} ${dump(e.value)})`;
  }
}

function dumpKeyword(k: Keyword): string {
  return k.name === undefined ? `**${dump(k.value)}` : `${k.name}=${dump(k.value)}`;
}

function dumpFor(g: ComprehensionFor): string {
  const ifs = g.ifs.map((c) => ` (if ${dump(c)})`).join('');
  return `(for ${dump(g.target)} ${dump(g.iter)}${ifs})`;
}

function dumpParts(parts: FStringPart[]): string {
  return parts
    .map((p) => {
      if (p.kind === 'text') return JSON.stringify(p.value);
      const conv = p.conversion !== undefined ? `!${p.conversion}` : '';
      const spec = p.formatSpec !== undefined ? `:[${dumpParts(p.formatSpec)}]` : '';
      const debug = p.debugText !== undefined ? `${JSON.stringify(p.debugText)}=` : '';
      return `{${debug}${dump(p.value)}${conv}${spec}}`;
    })
    .join(' ');
}

function dumpParam(p: Param): string {
  const ann = p.annotation !== undefined ? `:${dump(p.annotation)}` : '';
  const dflt = p.default !== undefined ? `=${dump(p.default)}` : '';
  return `${p.name}${ann}${dflt}`;
}

function dumpParams(p: Parameters): string {
  const out = p.positional.map(dumpParam);
  if (p.positionalOnly > 0) out.splice(p.positionalOnly, 0, '/');
  if (p.vararg !== undefined) out.push(`*${dumpParam(p.vararg)}`);
  else if (p.keywordOnly.length > 0) out.push('*');
  out.push(...p.keywordOnly.map(dumpParam));
  if (p.kwarg !== undefined) out.push(`**${dumpParam(p.kwarg)}`);
  return `(${out.join(' ')})`;
}

function dumpBody(body: Stmt[]): string {
  return `[${body.map(dumpStmt).join('; ')}]`;
}

function dumpStmt(s: Stmt): string {
  switch (s.kind) {
    case 'assign':
      return `(= ${s.targets.map(dump).join(' ')} ${dump(s.value)})`;
    case 'annassign':
      return `(: ${dump(s.target)} ${dump(s.annotation)} ${dump(s.value)})`;
    case 'augassign':
      return `(${s.op}= ${dump(s.target)} ${dump(s.value)})`;
    case 'expr':
      return dump(s.value);
    case 'def': {
      const decorators = s.decorators.map((d) => `@${dump(d)} `).join('');
      const returns = s.returns !== undefined ? ` -> ${dump(s.returns)}` : '';
      return `(${decorators}def ${s.name} ${dumpParams(s.params)}${returns} ${dumpBody(s.body)})`;
    }
    case 'class': {
      const decorators = s.decorators.map((d) => `@${dump(d)} `).join('');
      const args = [...s.bases.map(dump), ...s.keywords.map(dumpKeyword)].join(' ');
      return `(${decorators}class ${s.name} (${args}) ${dumpBody(s.body)})`;
    }
    case 'return':
      return `(return ${dump(s.value)})`;
    case 'if':
      return `(if ${dump(s.test)} ${dumpBody(s.body)} ${dumpBody(s.orelse)})`;
    case 'for':
      return `(for ${dump(s.target)} ${dump(s.iter)} ${dumpBody(s.body)} ${dumpBody(s.orelse)})`;
    case 'while':
      return `(while ${dump(s.test)} ${dumpBody(s.body)} ${dumpBody(s.orelse)})`;
    case 'break':
    case 'continue':
    case 'pass':
      return s.kind;
    case 'assert':
      return `(assert ${dump(s.test)} ${dump(s.msg)})`;
    case 'raise':
      return `(raise ${dump(s.exc)} ${dump(s.cause)})`;
    case 'try': {
      const handlers = s.handlers.map(
        (h) => `(except ${dump(h.type)} ${h.name ?? '_'} ${dumpBody(h.body)})`,
      );
      return `(try ${dumpBody(s.body)} ${handlers.join(' ')} ${dumpBody(s.orelse)} ${dumpBody(s.finalbody)})`;
    }
    case 'with': {
      const items = s.items.map((i) => `(${dump(i.context)} ${dump(i.target)})`).join(' ');
      return `(with ${items} ${dumpBody(s.body)})`;
    }
    case 'import':
      return `(import ${s.names.map((a) => (a.asname ? `${a.name} as ${a.asname}` : a.name)).join(', ')})`;
    case 'importfrom': {
      const names = s.star
        ? '*'
        : s.names.map((a) => (a.asname ? `${a.name} as ${a.asname}` : a.name)).join(', ');
      return `(from ${'.'.repeat(s.level)}${s.module} import ${names})`;
    }
    case 'global':
    case 'nonlocal':
      return `(${s.kind} ${s.names.join(' ')})`;
    case 'del':
      return `(del ${s.targets.map(dump).join(' ')})`;
  }
}

// ---- expressions --------------------------------------------------------------------------

describe('expressions', () => {
  test.each([
    // precedence and associativity
    ['a + b * c', '(+ a (* b c))'],
    ['a - b - c', '(- (- a b) c)'],
    ['a ** b ** c', '(** a (** b c))'],
    ['-a ** b', '(- (** a b))'],
    ['a ** -b', '(** a (- b))'],
    ['~a + +b', '(+ (~ a) (+ b))'],
    ['a | b ^ c & d << e', '(| a (^ b (& c (<< d e))))'],
    ['a // b % c @ d', '(@ (% (// a b) c) d)'],
    ['a >> b', '(>> a b)'],
    ['a or b and not c', '(or a (and b (not c)))'],
    ['a and b and c', '(and a b c)'],
    ['not a == b', '(not (cmp a == b))'],
    ['not not a', '(not (not a))'],
    // comparisons
    ['a < b <= c', '(cmp a < b <= c)'],
    ['a in b', '(cmp a in b)'],
    ['a not in b', '(cmp a not in b)'],
    ['a is b', '(cmp a is b)'],
    ['a is not None', '(cmp a is not None)'],
    ['a != b > c >= d == e', '(cmp a != b > c >= d == e)'],
    ['x in y or z', '(or (cmp x in y) z)'],
    // conditional expressions and lambdas
    ['a if b else c', '(if b a c)'],
    ['a if b else c if d else e', '(if b a (if d c e))'],
    ['lambda: 0', '(lambda () 0)'],
    ['lambda x, y=1, *a, k, **kw: x', '(lambda (x y=1 *a k **kw) x)'],
    ['lambda *, k=2: k', '(lambda (* k=2) k)'],
    ['lambda a, /, b: a', '(lambda (a / b) a)'],
    ['lambda x: lambda y: x + y', '(lambda (x) (lambda (y) (+ x y)))'],
    ['lambda x: x if x else -x', '(lambda (x) (if x x (- x)))'],
    // atoms
    ['None', 'None'],
    ['True, False', '(tuple-bare True False)'],
    ['...', '...'],
    ['x', 'x'],
    ['(x)', 'x'],
    // numbers
    ['42', '42'],
    ['0x1F', '31'],
    ['0o17', '15'],
    ['0b1010', '10'],
    ['1_000_000', '1000000'],
    ['123456789012345678901234567890', '123456789012345678901234567890'],
    ['0xFFFF_FFFF_FFFF_FFFF_FFFF', '1208925819614629174706175'],
    ['1.5', '1.5f'],
    ['1e-5', '0.00001f'],
    ['1_000.5', '1000.5f'],
    ['.5', '0.5f'],
    ['1.', '1f'],
    ['2E3', '2000f'],
    ['1j', '1j!'],
    ['2.5e3J', '2.5e3J!'],
    // attributes, calls, subscripts
    ['a.b.c', '(. (. a b) c)'],
    ['f(a)(b)', '(call (call f a) b)'],
    ['f(a, b=1, *c, **d)', '(call f a *c b=1 **d)'],
    ['f(*a, *b, k=1, **c, **d)', '(call f *a *b k=1 **c **d)'],
    ['f(x=1, *a)', '(call f *a x=1)'],
    ['f(a,)', '(call f a)'],
    ['f()', '(call f)'],
    ['f(y := 1)', '(call f (:= y 1))'],
    ['f(lambda x: x, key=lambda y: -y)', '(call f (lambda (x) x) key=(lambda (y) (- y)))'],
    ['a[1]', '([] a 1)'],
    ['a[i, j]', '([], a i j)'],
    ['a[i,]', '([], a i)'],
    ['a[(i, j)]', '([] a (tuple i j))'],
    ['a[1:2]', '([] a (slice 1 2 _))'],
    ['a[::2]', '([] a (slice _ _ 2))'],
    ['a[:]', '([] a (slice _ _ _))'],
    ['a[1:]', '([] a (slice 1 _ _))'],
    ['a[:-1]', '([] a (slice _ (- 1) _))'],
    ['a[::]', '([] a (slice _ _ _))'],
    ['a[:, None]', '([], a (slice _ _ _) None)'],
    ['a[..., 0]', '([], a ... 0)'],
    ['a[1:2, ::3, ...]', '([], a (slice 1 2 _) (slice _ _ 3) ...)'],
    ['a[*b]', '([], a *b)'],
    ['a[x := 1]', '([] a (:= x 1))'],
    ['m.t[q_idx][kv_idx]', '([] ([] (. m t) q_idx) kv_idx)'],
    // displays
    ['[]', '[]'],
    ['[1, 2, 3]', '[1 2 3]'],
    ['[-1, 2.5, True]', '[(- 1) 2.5f True]'],
    ['[a, *b, c]', '[a *b c]'],
    ['[x := 1, 2]', '[(:= x 1) 2]'],
    ['()', '(tuple)'],
    ['(1,)', '(tuple 1)'],
    ['(1, *a)', '(tuple 1 *a)'],
    ['1, 2,', '(tuple-bare 1 2)'],
    ['*a, b', '(tuple-bare *a b)'],
    ['{1, 2}', '{1 2}'],
    ['{*a, b}', '{*a b}'],
    ['{}', '{}'],
    ['{"a": 1, **b, c: d}', '{"a": 1, **b, c: d}'],
    ['{**a}', '{**a}'],
    // comprehensions
    ['[x for x in y]', '(listcomp x (for x y))'],
    ['[x for x in y if x if not z]', '(listcomp x (for x y (if x) (if (not z))))'],
    [
      '[(i, j) for i in a for j in b if i < j]',
      '(listcomp (tuple i j) (for i a) (for j b (if (cmp i < j))))',
    ],
    ['{x for x in y}', '(setcomp x (for x y))'],
    ['{k: v for k, v in d.items()}', '(dictcomp k: v (for (tuple-bare k v) (call (. d items))))'],
    ['(x for x in y)', '(generatorcomp x (for x y))'],
    ['all(x > 0 for x in y)', '(call all (generatorcomp (cmp x > 0) (for x y)))'],
    ['sum(x for x, in y)', '(call sum (generatorcomp x (for (tuple-bare x) y)))'],
    ['[y for x in xs if (y := f(x))]', '(listcomp y (for x xs (if (:= y (call f x)))))'],
    ['[a if b else c for a in d]', '(listcomp (if b a c) (for a d))'],
    ['[[y for y in x] for x in z]', '(listcomp (listcomp y (for y x)) (for x z))'],
    ['[x for *a, x in y]', '(listcomp x (for (tuple-bare *a x) y))'],
    // walrus and starred
    ['(y := f(x))', '(:= y (call f x))'],
    ['(y := a if b else c)', '(:= y (if b a c))'],
    ['print(*args, sep="")', '(call print *args sep="")'],
  ])('%s', (source, expected) => {
    expect(dump(expr(source))).toBe(expected);
  });

  test('strings, bytes and adjacent literals', () => {
    expect(dump(expr('"a" \'b\' """c"""'))).toBe('"abc"');
    expect(dump(expr('b\'x\' B"y"'))).toBe('b"xy"');
    expect(dump(expr("u'text'"))).toBe('"text"');
    expect(dump(expr('("one "\n "two")'))).toBe('"one two"');
  });

  test('a group keeps its parentheses in its span; its parent covers them', () => {
    const source = '~(a + b)';
    const e = expr(source);
    if (e.kind !== 'unary') throw new Error(e.kind);
    expect(at(source, e.operand)).toBe('(a + b)');
    expect(at(source, e)).toBe('~(a + b)');
  });

  test('spans of operators, attributes and calls', () => {
    const source = 'obj.method(x) >= limit * 2';
    const e = expr(source);
    if (e.kind !== 'compare') throw new Error(e.kind);
    const call = e.left as ExprOf<'call'>;
    const attr = call.func as ExprOf<'attribute'>;
    expect(at(source, call)).toBe('obj.method(x)');
    expect(source.slice(attr.attrSpan.start, attr.attrSpan.end)).toBe('method');
    const product = e.comparators[0] as ExprOf<'binary'>;
    expect(source.slice(product.opSpan.start, product.opSpan.end)).toBe('*');
    expect(at(source, e)).toBe(source);
  });

  test('a bare generator argument spans the call parentheses, as in Python', () => {
    const source = 'all(x for x in y)';
    const call = expr(source) as ExprOf<'call'>;
    expect(call.args).toHaveLength(1);
    expect(call.args[0].kind).toBe('comprehension');
    expect(at(source, call.args[0])).toBe('(x for x in y)');
    const comp = call.args[0] as ExprOf<'comprehension'>;
    expect(at(source, comp.generators[0])).toBe('for x in y');
  });

  test('comprehension and slice spans', () => {
    const source = '[v * 2 for v in vs if v] + a[1:n:2]';
    const e = expr(source) as ExprOf<'binary'>;
    expect(at(source, e.left)).toBe('[v * 2 for v in vs if v]');
    const slice = (e.right as ExprOf<'subscript'>).indices[0];
    expect(at(source, slice)).toBe('1:n:2');
  });

  test('ints keep their exact value; value is exact while safe', () => {
    const big = expr('2 ** 64 + 18446744073709551617') as ExprOf<'binary'>;
    const right = big.right as ExprOf<'num'>;
    expect(right.big).toBe(18446744073709551617n);
    expect(right.isFloat).toBe(false);
    const small = expr('12') as ExprOf<'num'>;
    expect(small).toMatchObject({ value: 12, big: 12n, text: '12', isFloat: false });
    const float = expr('1_0.0_1') as ExprOf<'num'>;
    expect(float).toMatchObject({ value: 10.01, isFloat: true, text: '1_0.0_1' });
    expect(float.big).toBeUndefined();
  });
});

// ---- strings ------------------------------------------------------------------------------

describe('string literals', () => {
  test.each([
    [String.raw`'a\nb'`, 'a\nb'],
    [String.raw`'\t\\\'\"'`, '\t\\\'"'],
    [String.raw`'\a\b\f\v\r'`, '\x07\b\f\v\r'],
    [String.raw`'\x41\u00e9\U0001F600'`, 'Aé😀'],
    [String.raw`'\101\0\7'`, 'A\0\x07'],
    [String.raw`'\777'`, '\u01ff'],
    [String.raw`'\q\8'`, '\\q\\8'],
    ["'line \\\ncontinued'", 'line continued'],
    ['"""two\nlines"""', 'two\nlines'],
    ["'''crlf\r\nline'''", 'crlf\nline'],
    [String.raw`r'\n\d+'`, '\\n\\d+'],
    [String.raw`R"\""`, '\\"'],
    ["r'a\\\nb'", 'a\\\nb'],
    ["'é and ü'", 'é and ü'],
    ["''", ''],
  ])('%s', (source, value) => {
    expect(expr(source)).toMatchObject({ kind: 'string', value, bytes: false });
  });

  test.each([
    [String.raw`b'\x00\xff'`, '\x00\xff'],
    [String.raw`b'\777'`, '\xff'],
    [String.raw`b'\u0041'`, '\\u0041'],
    [String.raw`rb'\x'`, '\\x'],
    [String.raw`Br'\n'`, '\\n'],
  ])('bytes %s', (source, value) => {
    expect(expr(source)).toMatchObject({ kind: 'string', value, bytes: true });
  });

  test.each([
    [
      String.raw`x = '\x1'`,
      "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape",
    ],
    [
      String.raw`x = '\u12'`,
      "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-3: truncated \\uXXXX escape",
    ],
    [
      String.raw`x = '\U00110000'`,
      "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-9: illegal Unicode character",
    ],
    [String.raw`x = b'\xg0'`, '(value error) invalid \\x escape at position 0'],
    ["x = b'é'", 'bytes can only contain ASCII literal characters'],
    ["x = 'a' b'b'", 'cannot mix bytes and nonbytes literals'],
    ['x = f"a" b"b"', 'cannot mix bytes and nonbytes literals'],
  ])('%s is refused', (source, detail) => {
    expect(errorOf(source)).toMatchObject({ kind: 'SyntaxError', detail });
  });

  test('a bad escape is reported at the escape', () => {
    expect(shownError(String.raw`x = 'ok\x4'`)).toBe(
      [
        String.raw`    x = 'ok\x4'`,
        '           ^^^',
        "SyntaxError: (unicode error) 'unicodeescape' codec can't decode bytes in position 2-4: truncated \\xXX escape",
      ].join('\n'),
    );
  });

  test('\\N{...} is refused by name', () => {
    expect(errorOf(String.raw`x = '\N{BULLET}'`)).toMatchObject({
      kind: 'NotSupportedError',
      detail: expect.stringMatching(/^\\N\{\.\.\.\} escapes are not supported/),
    });
    expect(expr(String.raw`b'\N{X}'`)).toMatchObject({ value: '\\N{X}', bytes: true });
  });
});

// ---- f-strings ----------------------------------------------------------------------------

describe('f-strings', () => {
  test.each([
    ['f"plain"', '(f "plain")'],
    ['f""', '(f )'],
    ['f"{x}"', '(f {x})'],
    ['f"a{x}b{y}c"', '(f "a" {x} "b" {y} "c")'],
    ['f"{x!r} {y!s} {z!a}"', '(f {x!r} " " {y!s} " " {z!a})'],
    ['f"{x:>10}"', '(f {x:[">10"]})'],
    ['f"{x:{w}.{p}f}"', '(f {x:[{w} "." {p} "f"]})'],
    ['f"{x!r:^{w}}"', '(f {x!r:["^" {w}]})'],
    ['f"{{literal}} {{{x}}}"', '(f "{literal} {" {x} "}")'],
    ['f"{x=}"', '(f {"x="=x!r})'],
    ['f"{ x = }"', '(f {" x = "=x!r})'],
    ['f"{x=!s}"', '(f {"x="=x!s})'],
    ['f"{x=:>4}"', '(f {"x="=x:[">4"]})'],
    ['f"{a, b}"', '(f {(tuple-bare a b)})'],
    ['f"{a if b else c}"', '(f {(if b a c)})'],
    ['f"{d[\'k\']}"', '(f {([] d "k")})'],
    ['f"{ {1: 2}[1] }"', '(f {([] {1: 2} 1)})'],
    ['f"{(lambda: 1)()}"', '(f {(call (lambda () 1))})'],
    ['f"{(y := 2)}"', '(f {(:= y 2)})'],
    ['f"{x:=5}"', '(f {x:["=5"]})'],
    ['f"{a != b}"', '(f {(cmp a != b)})'],
    ['f\'{", ".join(names)}\'', '(f {(call (. ", " join) names)})'],
    ['f"{f\'{x}\'}"', '(f {(f {x})})'],
    ['f"tab\\t{x}\\n"', '(f "tab\\t" {x} "\\n")'],
    ['rf"\\d{x}\\n"', '(f "\\\\d" {x} "\\\\n")'],
    ['f"\\{x}"', '(f "\\\\" {x})'],
    ['"a" f"{x}" "b"', '(f "a" {x} "b")'],
    ['f"{x}" f"{y}"', '(f {x} {y})'],
    ["f'''{\n  a +\n  b\n}'''", '(f {(+ a b)})'],
  ])('%s', (source, expected) => {
    expect(dump(expr(source))).toBe(expected);
  });

  test('field spans and field expressions point into the source', () => {
    const source = 'msg = f"got {value!r:>{width}} for {name.upper()}"';
    const s = stmt(source) as StmtOf<'assign'>;
    const f = s.value as ExprOf<'fstring'>;
    expect(at(source, f)).toBe('f"got {value!r:>{width}} for {name.upper()}"');
    const fields = f.parts.filter((p) => p.kind === 'field');
    expect(fields.map((p) => at(source, p))).toEqual(['{value!r:>{width}}', '{name.upper()}']);
    expect(fields.map((p) => at(source, p.value))).toEqual(['value', 'name.upper()']);
    const spec = fields[0].formatSpec ?? [];
    const nested = spec.find((p) => p.kind === 'field');
    if (nested?.kind !== 'field') throw new Error('no nested field');
    expect(at(source, nested)).toBe('{width}');
    expect(at(source, nested.value)).toBe('width');
  });

  test('a syntax error inside a field has its caret in the f-string', () => {
    expect(shownError('x = f"total: {a +}"')).toBe(
      [
        '    x = f"total: {a +}"',
        ' '.repeat(21) + '^', // under the '}' where the expression stops
        'SyntaxError: f-string: invalid syntax',
      ].join('\n'),
    );
    expect(errorOf('x = f"{a b}"')).toMatchObject({
      detail: 'f-string: invalid syntax',
      span: { start: 9, end: 10 },
    });
  });

  test.each([
    ['f"{}"', 'f-string: empty expression not allowed', '{}'],
    ['f"{ }"', 'f-string: empty expression not allowed', '{ }'],
    ['f"{x"', "f-string: expecting '}'", '"'],
    ['f"{x!z}"', "f-string: invalid conversion character: expected 's', 'r', or 'a'", '!z'],
    ['f"{x!}"', "f-string: invalid conversion character: expected 's', 'r', or 'a'", '!}'],
    ['f"a}b"', "f-string: single '}' is not allowed", '}'],
    ['f"{a\\n}"', 'f-string expression part cannot include a backslash', '\\'],
    ['f"{a#}"', "f-string expression part cannot include '#'", '#'],
    ['f"{\'a}"', 'f-string: unterminated string', "'"],
    ['f"{x:{y:{z}}}"', 'f-string: expressions nested too deeply', '{'],
    ['f"{)}"', "f-string: unmatched ')'", ')'],
    ['f"{(]}"', "f-string: closing parenthesis ']' does not match opening parenthesis '('", ']'],
    ['f"{*a}"', 'f-string: cannot use starred expression here', '*a'],
  ])('%s: %s', (source, detail, caretText) => {
    const e = errorOf(source);
    expect(e).toMatchObject({ kind: 'SyntaxError', detail });
    expect(source.slice(e.span.start, e.span.end)).toBe(caretText);
  });
});

// ---- statements ---------------------------------------------------------------------------

describe('statements', () => {
  test.each([
    ['x = 1', '(= x 1)'],
    ['a = b = c', '(= a b c)'],
    ['a, b = b, a', '(= (tuple-bare a b) (tuple-bare b a))'],
    ['a, *rest = items', '(= (tuple-bare a *rest) items)'],
    ['[a, (b, c)] = x', '(= [a (tuple b c)] x)'],
    ['obj.attr = v', '(= (. obj attr) v)'],
    ['t[i, j] = v', '(= ([], t i j) v)'],
    ['fn.__name__ = f"mask_{n}"', '(= (. fn __name__) (f "mask_" {n}))'],
    ['x = *a, *b', '(= x (tuple-bare *a *b))'],
    ['x: int', '(: x int _)'],
    ['x: int = 3', '(: x int 3)'],
    ['self.size: int = 0', '(: (. self size) int 0)'],
    ['d["k"]: list[int] = []', '(: ([] d "k") ([] list int) [])'],
    ['x: tuple = 1, 2', '(: x tuple (tuple-bare 1 2))'],
    ['x += 1', '(+= x 1)'],
    ['x -= 1', '(-= x 1)'],
    ['x *= 2', '(*= x 2)'],
    ['x /= 2', '(/= x 2)'],
    ['x //= 2', '(//= x 2)'],
    ['x %= 2', '(%= x 2)'],
    ['x **= 2', '(**= x 2)'],
    ['x |= m', '(|= x m)'],
    ['x &= m', '(&= x m)'],
    ['x ^= m', '(^= x m)'],
    ['x <<= 1', '(<<= x 1)'],
    ['x >>= 1', '(>>= x 1)'],
    ['x @= w', '(@= x w)'],
    ['t[0] += 1', '(+= ([] t 0) 1)'],
    ['f(x)', '(call f x)'],
    ['"""docstring"""', '"docstring"'],
    ['pass', 'pass'],
    ['x = 1; y = 2;', '(= x 1)', '(= y 2)'],
    ['assert x', '(assert x _)'],
    ['assert x > 0, f"bad {x}"', '(assert (cmp x > 0) (f "bad " {x}))'],
    ['raise', '(raise _ _)'],
    ['raise ValueError("no")', '(raise (call ValueError "no") _)'],
    ['raise E from None', '(raise E None)'],
    ['global a, b', '(global a b)'],
    ['del a', '(del a)'],
    ['del a, b.c, d[0], (e, f), [g]', '(del a (. b c) ([] d 0) (tuple e f) [g])'],
    ['del x,', '(del x)'],
    ['import torch', '(import torch)'],
    ['import torch.nn.functional as F, math', '(import torch.nn.functional as F, math)'],
    ['from typing import Optional', '(from typing import Optional)'],
    ['from a.b import (c, d as e,)', '(from a.b import c, d as e)'],
    ['from . import utils', '(from . import utils)'],
    ['from .utils import x', '(from .utils import x)'],
    ['from ..pkg.mod import y', '(from ..pkg.mod import y)'],
    ['from ... import z', '(from ... import z)'],
    ['from .... import z', '(from .... import z)'],
    ['from math import *', '(from math import *)'],
  ])('%s', (source, ...expected) => {
    expect(parseSource(source).body.map(dumpStmt)).toEqual(expected);
  });

  test.each([
    ['if a:\n    x\n', '(if a [x] [])'],
    ['if a:\n    x\nelse:\n    y\n', '(if a [x] [y])'],
    [
      'if a:\n    x\nelif b:\n    y\nelif c:\n    z\nelse:\n    w\n',
      '(if a [x] [(if b [y] [(if c [z] [w])])])',
    ],
    ['if (m := f()):\n    g(m)\n', '(if (:= m (call f)) [(call g m)] [])'],
    ['if m := f():\n    pass\n', '(if (:= m (call f)) [pass] [])'],
    ['if x: y = 1; z = 2\n', '(if x [(= y 1); (= z 2)] [])'],
    ['for i in range(3):\n    pass\n', '(for i (call range 3) [pass] [])'],
    [
      'for i, (a, b) in enumerate(p):\n    break\nelse:\n    pass\n',
      '(for (tuple-bare i (tuple a b)) (call enumerate p) [break] [pass])',
    ],
    ['for x in 1, 2:\n    continue\n', '(for x (tuple-bare 1 2) [continue] [])'],
    ['for *a, b in c:\n    pass\n', '(for (tuple-bare *a b) c [pass] [])'],
    [
      'while n > 0:\n    n -= 1\nelse:\n    done()\n',
      '(while (cmp n > 0) [(-= n 1)] [(call done)])',
    ],
    ['while (line := read()):\n    pass\n', '(while (:= line (call read)) [pass] [])'],
    [
      'try:\n    import a\nexcept ImportError:\n    a = None\n',
      '(try [(import a)] (except ImportError _ [(= a None)]) [] [])',
    ],
    [
      'try:\n    f()\nexcept (KeyError, IndexError) as e:\n    raise\nexcept Exception:\n    pass\nexcept:\n    pass\nelse:\n    ok()\nfinally:\n    close()\n',
      '(try [(call f)] (except (tuple KeyError IndexError) e [(raise _ _)]) (except Exception _ [pass]) (except _ _ [pass]) [(call ok)] [(call close)])',
    ],
    ['try:\n    pass\nfinally:\n    pass\n', '(try [pass]  [] [pass])'],
    ['with open(p) as f:\n    pass\n', '(with ((call open p) f) [pass])'],
    ['with a as (b, c), d:\n    pass\n', '(with (a (tuple b c)) (d _) [pass])'],
    ['with (a as b, c as d):\n    pass\n', '(with (a b) (c d) [pass])'],
    ['with (a, b) as c:\n    pass\n', '(with ((tuple a b) c) [pass])'],
    ['with (yes):\n    pass\n', '(with (yes _) [pass])'],
    ['with torch.no_grad():\n    pass\n', '(with ((call (. torch no_grad)) _) [pass])'],
  ])('%s', (source, expected) => {
    expect(parseSource(source).body.map(dumpStmt)).toEqual([expected]);
  });

  test.each([
    ['def f():\n    return\n', '(def f () [(return _)])'],
    ['def f(a, b):\n    return a, b\n', '(def f (a b) [(return (tuple-bare a b))])'],
    [
      'def f(b: int, h: int = 0) -> bool:\n    """Doc."""\n    return b > h\n',
      '(def f (b:int h:int=0) -> bool ["Doc."; (return (cmp b > h))])',
    ],
    [
      '@decorator\n@functools.lru_cache(maxsize=None)\ndef f(x):\n    return x\n',
      '(@decorator @(call (. functools lru_cache) maxsize=None) def f (x) [(return x)])',
    ],
    ['@(lambda fn: fn)\ndef g(): pass\n', '(@(lambda (fn) fn) def g () [pass])'],
    ['@registry["name"]\ndef g(): pass\n', '(@([] registry "name") def g () [pass])'],
    [
      'def f(a, /, b, c=1, *args: int, d, e=2, **kwargs: str) -> None:\n    pass\n',
      '(def f (a / b c=1 *args:int d e=2 **kwargs:str) -> None [pass])',
    ],
    ['def f(*, key):\n    pass\n', '(def f (* key) [pass])'],
    ['def f(a=1, *b, c):\n    pass\n', '(def f (a=1 *b c) [pass])'],
    ['def f(*mask_functions: Callable):\n    pass\n', '(def f (*mask_functions:Callable) [pass])'],
    ['def f(x: "Tensor") -> "Tensor": pass\n', '(def f (x:"Tensor") -> "Tensor" [pass])'],
    [
      'def outer():\n    n = 0\n    def inner():\n        nonlocal n\n        n += 1\n    return inner\n',
      '(def outer () [(= n 0); (def inner () [(nonlocal n); (+= n 1)]); (return inner)])',
    ],
    ['class A:\n    pass\n', '(class A () [pass])'],
    ['class A():\n    pass\n', '(class A () [pass])'],
    [
      'class A(B, C, metaclass=M, **kw):\n    x: int = 0\n',
      '(class A (B C metaclass=M **kw) [(: x int 0)])',
    ],
    [
      '@dataclass(frozen=True)\nclass Cfg:\n    """Doc."""\n    size: int = 128\n    def f(self):\n        return self.size\n',
      '(@(call dataclass frozen=True) class Cfg () ["Doc."; (: size int 128); (def f (self) [(return (. self size))])])',
    ],
  ])('%s', (source, expected) => {
    expect(parseSource(source).body.map(dumpStmt)).toEqual([expected]);
  });

  test('parameters are grouped as Python groups them', () => {
    const s = stmt('def f(a, b=1, /, c=2, *args, d, e=3, **kw): pass\n') as StmtOf<'def'>;
    expect(s.params.positional.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(s.params.positionalOnly).toBe(2);
    expect(s.params.vararg?.name).toBe('args');
    expect(s.params.keywordOnly.map((p) => p.name)).toEqual(['d', 'e']);
    expect(s.params.keywordOnly[0].default).toBeUndefined();
    expect(s.params.kwarg?.name).toBe('kw');
  });

  test('statement spans: a def starts at `def` (decorators have their own), blocks end with their last statement', () => {
    const source = '@dec\ndef f(x):\n    y = x\n    return y\n\nz = 1\n';
    const [def, assign] = parseSource(source).body;
    expect(at(source, def)).toBe('def f(x):\n    y = x\n    return y');
    if (def.kind !== 'def') throw new Error(def.kind);
    expect(at(source, def.decorators[0])).toBe('dec');
    expect(source.slice(def.nameSpan.start, def.nameSpan.end)).toBe('f');
    expect(at(source, def.params.positional[0])).toBe('x');
    expect(at(source, assign)).toBe('z = 1');
    const ifSource = 'if a:\n    x\nelif b:\n    y\n';
    const outer = stmt(ifSource) as StmtOf<'if'>;
    expect(at(ifSource, outer)).toBe(ifSource.trimEnd());
    expect(at(ifSource, outer.orelse[0])).toBe('elif b:\n    y');
    const importSource = 'from a import b as c, d';
    const imp = stmt(importSource) as StmtOf<'importfrom'>;
    expect(imp.names.map((n) => at(importSource, n))).toEqual(['b as c', 'd']);
  });

  test('break and continue inside loops, in nested blocks and in a loop inside a def', () => {
    const source = [
      'for x in y:',
      '    if x:',
      '        continue',
      '    while True:',
      '        try:',
      '            break',
      '        finally:',
      '            pass',
      'def f():',
      '    for i in r:',
      '        break',
      '',
    ].join('\n');
    expect(parseSource(source).body.map((s) => s.kind)).toEqual(['for', 'def']);
  });
});

// ---- what the parser refuses ---------------------------------------------------------------

describe('refused: generators, coroutines and match', () => {
  test.each([
    ['def f():\n    yield 1\n', 'generators (yield) are not supported'],
    ['def f():\n    x = yield\n', 'generators (yield) are not supported'],
    ['def f():\n    yield from g()\n', 'generators (yield) are not supported'],
    ['async def f():\n    pass\n', "'async' is not supported"],
    ['def f():\n    await g()\n', "'await' is not supported"],
    ['match x:\n    case 1:\n        pass\n', "'match' statements are not supported"],
  ])('%s', (source, start) => {
    const e = errorOf(source);
    expect(e.kind).toBe('NotSupportedError');
    expect(e.detail.startsWith(start)).toBe(true);
  });

  test('match and case stay ordinary names elsewhere', () => {
    expect(dumpStmt(stmt('match = re.match(p, s)'))).toBe('(= match (call (. re match) p s))');
    expect(dumpStmt(stmt('case: int = 1'))).toBe('(: case int 1)');
    expect(dumpStmt(stmt('match(a)'))).toBe('(call match a)');
  });
});

// ---- errors -------------------------------------------------------------------------------

describe('syntax errors read like Python 3.11, carets included', () => {
  test.each([
    ['x = 1 +\n', '    x = 1 +\n           ^\nSyntaxError: invalid syntax'],
    ['x = (1,\n', "    x = (1,\n        ^\nSyntaxError: '(' was never closed"],
    [
      'x = (1]\n',
      "    x = (1]\n          ^\nSyntaxError: closing parenthesis ']' does not match opening parenthesis '('",
    ],
    ['x = 1)\n', "    x = 1)\n         ^\nSyntaxError: unmatched ')'"],
    ['def f()\n    pass\n', "    def f()\n           ^\nSyntaxError: expected ':'"],
    ['if x\n    pass\n', "    if x\n        ^\nSyntaxError: expected ':'"],
    ['if x y:\n    pass\n', '    if x y:\n         ^\nSyntaxError: invalid syntax'],
    [
      'def f():\nreturn 1\n',
      '    return 1\n    ^^^^^^\nIndentationError: expected an indented block after function definition on line 1',
    ],
    [
      'for x in y:\n\n',
      "IndentationError: expected an indented block after 'for' statement on line 1",
    ],
    [
      'def f():',
      '    def f():\n            ^\nIndentationError: expected an indented block after function definition on line 1',
    ],
    ['x = 1\n    y = 2\n', '    y = 2\n    ^\nIndentationError: unexpected indent'],
    [
      'if x:\n        a\n    b\n',
      '    b\n    ^\nIndentationError: unindent does not match any outer indentation level',
    ],
    [
      'if x:\n\ta\n        b\n',
      '    b\n    ^\nIndentationError: inconsistent use of tabs and spaces in indentation',
    ],
    [
      'if x = 1:\n    pass\n',
      "    if x = 1:\n         ^\nSyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
    ],
    [
      'f() = 1\n',
      "    f() = 1\n    ^^^\nSyntaxError: cannot assign to function call here. Maybe you meant '==' instead of '='?",
    ],
    [
      'a + 1 = 2\n',
      "    a + 1 = 2\n    ^^^^^\nSyntaxError: cannot assign to expression here. Maybe you meant '==' instead of '='?",
    ],
    [
      '(a, f()) = 1\n',
      '    (a, f()) = 1\n        ^^^\nSyntaxError: cannot assign to function call',
    ],
    ['None = 1\n', '    None = 1\n    ^^^^\nSyntaxError: cannot assign to None'],
    ['x = 1 = 2\n', '    x = 1 = 2\n        ^\nSyntaxError: cannot assign to literal'],
    [
      'f() += 1\n',
      "    f() += 1\n    ^^^\nSyntaxError: 'function call' is an illegal expression for augmented assignment",
    ],
    [
      'a, b += 1\n',
      "    a, b += 1\n    ^^^^\nSyntaxError: 'tuple' is an illegal expression for augmented assignment",
    ],
    [
      'a, b: int\n',
      '    a, b: int\n    ^^^^\nSyntaxError: only single target (not tuple) can be annotated',
    ],
    ['f(): int\n', '    f(): int\n    ^^^\nSyntaxError: illegal target for annotation'],
    ['del f()\n', '    del f()\n        ^^^\nSyntaxError: cannot delete function call'],
    [
      'for f() in x: pass\n',
      '    for f() in x: pass\n        ^^^\nSyntaxError: cannot assign to function call',
    ],
    [
      '[x for f() in y]\n',
      '    [x for f() in y]\n           ^^^\nSyntaxError: cannot assign to function call',
    ],
    ['x = *a\n', "    x = *a\n        ^^\nSyntaxError: can't use starred expression here"],
    ['(*a)\n', '    (*a)\n     ^^\nSyntaxError: cannot use starred expression here'],
    [
      '*a = b\n',
      '    *a = b\n    ^^\nSyntaxError: starred assignment target must be in a list or tuple',
    ],
    [
      '*a, *b = c\n',
      '    *a, *b = c\n    ^^^^^^\nSyntaxError: multiple starred expressions in assignment',
    ],
    ['x := 1\n', '    x := 1\n      ^^\nSyntaxError: invalid syntax'],
    [
      'a.b := 1\n',
      '    a.b := 1\n    ^^^\nSyntaxError: cannot use assignment expressions with attribute',
    ],
    [
      'f(x for x in y, 1)\n',
      '    f(x for x in y, 1)\n      ^^^^^^^^^^^^\nSyntaxError: Generator expression must be parenthesized',
    ],
    [
      'f(x=1, y)\n',
      '    f(x=1, y)\n           ^\nSyntaxError: positional argument follows keyword argument',
    ],
    [
      'f(**k, y)\n',
      '    f(**k, y)\n           ^\nSyntaxError: positional argument follows keyword argument unpacking',
    ],
    [
      'f(**k, *a)\n',
      '    f(**k, *a)\n           ^^\nSyntaxError: iterable argument unpacking follows keyword argument unpacking',
    ],
    [
      'f(a.b=1)\n',
      '    f(a.b=1)\n      ^^^^\nSyntaxError: expression cannot contain assignment, perhaps you meant "=="?',
    ],
    ['f(x=1, x=2)\n', '    f(x=1, x=2)\n           ^^^\nSyntaxError: keyword argument repeated: x'],
    ['f(a b)\n', '    f(a b)\n      ^^^\nSyntaxError: invalid syntax. Perhaps you forgot a comma?'],
    [
      '[1, 2 3]\n',
      '    [1, 2 3]\n        ^^^\nSyntaxError: invalid syntax. Perhaps you forgot a comma?',
    ],
    [
      'x = 1 if y\n',
      "    x = 1 if y\n        ^^^^^^\nSyntaxError: expected 'else' after 'if' expression",
    ],
    [
      '{**a for a in b}\n',
      '    {**a for a in b}\n     ^^^\nSyntaxError: dict unpacking cannot be used in dict comprehension',
    ],
    [
      '{a: *b}\n',
      '    {a: *b}\n        ^^\nSyntaxError: cannot use a starred expression in a dictionary value',
    ],
    ['{a:}\n', "    {a:}\n      ^\nSyntaxError: expression expected after dictionary key and ':'"],
    ['{a: 1, b}\n', "    {a: 1, b}\n           ^\nSyntaxError: ':' expected after dictionary key"],
    [
      '[*a for a in b]\n',
      '    [*a for a in b]\n     ^^\nSyntaxError: iterable unpacking cannot be used in comprehension',
    ],
    [
      'def f(a, a): pass\n',
      "    def f(a, a): pass\n             ^\nSyntaxError: duplicate argument 'a' in function definition",
    ],
    [
      'def f(a=1, b): pass\n',
      '    def f(a=1, b): pass\n               ^\nSyntaxError: non-default argument follows default argument',
    ],
    [
      'def f(*): pass\n',
      '    def f(*): pass\n          ^\nSyntaxError: named arguments must follow bare *',
    ],
    [
      'def f(/, a): pass\n',
      '    def f(/, a): pass\n          ^\nSyntaxError: at least one argument must precede /',
    ],
    [
      'def f(a, /, b, /): pass\n',
      '    def f(a, /, b, /): pass\n                   ^\nSyntaxError: / may appear only once',
    ],
    [
      'def f(*, a, /): pass\n',
      '    def f(*, a, /): pass\n                ^\nSyntaxError: / must be ahead of *',
    ],
    [
      'def f(*a, *b): pass\n',
      '    def f(*a, *b): pass\n              ^\nSyntaxError: * argument may appear only once',
    ],
    [
      'def f(**k, a): pass\n',
      '    def f(**k, a): pass\n               ^\nSyntaxError: arguments cannot follow var-keyword argument',
    ],
    [
      'def f(*a=1): pass\n',
      '    def f(*a=1): pass\n            ^\nSyntaxError: var-positional argument cannot have default value',
    ],
    [
      'def f(**k=1): pass\n',
      '    def f(**k=1): pass\n             ^\nSyntaxError: var-keyword argument cannot have default value',
    ],
    [
      'lambda a=1, b: 0\n',
      '    lambda a=1, b: 0\n                ^\nSyntaxError: non-default argument follows default argument',
    ],
    ['break\n', "    break\n    ^^^^^\nSyntaxError: 'break' outside loop"],
    ['continue\n', "    continue\n    ^^^^^^^^\nSyntaxError: 'continue' not properly in loop"],
    [
      'while x:\n    def g():\n        break\n',
      "    break\n    ^^^^^\nSyntaxError: 'break' outside loop",
    ],
    [
      'for x in y:\n    pass\nelse:\n    break\n',
      "    break\n    ^^^^^\nSyntaxError: 'break' outside loop",
    ],
    ['return 3\n', "    return 3\n    ^^^^^^\nSyntaxError: 'return' outside function"],
    [
      'class A:\n    return 1\n',
      "    return 1\n    ^^^^^^\nSyntaxError: 'return' outside function",
    ],
    [
      'nonlocal x\n',
      '    nonlocal x\n    ^^^^^^^^^^\nSyntaxError: nonlocal declaration not allowed at module level',
    ],
    [
      'def f():\n    from m import *\n',
      '    from m import *\n                  ^\nSyntaxError: import * only allowed at module level',
    ],
    [
      'from m import a,\n',
      '    from m import a,\n                    ^\nSyntaxError: trailing comma not allowed without surrounding parentheses',
    ],
    [
      'try:\n    pass\nx = 1\n',
      "    x = 1\n    ^\nSyntaxError: expected 'except' or 'finally' block",
    ],
    [
      'try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n',
      "    except:\n    ^^^^^^^\nSyntaxError: default 'except:' must be last",
    ],
    [
      'try:\n    pass\nexcept A, B:\n    pass\n',
      '    except A, B:\n           ^^^^\nSyntaxError: multiple exception types must be parenthesized',
    ],
    ['@dec\nx = 1\n', '    x = 1\n    ^\nSyntaxError: invalid syntax'],
    ['x = $\n', "    x = $\n        ^\nSyntaxError: invalid character '$' (U+0024)"],
    ['x = a → b\n', "    x = a → b\n          ^\nSyntaxError: invalid character '→' (U+2192)"],
    [
      'x = 1\u00a0+ 2\n',
      '    x = 1\u00a0+ 2\n         ^\nSyntaxError: invalid non-printable character U+00A0',
    ],
    [
      'x = !a\n',
      "    x = !a\n        ^\nSyntaxError: invalid syntax ('!' is written 'not' in Python)",
    ],
    [
      'x = 007\n',
      '    x = 007\n        ^^^\nSyntaxError: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
    ],
    ['x = 1__0\n', '    x = 1__0\n        ^^\nSyntaxError: invalid decimal literal'],
    ['x = 0x\n', '    x = 0x\n        ^^\nSyntaxError: invalid hexadecimal literal'],
    ['x = 0b12\n', "    x = 0b12\n           ^\nSyntaxError: invalid digit '2' in binary literal"],
    ['x = 1abc\n', '    x = 1abc\n        ^^\nSyntaxError: invalid decimal literal'],
    [
      "x = 'abc\n",
      "    x = 'abc\n        ^\nSyntaxError: unterminated string literal (detected at line 1)",
    ],
    [
      'x = """abc\ny = 1\n',
      '    x = """abc\n        ^\nSyntaxError: unterminated triple-quoted string literal (detected at line 2)',
    ],
    [
      'x = 1 \\ 2\n',
      '    x = 1 \\ 2\n          ^\nSyntaxError: unexpected character after line continuation character',
    ],
    [
      'def if(): pass\n',
      "    def if(): pass\n        ^^\nSyntaxError: invalid syntax ('if' is a keyword, not a function name)",
    ],
  ])('%j', (source, shown) => {
    expect(shownError(source)).toBe(shown);
  });

  test('errors come in the order Python 3.11 reports them', () => {
    // A tokenizer error later in the file wins over an earlier parser error...
    expect(errorOf('x = 1 +\ny = "abc\n').detail).toBe(
      'unterminated string literal (detected at line 2)',
    );
    // ...but an unexpected indent is reported first,
    expect(errorOf('  x = 1\ny = "abc\n').detail).toBe('unexpected indent');
    // a stray `$` only where the parser gets to it,
    expect(errorOf('x = 1 +\ny = $\n').detail).toBe('invalid syntax');
    // and an unclosed bracket when the parser failed inside it at the end of the file.
    expect(errorOf('x = (1 2\n').detail).toBe("'(' was never closed");
    expect(errorOf('x = (1 2 3 4\ny = 2\n').detail).toBe(
      'invalid syntax. Perhaps you forgot a comma?',
    );
    // Errors Python finds after parsing come after every parser error in the file.
    expect(errorOf('return 1\nx = (\n').detail).toBe("'(' was never closed");
    expect(errorOf('return 1\nx = 1 +\n').detail).toBe('invalid syntax');
    expect(errorOf('break\ndef f(a, a): pass\n').detail).toBe(
      "duplicate argument 'a' in function definition",
    );
  });
});

// ---- the lexer ----------------------------------------------------------------------------

describe('the lexer', () => {
  test.each([
    ['0x1F', 31],
    ['0b101', 5],
    ['0o17', 15],
    ['1_000', 1000],
    ['1e-3', 0.001],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['1.', 1],
    ['0_0', 0],
    ['00', 0],
  ])('reads %s as %d', (text, value) => {
    const tokens = tokenize(`x = ${text}\n`, DEFAULT_LIMITS);
    expect(tokens[2].value).toBe(value);
  });

  test('ints of any size have an exact BigInt', () => {
    const [token] = tokenize('340282366920938463463374607431768211457', DEFAULT_LIMITS);
    expect(token).toMatchObject({ kind: 'int', big: 340282366920938463463374607431768211457n });
    expect(tokenize('0b' + '1'.repeat(70), DEFAULT_LIMITS)[0].big).toBe(2n ** 70n - 1n);
  });

  test('imaginary literals, and numbers running into keywords as Python allows', () => {
    expect(
      tokenize('1j 0.5J 1e3j 007j', DEFAULT_LIMITS)
        .slice(0, 4)
        .map((t) => t.kind),
    ).toEqual(['imaginary', 'imaginary', 'imaginary', 'imaginary']);
    // `0x1for` is `0x1f or`, in Python too.
    expect(dump(expr('[0x1for x in y]'))).toBe('[(or 31 (cmp x in y))]');
    expect(dump(expr('[0x1 for x in y]'))).toBe('(listcomp 1 (for x y))');
    expect(dump(expr('1if x else 2'))).toBe('(if x 1 2)');
  });

  test('emits INDENT and DEDENT and joins lines inside brackets', () => {
    const kinds = tokenize('def f(a,\n      b):\n    return a\nx = 1\n', DEFAULT_LIMITS).map(
      (t) => t.kind,
    );
    expect(kinds.filter((k) => k === 'indent')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'dedent')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'newline')).toHaveLength(3);
  });

  test('tabs; comments, blank lines and continuations vanish', () => {
    const source = 'if a:\n\tx = 1\n\ty = 2  # same level\n\n    # a comment\nz = \\\n  3\n';
    expect(parseSource(source).body.map(dumpStmt)).toEqual([
      '(if a [(= x 1); (= y 2)] [])',
      '(= z 3)',
    ]);
  });

  test('CRLF line ends, a byte order mark, form feeds', () => {
    expect(parseSource('\ufeffx = 1\r\nif x:\r\n    y = 2\r\n').body.map(dumpStmt)).toEqual([
      '(= x 1)',
      '(if x [(= y 2)] [])',
    ]);
    expect(parseSource('\fx = 1\n').body.map(dumpStmt)).toEqual(['(= x 1)']);
  });

  test('identifiers may be non-ASCII, read in NFKC form', () => {
    expect(dump(expr('größe + ｗｉｄｔｈ'))).toBe('(+ größe width)');
  });

  test('every token carries its span', () => {
    const source = 'W = 0x1F  # c\ns = f"{W!r}" + "t"\n';
    for (const t of tokenize(source, DEFAULT_LIMITS)) {
      if (t.kind === 'name' || t.kind === 'int' || t.kind === 'op' || t.kind === 'string')
        expect(source.slice(t.span.start, t.span.end)).toBe(t.text);
    }
  });

  test('a lexical error becomes the last token instead of a throw', () => {
    const tokens = tokenize('x = (1,\ny = "abc\n', DEFAULT_LIMITS);
    const last = tokens[tokens.length - 1];
    expect(last.kind).toBe('error');
    expect(last.error?.detail).toBe('unterminated string literal (detected at line 2)');
    expect(last.precedence).toBe('always');
  });
});

// ---- limits -------------------------------------------------------------------------------

/** The bounds only say "no hang"; a limit that failed would take seconds or overflow the stack. */
const NO_HANG_MS = 2000;

function timedLimitError(source: string, limits: CompileLimits = DEFAULT_LIMITS): string {
  const start = performance.now();
  const e = errorOf(source, limits);
  expect(performance.now() - start).toBeLessThan(NO_HANG_MS);
  expect(e.kind).toBe('LimitError');
  return e.detail;
}

describe('limits give a LimitError quickly, never a stack overflow', () => {
  const big = { ...DEFAULT_LIMITS, maxSourceLength: 10_000_000 };
  test.each([
    [
      'parentheses',
      `x = ${'('.repeat(100_000)}1${')'.repeat(100_000)}\n`,
      /too many nested parentheses \(the limit is 64\)/,
    ],
    ['brackets and braces', `x = ${'[{'.repeat(50_000)}\n`, /too many nested parentheses/],
    ['unary minus', `x = ${'-'.repeat(100_000)}1\n`, /nested too deeply/],
    ['not', `x = ${'not '.repeat(50_000)}a\n`, /nested too deeply/],
    ['lambdas', `f = ${'lambda: '.repeat(50_000)}0\n`, /nested too deeply/],
    ['conditional expressions', `x = ${'a if b else '.repeat(20_000)}c\n`, /nested too deeply/],
    ['powers', `x = ${'2 ** '.repeat(50_000)}2\n`, /nested too deeply/],
    ['a long flat sum', `x = a${' + a'.repeat(50_000)}\n`, /expression too long/],
    ['an attribute chain', `x = a${'.b'.repeat(50_000)}\n`, /expression too long/],
    ['a call chain', `x = f${'()'.repeat(50_000)}\n`, /expression too long/],
    ['a subscript chain', `x = t${'[0]'.repeat(50_000)}\n`, /expression too long/],
    [
      'elif chains',
      `if a:\n    pass\n${'elif a:\n    pass\n'.repeat(1_000)}`,
      /too many 'elif' branches/,
    ],
    [
      'a list with too many elements',
      `t = [${'1,'.repeat(70_000)}]\n`,
      /70000 elements \(the limit is 65536\)/,
    ],
  ])('%s', (_name, source, message) => {
    expect(timedLimitError(source, big)).toMatch(message);
  });

  test('deep indentation', () => {
    let body = '';
    for (let i = 0; i < 80; i += 1) body += `${' '.repeat(4 * i)}if x:\n`;
    body += `${' '.repeat(4 * 80)}pass\n`;
    expect(timedLimitError(body)).toMatch(/too many levels of indentation \(the limit is 64\)/);
  });

  test('a source over the length limit', () => {
    expect(() => tokenize('x = 1\n'.repeat(20_000), DEFAULT_LIMITS)).toThrow(ProgramError);
    const e = errorOf('#\n'.repeat(60_000));
    expect(e.detail).toMatch(/the program is 120000 characters long \(the limit is 102400\)/);
  });

  test('nesting within the limits parses', () => {
    const nested = `x = ${'('.repeat(30)}1${')'.repeat(30)}\n`;
    expect(parseSource(nested).body).toHaveLength(1);
    const longSum = `x = a${' + a'.repeat(300)}\n`;
    expect(parseSource(longSum).body).toHaveLength(1);
  });

  test('a 100 KB file of ordinary code parses quickly', () => {
    const chunk =
      'def f_N(b, h, q_idx, kv_idx):\n    """Doc."""\n    w = [1, 2, 3][q_idx % 3]\n    return (q_idx - kv_idx).abs() <= w and f"{q_idx!r}" != ""\n\n';
    let source = '';
    for (let i = 0; source.length < 95_000; i += 1) source += chunk.replace('N', String(i));
    const start = performance.now();
    const m = parseSource(source);
    expect(performance.now() - start).toBeLessThan(NO_HANG_MS);
    expect(m.body.length).toBeGreaterThan(400);
  });

  test('small limits are respected', () => {
    const tight = { ...DEFAULT_LIMITS, maxNesting: 4, maxExpressionHeight: 8 };
    expect(timedLimitError('x = ((((((1))))))\n', tight)).toMatch(/the limit is 4/);
    expect(timedLimitError('x = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9\n', tight)).toMatch(
      /the limit is 8 nested operations/,
    );
    const elifs = `if a:\n    pass\n${'elif b:\n    pass\n'.repeat(10)}`;
    expect(timedLimitError(elifs, tight)).toMatch(/too many 'elif' branches \(the limit is 8\)/);
  });
});

// ---- whole files --------------------------------------------------------------------------

/** A mask library written the way attention-gym's mask files are. */
const GENERATOR_MODULE = `"""Sliding-window and document masks, built by small generator functions.

Every generator returns a mask_mod: (b, h, q_idx, kv_idx) -> bool.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional

import torch
from torch import Tensor

try:
    from torch.nn.attention.flex_attention import _mask_mod_signature, and_masks, or_masks
except ImportError:  # an older torch: keep the module importable
    _mask_mod_signature = Callable
    and_masks = or_masks = None

__all__ = ["generate_sliding_window", "generate_doc_mask_mod", "WindowConfig"]


@dataclass(frozen=True)
class WindowConfig:
    """How wide a window is, and whether it looks ahead."""

    size: int = 128
    causal: bool = True
    tags: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"window={self.size!r} causal={self.causal}"


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def generate_sliding_window(window_size: int, *, causal: bool = True) -> _mask_mod_signature:
    """Generates a sliding-window mask.

    Args:
        window_size: how many tokens back (and, unless causal, ahead) a query sees.
    """
    assert window_size > 0, f"window_size must be positive, got {window_size}"

    def sliding_window(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        near = (q_idx - kv_idx).abs() <= window_size
        return near & (q_idx >= kv_idx) if causal else near

    sliding_window.__name__ = f"sliding_window_{window_size}{'' if causal else '_bidirectional'}"
    return sliding_window


def generate_doc_mask_mod(mask_mod: _mask_mod_signature, offsets: Tensor) -> _mask_mod_signature:
    """Restricts \`mask_mod\` to pairs of tokens from one document."""
    lengths = [int(hi - lo) for lo, hi in zip(offsets[:-1], offsets[1:]) if hi > lo]
    document_id = torch.repeat_interleave(torch.arange(len(lengths)), torch.tensor(lengths))

    def doc_mask_mod(b, h, q_idx, kv_idx):
        same_doc = document_id[q_idx] == document_id[kv_idx]
        q_logical = q_idx - offsets[document_id[q_idx]]
        kv_logical = kv_idx - offsets[document_id[kv_idx]]
        return same_doc & mask_mod(b, h, q_logical, kv_logical)

    doc_mask_mod.__name__ = f"document_{mask_mod.__name__}"
    return doc_mask_mod


def combine(*mask_functions: Callable, **options) -> Callable:
    if not mask_functions:
        raise ValueError("combine() needs at least one mask function")
    if (mode := options.get("mode", "and")) not in ("and", "or"):
        raise ValueError(f"unknown mode {mode!r}")
    merged = and_masks(*mask_functions) if mode == "and" else or_masks(*mask_functions)
    merged.__name__ = "_".join(fn.__name__ for fn in mask_functions)
    return merged


SIZES = {name: 2 ** k for k, name in enumerate(("tiny", "small", "base"), start=4)}
mask_mod = combine(generate_sliding_window(SIZES["tiny"]), causal_mask)
`;

/** Mask utilities written the way a transformers-style masking module is. */
const MASKING_UTILS_MODULE = `# A header comment, as library files have.
"""Builds attention masks from composable mask functions."""

import itertools
from typing import Callable, Optional, Union

import torch
import torch.nn.functional as F

from .utils import is_torch_flex_attn_available, logging
from .utils.import_utils import is_torch_greater_or_equal


if is_torch_flex_attn_available():
    from torch.nn.attention.flex_attention import BlockMask, create_block_mask
else:
    BlockMask = torch.Tensor

_is_torch_greater_or_equal_than_2_6 = is_torch_greater_or_equal("2.6", accept_dev=True)

logger = logging.get_logger(__name__)


def and_masks(*mask_functions: list[Callable]) -> Callable:
    """Returns a mask function that is the intersection of the given ones."""
    if not all(callable(arg) for arg in mask_functions):
        raise RuntimeError(f"All inputs should be callable mask_functions: {mask_functions}")

    def and_mask(batch_idx, head_idx, q_idx, kv_idx):
        result = q_idx.new_ones((), dtype=torch.bool)
        for mask in mask_functions:
            result = result & mask(batch_idx, head_idx, q_idx, kv_idx).to(result.device)
        return result

    return and_mask


def causal_mask_function(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
    """Attends to the past and the present only."""
    return kv_idx <= q_idx


def sliding_window_overlay(sliding_window: int) -> Callable:
    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return kv_idx > q_idx - sliding_window

    return inner_mask


def padding_mask_function(padding_mask: torch.Tensor) -> Callable:
    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        # (batch_size, kv_length): read it at the pair's key
        return padding_mask[batch_idx, kv_idx]

    return inner_mask


def _vmap_for_bhqkv(mask_function: Callable, bh_indices: bool = True) -> Callable:
    dimensions = [(None, None, None, 0), (None, None, 0, None)]
    if bh_indices:
        dimensions.extend([(None, 0, None, None), (0, None, None, None)])
    for dims in dimensions:
        mask_function = torch.vmap(mask_function, in_dims=dims, out_dims=0)
    return mask_function


def sdpa_mask(
    batch_size: int,
    cache_position: torch.Tensor,
    kv_length: int,
    kv_offset: int = 0,
    mask_function: Callable = causal_mask_function,
    attention_mask: Optional[torch.Tensor] = None,
    local_size: Optional[int] = None,
    allow_is_causal_skip: bool = True,
    **kwargs,
) -> Optional[torch.Tensor]:
    q_length = cache_position.shape[0]
    padding_mask = attention_mask[:, -kv_length:] if attention_mask is not None else None
    if allow_is_causal_skip and padding_mask is None and local_size is None:
        return None
    kv_arange = torch.arange(kv_length, device=cache_position.device)
    kv_arange += kv_offset
    if padding_mask is not None:
        mask_function = and_masks(mask_function, padding_mask_function(padding_mask))
    batch_arange = torch.arange(batch_size, device=cache_position.device)
    head_arange = torch.arange(1, device=cache_position.device)
    with TransformGetItemToIndex():
        causal_mask = _vmap_for_bhqkv(mask_function)(batch_arange, head_arange, cache_position, kv_arange)
    return causal_mask


class AttentionMaskInterface(dict):
    _global_mapping = {
        "sdpa": sdpa_mask,
        "eager": sdpa_mask,
    }

    def __init__(self):
        super().__init__()
        self.update(self._global_mapping)

    @classmethod
    def register(cls, key: str, value: Callable):
        cls._global_mapping.update({key: value})


def find_packed_sequence_indices(position_ids: torch.Tensor) -> Optional[torch.Tensor]:
    first_dummy_value = position_ids[:, :1] - 1
    position_diff = torch.diff(position_ids, prepend=first_dummy_value, dim=-1)
    packed_sequence_mask = (position_diff != 1).cumsum(-1)
    if (packed_sequence_mask[:, -1] == 0).all():
        return None
    return packed_sequence_mask


def _preprocess_mask_arguments(
    config, input_embeds, attention_mask, cache_position, past_key_values, layer_idx
) -> tuple[bool, Optional[Union[torch.Tensor, "BlockMask"]], int, int]:
    if isinstance(attention_mask, (torch.Tensor, BlockMask)) and len(attention_mask.shape) == 4:
        return True, attention_mask, None, None
    if config._attn_implementation not in AttentionMaskInterface._global_mapping:
        return True, None, None, None
    kv_length, kv_offset = input_embeds.shape[1], 0
    if past_key_values is not None:
        kv_length, kv_offset = past_key_values.get_mask_sizes(cache_position, layer_idx)
    return False, attention_mask, kv_length, kv_offset
`;

/** Every node kind of ast.ts (the Record makes the compiler check the list is complete). */
const EXPR_KINDS: Record<Expr['kind'], true> = {
  num: true,
  imaginary: true,
  bool: true,
  none: true,
  ellipsis: true,
  name: true,
  string: true,
  fstring: true,
  list: true,
  set: true,
  tuple: true,
  dict: true,
  starred: true,
  unary: true,
  binary: true,
  boolop: true,
  compare: true,
  ifexp: true,
  subscript: true,
  slice: true,
  call: true,
  attribute: true,
  lambda: true,
  comprehension: true,
  namedexpr: true,
};
const STMT_KINDS: Record<Stmt['kind'], true> = {
  assign: true,
  annassign: true,
  augassign: true,
  expr: true,
  def: true,
  class: true,
  return: true,
  if: true,
  for: true,
  while: true,
  break: true,
  continue: true,
  pass: true,
  assert: true,
  raise: true,
  try: true,
  with: true,
  import: true,
  importfrom: true,
  global: true,
  nonlocal: true,
  del: true,
};

function kindsIn(module: Module): { exprs: Set<string>; stmts: Set<string> } {
  const exprs = new Set<string>();
  const stmts = new Set<string>();
  walkModule(
    module,
    (e) => exprs.add(e.kind),
    (s) => stmts.add(s.kind),
  );
  return { exprs, stmts };
}

describe('whole files', () => {
  test('an attention-gym style module of mask generators', () => {
    const m = parseSource(GENERATOR_MODULE);
    expect(m.body.map((s) => s.kind)).toEqual([
      'expr',
      'importfrom',
      'importfrom',
      'importfrom',
      'import',
      'importfrom',
      'try',
      'assign',
      'class',
      'def',
      'def',
      'def',
      'def',
      'assign',
      'assign',
    ]);
    const config = m.body[8] as StmtOf<'class'>;
    expect(dump(config.decorators[0])).toBe('(call dataclass frozen=True)');
    expect(config.body.map(dumpStmt).slice(0, 4)).toEqual([
      '"How wide a window is, and whether it looks ahead."',
      '(: size int 128)',
      '(: causal bool True)',
      '(: tags ([] list str) (call field default_factory=list))',
    ]);
    const sliding = m.body[10] as StmtOf<'def'>;
    expect(dumpParams(sliding.params)).toBe('(window_size:int * causal:bool=True)');
    expect(dumpStmt(sliding.body[1])).toBe(
      '(assert (cmp window_size > 0) (f "window_size must be positive, got " {window_size}))',
    );
    expect(dumpStmt(sliding.body[3])).toBe(
      '(= (. sliding_window __name__) (f "sliding_window_" {window_size} {(if causal "" "_bidirectional")}))',
    );
    const combine = m.body[12] as StmtOf<'def'>;
    expect(dumpParams(combine.params)).toBe('(*mask_functions:Callable **options)');
    expect(dumpStmt(combine.body[1])).toBe(
      '(if (cmp (:= mode (call (. options get) "mode" "and")) not in (tuple "and" "or")) [(raise (call ValueError (f "unknown mode " {mode!r})) _)] [])',
    );
    expect(dumpStmt(combine.body[3])).toBe(
      '(= (. merged __name__) (call (. "_" join) (generatorcomp (. fn __name__) (for fn mask_functions))))',
    );
    const handler = (m.body[6] as StmtOf<'try'>).handlers[0];
    expect(dump(handler.type)).toBe('ImportError');
    expect(dumpStmt(m.body[13])).toBe(
      '(= SIZES (dictcomp name: (** 2 k) (for (tuple-bare k name) (call enumerate (tuple "tiny" "small" "base") start=4))))',
    );
    const kinds = kindsIn(m);
    for (const k of ['fstring', 'namedexpr', 'comprehension', 'starred', 'slice', 'ifexp']) {
      expect(kinds.exprs.has(k), k).toBe(true);
    }
  });

  test('a transformers-style masking utilities module', () => {
    const m = parseSource(MASKING_UTILS_MODULE);
    const defs = m.body.filter((s): s is StmtOf<'def'> => s.kind === 'def').map((s) => s.name);
    expect(defs).toEqual([
      'and_masks',
      'causal_mask_function',
      'sliding_window_overlay',
      'padding_mask_function',
      '_vmap_for_bhqkv',
      'sdpa_mask',
      'find_packed_sequence_indices',
      '_preprocess_mask_arguments',
    ]);
    const andMasks = m.body.find(
      (s) => s.kind === 'def' && s.name === 'and_masks',
    ) as StmtOf<'def'>;
    expect(dumpStmt(andMasks.body[1])).toBe(
      '(if (not (call all (generatorcomp (call callable arg) (for arg mask_functions)))) [(raise (call RuntimeError (f "All inputs should be callable mask_functions: " {mask_functions})) _)] [])',
    );
    const sdpa = m.body.find((s) => s.kind === 'def' && s.name === 'sdpa_mask') as StmtOf<'def'>;
    expect(sdpa.params.positional).toHaveLength(8);
    expect(sdpa.params.kwarg?.name).toBe('kwargs');
    expect(dumpStmt(sdpa.body[1])).toBe(
      '(= padding_mask (if (cmp attention_mask is not None) ([], attention_mask (slice _ _ _) (slice (- kv_length) _ _)) None))',
    );
    const interface_ = m.body.find((s) => s.kind === 'class') as StmtOf<'class'>;
    expect(interface_.bases.map(dump)).toEqual(['dict']);
    const register = interface_.body[2] as StmtOf<'def'>;
    expect(register.decorators.map(dump)).toEqual(['classmethod']);
    const preprocess = m.body[m.body.length - 1] as StmtOf<'def'>;
    expect(dump(preprocess.returns)).toBe(
      '([], tuple bool ([] Optional ([], Union (. torch Tensor) "BlockMask")) int int)',
    );
  });

  test('every node kind appears in these tests, and the walk visits them', () => {
    const source = [
      GENERATOR_MODULE,
      MASKING_UTILS_MODULE,
      'x = 1j, ..., {1}, {**d}, lambda: 0, a[1:2], not a, a or b, x.y, [*a]',
      'def g():\n    global q\n    nonlocal_free = 1\n    while x:\n        if y:\n            break\n        continue\n    del z\n    pass\n',
      'def h():\n    v = 0\n    def k():\n        nonlocal v\n',
      '',
    ].join('\n');
    const kinds = kindsIn(parseSource(source));
    expect([...kinds.exprs].sort()).toEqual(Object.keys(EXPR_KINDS).sort());
    expect([...kinds.stmts].sort()).toEqual(Object.keys(STMT_KINDS).sort());
  });
});
