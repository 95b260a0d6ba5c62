import { describe, expect, test } from 'vitest';
import { compile, MaskCompileError } from './index';

/** The formatted error of a program that must not compile. */
function errorOf(source: string): string {
  try {
    compile(source);
  } catch (error) {
    expect(error).toBeInstanceOf(MaskCompileError);
    return (error as MaskCompileError).formatted;
  }
  throw new Error(`expected a compile error for:\n${source}`);
}

const causalDef = 'def mask_mod(b, h, q_idx, kv_idx):\n';

describe('syntax errors read like Python 3.11', () => {
  test('an expression cut short points just past its end', () => {
    expect(errorOf(`${causalDef}    return q_idx >= kv_idx +\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx >= kv_idx +
                                  ^
      SyntaxError: invalid syntax"
    `);
  });
  test('an unclosed bracket points at the bracket', () => {
    expect(errorOf(`${causalDef}    return (q_idx >= kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return (q_idx >= kv_idx
                 ^
      SyntaxError: '(' was never closed"
    `);
  });
  test('a mismatched bracket', () => {
    expect(errorOf(`${causalDef}    return (q_idx >= kv_idx]\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return (q_idx >= kv_idx]
                                 ^
      SyntaxError: closing parenthesis ']' does not match opening parenthesis '('"
    `);
  });
  test('a missing colon after def', () => {
    expect(errorOf('def mask_mod(b, h, q_idx, kv_idx)\n    return True\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          def mask_mod(b, h, q_idx, kv_idx)
                                           ^
      SyntaxError: expected ':'"
    `);
  });
  test('a body that is not indented', () => {
    expect(errorOf(`${causalDef}return q_idx >= kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx >= kv_idx
          ^^^^^^
      IndentationError: expected an indented block after function definition on line 1"
    `);
  });
  test('an unexpected indent', () => {
    expect(errorOf('W = 3\n    V = 4\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          V = 4
          ^
      IndentationError: unexpected indent"
    `);
  });
  test('a dedent to no outer level', () => {
    expect(errorOf(`${causalDef}        x = 1\n    return q_idx >= kv_idx\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return q_idx >= kv_idx
          ^
      IndentationError: unindent does not match any outer indentation level"
    `);
  });
  test('= where == was meant', () => {
    expect(errorOf(`${causalDef}    if q_idx = kv_idx:\n        return True\n    return False\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          if q_idx = kv_idx:
                   ^
      SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='?"
    `);
  });
  test('an unterminated string', () => {
    expect(errorOf(`${causalDef}    """doc\n    return True\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          """doc
          ^
      SyntaxError: unterminated triple-quoted string literal (detected at line 3)"
    `);
  });
  test('an invalid character', () => {
    expect(errorOf(`${causalDef}    return q_idx $ kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx $ kv_idx
                       ^
      SyntaxError: invalid character '$' (U+0024)"
    `);
  });
  test('! instead of not', () => {
    expect(errorOf(`${causalDef}    return !(q_idx < kv_idx)\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return !(q_idx < kv_idx)
                 ^
      SyntaxError: invalid syntax ('!' is written 'not' in Python)"
    `);
  });
  test('leading zeros in an int', () => {
    expect(errorOf('W = 007\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          W = 007
              ^^^
      SyntaxError: leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
    `);
  });
  test('return at top level', () => {
    expect(errorOf('return 3\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          return 3
          ^^^^^^
      SyntaxError: 'return' outside function"
    `);
  });
});

describe('what the language does not have, with what to do instead', () => {
  test('a for loop', () => {
    expect(errorOf(`${causalDef}    for i in range(3):\n        pass\n    return True\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          for i in range(3):
          ^^^
      NotSupportedError: loops are not supported: a mask_mod is evaluated per (b, h, q_idx, kv_idx); express the rule with comparisons"
    `);
  });
  test('a while loop', () => {
    expect(errorOf(`${causalDef}    while q_idx > 0:\n        q_idx -= 1\n    return True\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          while q_idx > 0:
          ^^^^^
      NotSupportedError: loops are not supported: a mask_mod is evaluated per (b, h, q_idx, kv_idx); express the rule with comparisons"
    `);
  });
  test('import numpy', () => {
    expect(errorOf('import numpy as np\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          import numpy as np
                 ^^^^^
      NotSupportedError: only 'import torch', 'from torch import ...', 'from torch.nn.attention.flex_attention import ...' and 'from typing import ...' are accepted; the mask language has no module 'numpy'"
    `);
  });
  test('from another module', () => {
    expect(errorOf('from attn_gym.masks import causal_mask\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          from attn_gym.masks import causal_mask
               ^^^^^^^^^^^^^^
      NotSupportedError: only 'import torch', 'from torch import ...', 'from torch.nn.attention.flex_attention import ...' and 'from typing import ...' are accepted; the mask language has no module 'attn_gym.masks'"
    `);
  });
  test('torch.nn.functional.softmax', () => {
    expect(errorOf(`${causalDef}    return torch.nn.functional.softmax(q_idx) > 0\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return torch.nn.functional.softmax(q_idx) > 0
                 ^^^^^^^^
      NotSupportedError: torch.nn is not supported: the mask language has torch.where, torch.abs, torch.clamp, torch.minimum, torch.maximum, torch.tanh, torch.exp, torch.log, torch.sqrt"
    `);
  });
  test('q_idx.float()', () => {
    expect(errorOf(`${causalDef}    return q_idx.float() > kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx.float() > kv_idx
                       ^^^^^
      NotSupportedError: '.float' is not supported: ints become floats by themselves where needed (x / 2, x * 1.0); compare to get a bool"
    `);
  });
  test('.item()', () => {
    expect(errorOf(`${causalDef}    return q_idx.item() >= kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx.item() >= kv_idx
                       ^^^^
      NotSupportedError: '.item' is not supported: here it is already a number: use it directly"
    `);
  });
  test('a string in an expression', () => {
    expect(errorOf(`${causalDef}    return q_idx == "a"\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx == "a"
                          ^^^
      NotSupportedError: strings are not supported: the mask language computes with int, float and bool (a string is accepted only as a docstring)"
    `);
  });
  test('an f-string outside __name__', () => {
    expect(errorOf(`${causalDef}    x = f"{q_idx}"\n    return True\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          x = f"{q_idx}"
              ^^^^^^^^^^
      NotSupportedError: f-strings are not supported (one is accepted only in \`name.__name__ = f'...'\`, which is ignored)"
    `);
  });
  test('a class', () => {
    expect(errorOf('class Mask:\n    pass\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          class Mask:
          ^^^^^
      NotSupportedError: classes are not supported: write the rule as a function, def mask_mod(b, h, q_idx, kv_idx)"
    `);
  });
  test('global', () => {
    expect(errorOf(`W = 3\n${causalDef}    global W\n    return True\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          global W
          ^^^^^^
      NotSupportedError: 'global' is not supported: a def reads top-level names directly; top-level parameters are changed with their sliders, not from inside a def"
    `);
  });
  test('recursion', () => {
    expect(errorOf(`def f(x):\n    return f(x - 1)\n${causalDef}    return f(q_idx) > 0\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return f(x - 1)
                 ^^^^^^^^
      NotSupportedError: recursion is not supported: 'f' calls itself (directly or through another function); a mask program is inlined, so write the rule without recursion"
    `);
  });
  test('None', () => {
    expect(errorOf(`${causalDef}    return None\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return None
                 ^^^^
      NotSupportedError: None is not supported: a mask_mod returns a bool, a score_mod a float"
    `);
  });
  test('a slice', () => {
    expect(errorOf(`t = [1, 2, 3]\n${causalDef}    return t[0:2] > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return t[0:2] > 0
                    ^
      NotSupportedError: slices are not supported: index one element, e.g. t[i]"
    `);
  });
  test('in', () => {
    expect(errorOf(`${causalDef}    return q_idx in [1, 2]\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx in [1, 2]
                       ^^
      NotSupportedError: 'in' is not supported: compare with == and combine the tests with |"
    `);
  });
  test('a list inside a def', () => {
    expect(errorOf(`${causalDef}    t = [1, 2]\n    return True\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          t = [1, 2]
              ^^^^^^
      NotSupportedError: list literals are supported only at top level, as lookup tensors (NAME = [...])"
    `);
  });
  test('a top-level if', () => {
    expect(errorOf('W = 3\nif W > 2:\n    V = 1\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          if W > 2:
          ^^^^^^^^^
      NotSupportedError: a top-level 'if' is not supported: put the condition inside a def"
    `);
  });
  test('a constant negative shift', () => {
    expect(errorOf(`${causalDef}    return (q_idx << -1) > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return (q_idx << -1) > 0
                           ^^
      ValueError: negative shift count"
    `);
  });
  test('a constant division by zero', () => {
    expect(errorOf(`${causalDef}    return q_idx // 0 > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx // 0 > 0
                          ^
      ZeroDivisionError: integer division by zero"
    `);
  });
  test('an int that does not fit in 32 bits', () => {
    expect(errorOf('BIG = 3000000000\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          BIG = 3000000000
                ^^^^^^^^^^
      NotSupportedError: the integer 3000000000 does not fit in 32 bits: the mask language computes with i32 (-2147483648 to 2147483647)"
    `);
  });
});

describe('names, types and arity', () => {
  test('an unknown name, with a suggestion', () => {
    expect(errorOf(`WINDOW = 3\n${causalDef}    return q_idx - kv_idx <= WINDOWS\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return q_idx - kv_idx <= WINDOWS
                                   ^^^^^^^
      NameError: name 'WINDOWS' is not defined. Did you mean: 'WINDOW'?"
    `);
  });
  test('an unknown name', () => {
    expect(errorOf(`${causalDef}    return q_idx < seq_len\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx < seq_len
                         ^^^^^^^
      NameError: name 'seq_len' is not defined"
    `);
  });
  test('too many arguments', () => {
    expect(
      errorOf(
        `def causal(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n${causalDef}    return causal(b, h, q_idx, kv_idx, 1)\n`,
      ),
    ).toMatchInlineSnapshot(`
      "  File "<mask>", line 4
          return causal(b, h, q_idx, kv_idx, 1)
                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      TypeError: causal() takes 4 positional arguments but 5 were given"
    `);
  });
  test('a missing argument', () => {
    expect(
      errorOf(
        `def causal(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n${causalDef}    return causal(b, h, q_idx)\n`,
      ),
    ).toMatchInlineSnapshot(`
      "  File "<mask>", line 4
          return causal(b, h, q_idx)
                 ^^^^^^^^^^^^^^^^^^^
      TypeError: causal() missing 1 required positional argument: 'kv_idx'"
    `);
  });
  test('mask_mod with the wrong number of parameters', () => {
    expect(errorOf('def mask_mod(q_idx, kv_idx):\n    return q_idx >= kv_idx\n'))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          def mask_mod(q_idx, kv_idx):
              ^^^^^^^^
      TypeError: mask_mod() takes 2 positional arguments but 4 were given"
    `);
  });
  test('tensor index rank mismatch (too many)', () => {
    expect(errorOf(`lens = [7, 10]\n${causalDef}    return q_idx < lens[b, h]\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return q_idx < lens[b, h]
                                 ^
      TypeError: too many indices for tensor of dimension 1: 'lens' has shape [2]"
    `);
  });
  test('tensor index rank mismatch (too few)', () => {
    expect(errorOf(`pads = [[True, False], [False, False]]\n${causalDef}    return pads[b]\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return pads[b]
                 ^^^^^^^
      TypeError: 'pads' is a 2-D tensor: index it with 1 more index, e.g. pads[i, j]"
    `);
  });
  test('a float index', () => {
    expect(errorOf(`lens = [7, 10]\n${causalDef}    return q_idx < lens[b / 2]\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return q_idx < lens[b / 2]
                              ^^^^^
      TypeError: tensor indices must be integers, not float"
    `);
  });
  test('a non-rectangular list', () => {
    expect(errorOf('pads = [[1, 2], [3]]\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          pads = [[1, 2], [3]]
                          ^^^
      ValueError: a lookup tensor must be rectangular: this row has 1 element, the first has 2"
    `);
  });
  test('a list of names', () => {
    expect(errorOf('W = 3\nt = [W, 2]\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          t = [W, 2]
               ^
      NotSupportedError: a lookup tensor holds number literals only (True/False, ints, floats): write the values out"
    `);
  });
  test('mask_mod returning an int', () => {
    expect(errorOf(`${causalDef}    return q_idx - kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx - kv_idx
                 ^^^^^^^^^^^^^^
      TypeError: mask_mod must return a bool, but this is an int: compare it, e.g. x != 0"
    `);
  });
  test('~ on a float', () => {
    expect(errorOf(`${causalDef}    return ~(q_idx / 2) > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return ~(q_idx / 2) > 0
                 ^^^^^^^^^^^^
      TypeError: bad operand type for unary ~: 'float'"
    `);
  });
  test('& on a float', () => {
    expect(errorOf(`${causalDef}    return (q_idx * 1.5) & 1 > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return (q_idx * 1.5) & 1 > 0
                               ^
      TypeError: unsupported operand type(s) for &: 'float' and 'int'"
    `);
  });
  test('a missing return on one path', () => {
    expect(errorOf(`${causalDef}    if q_idx > 3:\n        return True\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          if q_idx > 3:
          ^^^^^^^^^^^^^
      TypeError: not every path through this 'if' returns a value: end every path with a return"
    `);
  });
  test('a local read before it is assigned', () => {
    expect(errorOf(`${causalDef}    y = x\n    x = 1\n    return y > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          y = x
              ^
      NameError: cannot access local variable 'x' where it is not associated with a value"
    `);
  });
  test('a local assigned on one branch only', () => {
    expect(errorOf(`${causalDef}    if q_idx > 0:\n        x = 1\n    return x > 0\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 4
          return x > 0
                 ^
      NameError: local variable 'x' is assigned on only some paths through an 'if': assign it before the 'if' too"
    `);
  });
  test('no mask_mod at all', () => {
    expect(errorOf('W = 3\n')).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          W = 3
          ^^^^^
      NameError: name 'mask_mod' is not defined: end the program with def mask_mod(b, h, q_idx, kv_idx) or mask_mod = ..."
    `);
  });
  test('torch.where with an int condition', () => {
    expect(errorOf(`${causalDef}    return torch.where(q_idx, True, False)\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return torch.where(q_idx, True, False)
                             ^^^^^
      TypeError: torch.where's condition must be a bool, not int: compare, e.g. x != 0"
    `);
  });
  test('calling a number', () => {
    expect(errorOf(`W = 3\n${causalDef}    return W(q_idx) > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return W(q_idx) > 0
                 ^
      TypeError: 'int' object is not callable"
    `);
  });
  test('unpacking the wrong number of values', () => {
    expect(errorOf(`${causalDef}    a, b2, c = q_idx, kv_idx\n    return True\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          a, b2, c = q_idx, kv_idx
          ^^^^^^^^
      ValueError: not enough values to unpack (expected 3, got 2)"
    `);
  });
});

describe('the error object', () => {
  test('carries a 1-based line and column and the span', () => {
    const source = `${causalDef}    return q_idx < missing\n`;
    try {
      compile(source);
      throw new Error('expected an error');
    } catch (error) {
      const e = error as MaskCompileError;
      expect(e).toBeInstanceOf(MaskCompileError);
      expect(e.kind).toBe('NameError');
      expect(e.line).toBe(2);
      expect(e.column).toBe(20);
      expect(source.slice(e.span.start, e.span.end)).toBe('missing');
    }
  });
  test('carets cover the whole span on its line', () => {
    const text = errorOf(`${causalDef}    return q_idx < missing_name\n`);
    expect(text.split('\n')[3]).toBe("NameError: name 'missing_name' is not defined");
    expect(text.split('\n')[2].trim()).toBe('^'.repeat('missing_name'.length));
  });
});
