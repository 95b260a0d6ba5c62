import { describe, expect, test } from 'vitest';
import { compile } from './compile';
import { MaskCompileError } from './errors';

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

/** The dense mask of a program that must compile, over a small square. */
function maskOf(source: string, n = 6): string {
  const p = compile(source);
  let out = '';
  for (let q = 0; q < n; q += 1) {
    for (let kv = 0; kv < n; kv += 1) out += p.mask(0, 0, q, kv) ? '1' : '0';
    out += '\n';
  }
  return out;
}
const CAUSAL_6 = maskOf(`${causalDef}    return q_idx >= kv_idx\n`);

describe('Python that runs at setup time, as CPython runs it', () => {
  test('a for loop over a tuple of masks inside mask_mod (concrete control flow)', () => {
    const source = `def causal(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n\ndef near(b, h, q_idx, kv_idx):\n    return q_idx - kv_idx <= 2\n\nMASKS = (causal, near)\n${causalDef}    result = q_idx >= 0\n    for m in MASKS:\n        result = result & m(b, h, q_idx, kv_idx)\n    return result\n`;
    expect(maskOf(source)).toBe(
      maskOf(`${causalDef}    return (q_idx >= kv_idx) & (q_idx - kv_idx <= 2)\n`),
    );
  });
  test('while, break, comprehensions, f-strings, classes, global and a top-level if', () => {
    const source = [
      'from dataclasses import dataclass',
      '@dataclass',
      'class Config:',
      '    window: int = 2',
      'config = Config()',
      'n = 0',
      'while True:',
      '    n += 1',
      '    if n == 3:',
      '        break',
      'squares = [i * i for i in range(n)]',
      'label = f"window {config.window:>3}, squares {squares}"',
      'assert label == "window   2, squares [0, 1, 4]", label',
      'if n > 2:',
      '    W = config.window',
      'def mask_mod(b, h, q_idx, kv_idx):',
      '    global W',
      '    return (q_idx >= kv_idx) & (q_idx - kv_idx <= W)',
      '',
    ].join('\n');
    expect(maskOf(source)).toBe(
      maskOf(`${causalDef}    return (q_idx >= kv_idx) & (q_idx - kv_idx <= 2)\n`),
    );
  });
  test('an unused import of a module flexmask does not have is fine; using it is not', () => {
    expect(maskOf(`import numpy as np\n${causalDef}    return q_idx >= kv_idx\n`)).toBe(CAUSAL_6);
    expect(errorOf(`import numpy as np\nW = np.int32(3)\n${causalDef}    return q_idx >= kv_idx\n`))
      .toMatchInlineSnapshot(`
        "  File "<mask>", line 2
            W = np.int32(3)
                ^^^^^^^^
        ModuleNotFoundError: No module named 'numpy': flexmask runs torch, math, functools, itertools, operator, typing, collections, dataclasses, attn_gym and transformers.masking_utils (a module that is imported but never used is fine)"
      `);
  });
  test("attention-gym's names import from flexmask's own implementations", () => {
    expect(maskOf('from attn_gym.masks import causal_mask\nmask_mod = causal_mask\n')).toBe(
      CAUSAL_6,
    );
  });
  test('recursion at setup runs; recursion without end is a RecursionError', () => {
    const fact = 'def fact(n):\n    return 1 if n <= 1 else n * fact(n - 1)\n';
    expect(
      maskOf(
        `${fact}W = fact(3) - 4\n${causalDef}    return (q_idx >= kv_idx) & (q_idx - kv_idx <= W)\n`,
      ),
    ).toBe(maskOf(`${causalDef}    return (q_idx >= kv_idx) & (q_idx - kv_idx <= 2)\n`));
    expect(errorOf(`def f(x):\n    return f(x - 1)\nW = f(3)\n${causalDef}    return q_idx >= W\n`))
      .toMatchInlineSnapshot(`
        "Traceback (most recent call last):
          File "<mask>", line 3, in <module>
            W = f(3)
                ^^^^
          File "<mask>", line 2, in f
            return f(x - 1)
                   ^^^^^^^^
          File "<mask>", line 2, in f
            return f(x - 1)
                   ^^^^^^^^
          File "<mask>", line 2, in f
            return f(x - 1)
                   ^^^^^^^^
          [Previous line repeated 196 more times]
        RecursionError: maximum recursion depth exceeded (flexmask allows 200 nested calls)"
      `);
  });
  test('an assert that fails shows its message and a traceback through the calls', () => {
    const source = [
      'def generate_window(w):',
      '    assert w >= 0, f"window must be >= 0, got {w}"',
      '    def window(b, h, q_idx, kv_idx):',
      '        return q_idx - kv_idx <= w',
      '    return window',
      'mask_mod = generate_window(-1)',
      '',
    ].join('\n');
    expect(errorOf(source)).toMatchInlineSnapshot(`
      "Traceback (most recent call last):
        File "<mask>", line 6, in <module>
          mask_mod = generate_window(-1)
                     ^^^^^^^^^^^^^^^^^^^
        File "<mask>", line 2, in generate_window
          assert w >= 0, f"window must be >= 0, got {w}"
      AssertionError: window must be >= 0, got -1"
    `);
  });
  test('raise with an f-string message', () => {
    expect(errorOf('W = 5\nif W > 4:\n    raise ValueError(f"W is {W}, more than 4")\n'))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          raise ValueError(f"W is {W}, more than 4")
                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
      ValueError: W is 5, more than 4"
    `);
  });
  test('an int that does not fit in 32 bits is fine at setup, an error once traced', () => {
    expect(
      maskOf(
        `BIG = 3000000000\nW = BIG // 1000000000\n${causalDef}    return q_idx - kv_idx <= W\n`,
      ),
    ).toBe(maskOf(`${causalDef}    return q_idx - kv_idx <= 3\n`));
    expect(errorOf(`BIG = 3000000000\n${causalDef}    return q_idx < BIG\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return q_idx < BIG
                 ^^^^^^^^^^^
      OverflowError: the integer 3000000000 does not fit in 32 bits: traced ints are int32 on the GPU (-2147483648 to 2147483647)"
    `);
  });
});

describe('what tracing refuses, as PyTorch does', () => {
  test('if on a traced value', () => {
    expect(errorOf(`${causalDef}    if q_idx > kv_idx:\n        return True\n    return False\n`))
      .toMatchInlineSnapshot(`
        "  File "<mask>", line 2
            if q_idx > kv_idx:
               ^^^^^^^^^^^^^^
        RuntimeError: data-dependent control flow: this value depends on the traced b, h, q_idx, kv_idx (or score), which have no single value while mask_mod / score_mod are traced (PyTorch's vmap refuses this too). Use torch.where(condition, x, y) instead of if / while / and / or / not / bool(), and & | ~ to combine masks"
      `);
  });
  test('a while loop on a traced value', () => {
    expect(errorOf(`${causalDef}    while q_idx > 0:\n        q_idx -= 1\n    return True\n`))
      .toMatchInlineSnapshot(`
        "  File "<mask>", line 2
            while q_idx > 0:
                  ^^^^^^^^^
        RuntimeError: data-dependent control flow: this value depends on the traced b, h, q_idx, kv_idx (or score), which have no single value while mask_mod / score_mod are traced (PyTorch's vmap refuses this too). Use torch.where(condition, x, y) instead of if / while / and / or / not / bool(), and & | ~ to combine masks"
      `);
  });
  test('and / or on traced values', () => {
    expect(errorOf(`${causalDef}    return q_idx >= kv_idx and q_idx < 9\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx >= kv_idx and q_idx < 9
                 ^^^^^^^^^^^^^^^
      RuntimeError: data-dependent control flow: this value depends on the traced b, h, q_idx, kv_idx (or score), which have no single value while mask_mod / score_mod are traced (PyTorch's vmap refuses this too). Use torch.where(condition, x, y) instead of if / while / and / or / not / bool(), and & | ~ to combine masks"
    `);
  });
  test('.item()', () => {
    expect(errorOf(`${causalDef}    return q_idx.item() >= kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx.item() >= kv_idx
                 ^^^^^^^^^^^^
      RuntimeError: .item() / .tolist() of a traced value: data-dependent control flow: this value depends on the traced b, h, q_idx, kv_idx (or score), which have no single value while mask_mod / score_mod are traced (PyTorch's vmap refuses this too). Use torch.where(condition, x, y) instead of if / while / and / or / not / bool(), and & | ~ to combine masks"
    `);
  });
  test('in, on a traced value', () => {
    expect(errorOf(`${causalDef}    return q_idx in [1, 2]\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx in [1, 2]
                 ^^^^^^^^^^^^^^^
      RuntimeError: data-dependent control flow: this value depends on the traced b, h, q_idx, kv_idx (or score), which have no single value while mask_mod / score_mod are traced (PyTorch's vmap refuses this too). Use torch.where(condition, x, y) instead of if / while / and / or / not / bool(), and & | ~ to combine masks"
    `);
  });
  test('a torch function flexmask does not trace', () => {
    expect(errorOf(`${causalDef}    return torch.nn.functional.softmax(q_idx) > 0\n`))
      .toMatchInlineSnapshot(`
        "  File "<mask>", line 2
            return torch.nn.functional.softmax(q_idx) > 0
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
        NotImplementedError: torch.nn.functional.softmax on a traced value is not supported by flexmask (see the README's "What pastes" for the traced operations)"
      `);
  });
  test('mask_mod returning None', () => {
    expect(errorOf(`${causalDef}    return None\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          def mask_mod(b, h, q_idx, kv_idx):
              ^^^^^^^^
      TypeError: mask_mod returned 'NoneType', not a tensor"
    `);
  });
  test('a constant negative shift', () => {
    expect(errorOf(`${causalDef}    return (q_idx << -1) > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return (q_idx << -1) > 0
                 ^^^^^^^^^^^^^
      ValueError: negative shift count"
    `);
  });
  test('a constant division by zero', () => {
    expect(errorOf(`${causalDef}    return q_idx // 0 > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return q_idx // 0 > 0
                 ^^^^^^^^^^
      ZeroDivisionError: integer division by zero"
    `);
  });
  test('conversions that PyTorch allows still trace', () => {
    expect(maskOf(`${causalDef}    return q_idx.float() >= kv_idx.to(torch.float32)\n`)).toBe(
      CAUSAL_6,
    );
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
                           ^^^^^^^^^^
        IndexError: too many indices for tensor of dimension 1"
      `);
  });
  test('tensor index rank mismatch (too few)', () => {
    expect(errorOf(`pads = [[True, False], [False, False]]\n${causalDef}    return pads[b]\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          def mask_mod(b, h, q_idx, kv_idx):
              ^^^^^^^^
      TypeError: mask_mod returned a tensor of shape [2], not one value: a table read needs one index per dimension"
    `);
  });
  test('a float index', () => {
    expect(errorOf(`lens = [7, 10]\n${causalDef}    return q_idx < lens[b / 2]\n`))
      .toMatchInlineSnapshot(`
        "  File "<mask>", line 3
            return q_idx < lens[b / 2]
                           ^^^^^^^^^^^
        IndexError: tensors used as indices must be long, int, byte or bool tensors"
      `);
  });
  test('a non-rectangular list read at a traced index', () => {
    expect(errorOf(`pads = [[1, 2], [3]]\n${causalDef}    return pads[b, q_idx] > 0\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return pads[b, q_idx] > 0
                 ^^^^^^^^^^^^^^
      ValueError: a lookup table must be rectangular: expected a sequence of length 2 at dim 1"
    `);
  });
  test('a list of names is a lookup table of their values', () => {
    expect(
      maskOf(`W = 3\nt = [W, 2]\n${causalDef}    return q_idx - kv_idx <= t[0 * q_idx]\n`),
    ).toBe(maskOf(`${causalDef}    return q_idx - kv_idx <= 3\n`));
  });
  test('mask_mod returning an int', () => {
    expect(errorOf(`${causalDef}    return q_idx - kv_idx\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 1
          def mask_mod(b, h, q_idx, kv_idx):
              ^^^^^^^^
      TypeError: mask_mod must return a bool tensor, but this is an int: compare it, e.g. x != 0"
    `);
  });
  test('~ on a float', () => {
    expect(errorOf(`${causalDef}    return ~(q_idx / 2) > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return ~(q_idx / 2) > 0
                 ^^^^^^^^^^^^
      TypeError: bitwise not ('~') is only defined for bool and int tensors"
    `);
  });
  test('& on a float', () => {
    expect(errorOf(`${causalDef}    return (q_idx * 1.5) & 1 > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          return (q_idx * 1.5) & 1 > 0
                 ^^^^^^^^^^^^^^^^^
      TypeError: unsupported operand type(s) for &: 'float' and 'int'"
    `);
  });
  test('a missing return on the path taken', () => {
    expect(errorOf(`LIMIT = 2\n${causalDef}    if LIMIT > 3:\n        return q_idx >= kv_idx\n`))
      .toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          def mask_mod(b, h, q_idx, kv_idx):
              ^^^^^^^^
      TypeError: mask_mod returned 'NoneType', not a tensor"
    `);
  });
  test('a local read before it is assigned', () => {
    expect(errorOf(`${causalDef}    y = x\n    x = 1\n    return y > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 2
          y = x
              ^
      UnboundLocalError: cannot access local variable 'x' where it is not associated with a value"
    `);
  });
  test('a local assigned on the branch not taken', () => {
    expect(
      errorOf(`LIMIT = 2\n${causalDef}    if LIMIT > 3:\n        x = q_idx\n    return x > 0\n`),
    ).toMatchInlineSnapshot(`
      "  File "<mask>", line 5
          return x > 0
                 ^
      UnboundLocalError: cannot access local variable 'x' where it is not associated with a value"
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
                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
        RuntimeError: where expected condition to be a boolean tensor, but got a tensor with dtype Long"
      `);
  });
  test('calling a number', () => {
    expect(errorOf(`W = 3\n${causalDef}    return W(q_idx) > 0\n`)).toMatchInlineSnapshot(`
      "  File "<mask>", line 3
          return W(q_idx) > 0
                 ^^^^^^^^
      TypeError: 'int' object is not callable"
    `);
  });
  test('unpacking the wrong number of values', () => {
    expect(errorOf(`${causalDef}    a, b2, c = q_idx, kv_idx\n    return True\n`))
      .toMatchInlineSnapshot(`
        "  File "<mask>", line 2
            a, b2, c = q_idx, kv_idx
                              ^^^^^^
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
