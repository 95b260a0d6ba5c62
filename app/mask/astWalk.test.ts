import { describe, expect, test } from 'vitest';
import type { Expr, Module, Stmt } from './ast';
import { exprChildren, stmtChildren, walkExpr, walkModule } from './astWalk';
import { tokenize } from './lexer';
import { DEFAULT_LIMITS } from './limits';
import { parse } from './parser';

function parseSource(source: string): Module {
  return parse(tokenize(source, DEFAULT_LIMITS), source, DEFAULT_LIMITS);
}

function texts(source: string, nodes: { span: { start: number; end: number } }[]): string[] {
  return nodes.map((n) => source.slice(n.span.start, n.span.end));
}

function onlyExpr(source: string): Expr {
  const [s] = parseSource(source).body;
  if (s.kind !== 'expr') throw new Error(s.kind);
  return s.value;
}

describe('exprChildren', () => {
  test.each([
    ['x', []],
    ['1', []],
    ['1j', []],
    ['None', []],
    ['...', []],
    ['"s"', []],
    ['f"a{x}b{y:>{w}}"', ['x', 'y', 'w']],
    ['f"{x!r:{a}{b}}"', ['x', 'a', 'b']],
    ['[a, b]', ['a', 'b']],
    ['{a, *b}', ['a', '*b']],
    ['(a, b)', ['a', 'b']],
    ['{a: b, **c}', ['a', 'b', 'c']],
    ['-a', ['a']],
    ['a + b', ['a', 'b']],
    ['a and b and c', ['a', 'b', 'c']],
    ['a < b < c', ['a', 'b', 'c']],
    ['a if b else c', ['a', 'b', 'c']],
    ['a[i, 1:2]', ['a', 'i', '1:2']],
    ['a[1:2:3]', ['a', '1:2:3']],
    ['f(a, *b, k=c, **d)', ['f', 'a', '*b', 'c', 'd']],
    ['a.b', ['a']],
    ['lambda x=d, *, y: x + y', ['d', 'x + y']],
    ['[e for t in it if c1 if c2 for u in t]', ['e', 't', 'it', 'c1', 'c2', 'u', 't']],
    ['{k: v for k in ks}', ['k', 'v', 'k', 'ks']],
    ['(y := v)', ['y', 'v']],
  ])('%s', (source, children) => {
    expect(texts(source, exprChildren(onlyExpr(source)))).toEqual(children);
  });

  test('slices and starred', () => {
    const source = 'a[1:n:2, *rest]';
    const sub = onlyExpr(source);
    const [, slice, starred] = exprChildren(sub);
    expect(texts(source, exprChildren(slice))).toEqual(['1', 'n', '2']);
    expect(texts(source, exprChildren(starred))).toEqual(['rest']);
  });
});

describe('stmtChildren', () => {
  test.each([
    ['a = b = v', ['a', 'b', 'v'], []],
    ['x: int = 1', ['x', 'int', '1'], []],
    ['x: int', ['x', 'int'], []],
    ['x += 1', ['x', '1'], []],
    ['f()', ['f()'], []],
    [
      '@d\ndef f(a: A = 1, *r: R, k: K = 2, **kw: W) -> T:\n    pass\n',
      ['d', 'A', '1', 'R', 'K', '2', 'W', 'T'],
      ['pass'],
    ],
    ['@d\nclass C(B, metaclass=M):\n    x = 1\n', ['d', 'B', 'M'], ['x = 1']],
    ['def f():\n    return v\n', [], ['return v']],
    ['if t:\n    a\nelse:\n    b\n', ['t'], ['a', 'b']],
    ['for x in xs:\n    a\nelse:\n    b\n', ['x', 'xs'], ['a', 'b']],
    ['while t:\n    a\n', ['t'], ['a']],
    ['assert t, m', ['t', 'm'], []],
    ['raise E from c', ['E', 'c'], []],
    [
      'try:\n    a\nexcept E as e:\n    b\nexcept:\n    c\nelse:\n    d\nfinally:\n    f\n',
      ['E'],
      ['a', 'b', 'c', 'd', 'f'],
    ],
    ['with a as b, c:\n    d\n', ['a', 'b', 'c'], ['d']],
    ['del a, b[0]', ['a', 'b[0]'], []],
    ['import a', [], []],
    ['from a import b', [], []],
    ['global g', [], []],
    ['pass', [], []],
  ])('%s', (source, exprs, stmts) => {
    const module = parseSource(source);
    const s = module.body[0];
    const children = stmtChildren(s);
    expect(texts(source, children.exprs)).toEqual(exprs);
    expect(texts(source, children.stmts)).toEqual(stmts);
  });

  test('a loop inside a def', () => {
    const source = 'def f():\n    for i in r:\n        break\n        continue\n';
    const [def] = parseSource(source).body;
    const [loop] = stmtChildren(def).stmts;
    expect(stmtChildren(loop).stmts.map((s) => s.kind)).toEqual(['break', 'continue']);
  });
});

describe('walkModule', () => {
  const source = ['@dec', 'def f(a=1):', '    return g(a) + 2', 'x = [y for y in f()]', ''].join(
    '\n',
  );

  test('visits parents before children, in source order', () => {
    const seen: string[] = [];
    walkModule(
      parseSource(source),
      (e) => {
        seen.push(`e:${source.slice(e.span.start, e.span.end)}`);
      },
      (s) => {
        seen.push(`s:${s.kind}`);
      },
    );
    expect(seen).toEqual([
      's:def',
      'e:dec',
      'e:1',
      's:return',
      'e:g(a) + 2',
      'e:g(a)',
      'e:g',
      'e:a',
      'e:2',
      's:assign',
      'e:x',
      'e:[y for y in f()]',
      'e:y',
      'e:y',
      'e:f()',
      'e:f',
    ]);
  });

  test('a visitor returning false skips the children', () => {
    const seen: string[] = [];
    walkModule(
      parseSource(source),
      (e) => {
        seen.push(source.slice(e.span.start, e.span.end));
        return e.kind !== 'comprehension' && e.kind !== 'binary';
      },
      (s) => s.kind !== 'def',
    );
    expect(seen).toEqual(['x', '[y for y in f()]']);
  });

  test('walkExpr walks one expression', () => {
    const text = 'a * (b + c)';
    const names: string[] = [];
    walkExpr(onlyExpr(text), (e) => {
      if (e.kind === 'name') names.push(e.id);
    });
    expect(names).toEqual(['a', 'b', 'c']);
  });

  test('trees far deeper than the JS stack are walked without recursion', () => {
    const span = { start: 0, end: 1 };
    let e: Expr = { kind: 'name', span, id: 'x' };
    for (let i = 0; i < 200_000; i += 1) e = { kind: 'unary', span, op: '-', operand: e };
    let s: Stmt = { kind: 'expr', span, value: e };
    for (let i = 0; i < 100_000; i += 1) {
      s = { kind: 'if', span, test: { kind: 'bool', span, value: true }, body: [s], orelse: [] };
    }
    let exprs = 0;
    let stmts = 0;
    walkModule(
      { body: [s] },
      () => {
        exprs += 1;
      },
      () => {
        stmts += 1;
      },
    );
    expect(stmts).toBe(100_001);
    expect(exprs).toBe(100_000 + 200_001);
  });
});
