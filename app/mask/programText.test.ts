import { describe, expect, test } from 'vitest';
import { renameIdentifiers, tokenize, topLevelNames, topLevelStatements } from './programText';

const SOURCE = `"""Docstring with def fake(): and W = 1"""
import torch
W = 3  # a constant
lengths = [1,
           2]
def f(b, h, q_idx, kv_idx):
    # W in a comment
    s = "W"
    return torch.abs(q_idx - kv_idx) <= W

mask_mod = f
`;

describe('programText', () => {
  test('top-level statements and names, across multi-line literals', () => {
    const statements = topLevelStatements(SOURCE);
    expect(statements.map((s) => [s.kind, s.name])).toEqual([
      ['other', null],
      ['import', null],
      ['assign', 'W'],
      ['assign', 'lengths'],
      ['def', 'f'],
      ['assign', 'mask_mod'],
    ]);
    expect(topLevelNames(SOURCE)).toEqual(['W', 'lengths', 'f', 'mask_mod']);
    const lengths = statements[3];
    expect(SOURCE.slice(lengths.start, lengths.end)).toBe('lengths = [1,\n           2]');
  });

  test('renaming skips strings, comments and attributes', () => {
    const out = renameIdentifiers(
      SOURCE,
      new Map([
        ['W', 'W_2'],
        ['abs', 'nope'],
      ]),
    );
    expect(out).toContain('W_2 = 3  # a constant');
    expect(out).toContain('<= W_2');
    expect(out).toContain('# W in a comment');
    expect(out).toContain('s = "W"');
    expect(out).toContain('torch.abs(');
    expect(out).toContain('def fake(): and W = 1');
  });

  test('tokens carry offsets that slice back to their text', () => {
    for (const t of tokenize(SOURCE)) expect(SOURCE.slice(t.start, t.end)).toBe(t.text);
  });

  test('numbers with exponents are one token', () => {
    expect(tokenize('x = 1e-3 + .5').map((t) => t.text)).toEqual(['x', '=', '1e-3', '+', '.5']);
  });

  test('names inside f-string fields are renamed, the f prefix and the text are not', () => {
    const out = renameIdentifiers(
      'f = 1\ns = f"W={W:>{f}} {obj.W}"\n',
      new Map([
        ['W', 'W_2'],
        ['f', 'f_2'],
      ]),
    );
    expect(out).toBe('f_2 = 1\ns = f"W={W_2:>{f_2}} {obj.W}"\n');
  });

  test('text the lexer refuses is still read to its end', () => {
    const source = 'x = "unclosed\ny = 08\nz = $\ndef g():\n    return x\n';
    expect(topLevelNames(source)).toEqual(['x', 'y', 'z', 'g']);
    expect(renameIdentifiers(source, new Map([['x', 'x_2']]))).toBe(
      'x_2 = "unclosed\ny = 08\nz = $\ndef g():\n    return x_2\n',
    );
  });

  test('a backslash continues a statement onto the next line', () => {
    const source = 'total = 1 + \\\n2\nnext_one = 3\n';
    expect(topLevelStatements(source).map((s) => s.name)).toEqual(['total', 'next_one']);
    expect(tokenize('a = [\n  1]').map((t) => [t.text, t.depth, t.lineStart, t.column])).toEqual([
      ['a', 0, true, 0],
      ['=', 0, false, 2],
      ['[', 0, false, 4],
      ['1', 1, true, 2],
      [']', 0, false, 3],
    ]);
  });
});
