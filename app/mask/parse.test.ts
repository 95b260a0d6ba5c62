import { describe, expect, test } from 'vitest';
import { compile } from './index';
import { tokenize } from './lexer';
import { DEFAULT_LIMITS } from './limits';

type Rule = (b: number, h: number, q: number, kv: number) => boolean;

/** Programs the language accepts, each with the rule it must compute, written directly in JS. */
const ACCEPTED: { name: string; source: string; rule: Rule }[] = [
  {
    name: 'a def with a docstring, comments and type annotations',
    source: `import torch
from torch.nn.attention.flex_attention import and_masks, create_block_mask
from typing import Callable

def mask_mod(b: int, h: int, q_idx: torch.Tensor, kv_idx: torch.Tensor) -> torch.Tensor:
    """Causal."""
    # a comment
    return q_idx >= kv_idx  # trailing comment
`,
    rule: (_b, _h, q, kv) => q >= kv,
  },
  {
    name: 'negative, float, bool, hex and underscore parameters',
    source: `A = -2
B = 1.5e0
C = True
D = 0x1F
E = 1_0
def mask_mod(b, h, q_idx, kv_idx):
    return C and (q_idx - kv_idx >= A) and (q_idx * B < E) and (kv_idx < D)
`,
    rule: (_b, _h, q, kv) => q - kv >= -2 && q * 1.5 < 10 && kv < 31,
  },
  {
    name: 'tuple unpacking and a helper returning a tuple',
    source: `def split(i):
    return i // 3, i % 3

def mask_mod(b, h, q_idx, kv_idx):
    qx, qy = split(q_idx)
    kx, ky = split(kv_idx)
    a, c = qx, ky
    return (qx == kx) | (qy == ky) | (a == c)
`,
    rule: (_b, _h, q, kv) =>
      Math.floor(q / 3) === Math.floor(kv / 3) || q % 3 === kv % 3 || Math.floor(q / 3) === kv % 3,
  },
  {
    name: 'if / elif / else with returns, and assignments merged after an if',
    source: `def mask_mod(b, h, q_idx, kv_idx):
    d = q_idx - kv_idx
    if d < 0:
        limit = 0
    else:
        limit = 2
    if q_idx == 0:
        return kv_idx == 0
    elif q_idx == 1:
        return False
    else:
        return (d >= 0) & (d <= limit)
`,
    rule: (_b, _h, q, kv) => (q === 0 ? kv === 0 : q === 1 ? false : q - kv >= 0 && q - kv <= 2),
  },
  {
    name: 'an attention-gym style factory with __name__ and an f-string',
    source: `def generate_sliding_window(window_size: int):
    def sliding_window(b, h, q_idx, kv_idx):
        return (q_idx - kv_idx <= window_size) & (q_idx >= kv_idx)
    sliding_window.__name__ = f"sliding_window_{window_size}"
    return sliding_window

mask_mod = generate_sliding_window(2)
`,
    rule: (_b, _h, q, kv) => q - kv <= 2 && q >= kv,
  },
  {
    name: 'NATTEN specialised from constant arguments, with .clamp and .abs',
    source: `def generate_natten(canvas_w, canvas_h, kernel_w, kernel_h):
    def get_x_y(idx):
        return idx // canvas_w, idx % canvas_w

    def natten_mask_mod(b, h, q_idx, kv_idx):
        q_x, q_y = get_x_y(q_idx)
        kv_x, kv_y = get_x_y(kv_idx)
        kernel_x = q_x.clamp(kernel_w // 2, (canvas_w - 1) - kernel_w // 2)
        kernel_y = q_y.clamp(kernel_h // 2, (canvas_h - 1) - kernel_h // 2)
        hori_mask = (kernel_x - kv_x).abs() <= kernel_w // 2
        vert_mask = (kernel_y - kv_y).abs() <= kernel_h // 2
        return hori_mask & vert_mask

    natten_mask_mod.__name__ = f"natten_c{canvas_w}x{canvas_h}_k{kernel_w}x{kernel_h}"
    return natten_mask_mod

mask_mod = generate_natten(6, 6, 3, 3)
`,
    rule: (_b, _h, q, kv) => {
      const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
      const [qx, qy, kx, ky] = [Math.floor(q / 6), q % 6, Math.floor(kv / 6), kv % 6];
      return Math.abs(clamp(qx, 1, 4) - kx) <= 1 && Math.abs(clamp(qy, 1, 4) - ky) <= 1;
    },
  },
  {
    name: 'a factory taking a mask function and a tensor',
    source: `document_id = [0, 0, 1, 1, 1, 2]
causal = lambda b, h, q_idx, kv_idx: q_idx >= kv_idx

def generate_doc_mask_mod(inner, doc):
    def doc_mask(b, h, q_idx, kv_idx):
        return (doc[q_idx] == doc[kv_idx]) & inner(b, h, q_idx, kv_idx)
    return doc_mask

mask_mod = generate_doc_mask_mod(causal, document_id)
`,
    rule: (_b, _h, q, kv) => {
      // Indices past the end read 0 (the language's defined out-of-range result).
      const doc = (i: number): number => [0, 0, 1, 1, 1, 2][i] ?? 0;
      return doc(q) === doc(kv) && q >= kv;
    },
  },
  {
    name: 'and_masks, or_masks and noop_mask',
    source: `def even(b, h, q_idx, kv_idx):
    return q_idx % 2 == 0

def near(b, h, q_idx, kv_idx):
    return abs(q_idx - kv_idx) <= 1

mask_mod = or_masks(and_masks(even, noop_mask), near, and_masks())
`,
    rule: (_b, _h, q, kv) => q % 2 === 0 || Math.abs(q - kv) <= 1 || true,
  },
  {
    name: 'or_masks() of nothing is all False, combined with a rule',
    source: `def any_pos(b, h, q_idx, kv_idx):
    return q_idx > 2

mask_mod = and_masks(any_pos, or_masks(any_pos, or_masks()))
`,
    rule: (_b, _h, q) => q > 2,
  },
  {
    name: 'chained comparisons, conditional expressions, not, min and max',
    source: `def mask_mod(b, h, q_idx, kv_idx):
    lo = max(0, q_idx - 2)
    hi = min(q_idx, 4, 7)
    return (lo <= kv_idx <= hi) if not (q_idx == 5) else kv_idx == 0
`,
    rule: (_b, _h, q, kv) =>
      q !== 5 ? Math.max(0, q - 2) <= kv && kv <= Math.min(q, 4) : kv === 0,
  },
  {
    name: 'line joining in brackets and with a backslash; semicolons',
    source: `def mask_mod(b, h, q_idx, kv_idx):
    x = (q_idx +
         kv_idx); y = 1
    return x > \\
        y
`,
    rule: (_b, _h, q, kv) => q + kv > 1,
  },
  {
    name: 'torch functions, keyword clamp, defaults and keyword arguments',
    source: `def band(q, kv, width=1):
    return torch.abs(q - kv) <= width

def mask_mod(b, h, q_idx, kv_idx):
    c = torch.clamp(q_idx, min=1, max=3)
    w = torch.where(c > 2, torch.maximum(c, 2), torch.minimum(c, 0))
    return band(q_idx, kv_idx) | band(kv=kv_idx, q=w, width=0)
`,
    rule: (_b, _h, q, kv) => {
      const c = Math.min(Math.max(q, 1), 3);
      const w = c > 2 ? Math.max(c, 2) : Math.min(c, 0);
      return Math.abs(q - kv) <= 1 || w === kv;
    },
  },
  {
    name: 'b and h, through 2-D tensors indexed t[i][j] and t[i, j]',
    source: `lens = [[3, 4], [5, 6]]

def mask_mod(b, h, q_idx, kv_idx):
    return (kv_idx < lens[b][h]) & (q_idx < lens[b, h])
`,
    rule: (b, h, q, kv) => {
      const lens = [
        [3, 4],
        [5, 6],
      ];
      return kv < lens[b][h] && q < lens[b][h];
    },
  },
  {
    name: 'augmented assignment and bit operations',
    source: `def mask_mod(b, h, q_idx, kv_idx):
    x = q_idx
    x += 1
    x <<= 1
    x ^= kv_idx
    return (x & 3) != (~kv_idx | 1) >> 1
`,
    rule: (_b, _h, q, kv) => {
      const x = ((q + 1) << 1) ^ kv;
      return (x & 3) !== (~kv | 1) >> 1;
    },
  },
];

describe('accepted programs compute their rule', () => {
  test.each(ACCEPTED)('$name', ({ source, rule }) => {
    const p = compile(source);
    for (let b = 0; b < 2; b += 1)
      for (let h = 0; h < 2; h += 1)
        for (let q = 0; q < 12; q += 1)
          for (let kv = 0; kv < 12; kv += 1) {
            expect(p.mask(b, h, q, kv), `b=${b} h=${h} q=${q} kv=${kv}`).toBe(rule(b, h, q, kv));
          }
  });
});

describe('dependence on b and h', () => {
  test.each([
    ['def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n', { b: false, h: false }],
    [
      't = [1, 2]\ndef mask_mod(b, h, q_idx, kv_idx):\n    return q_idx < t[b]\n',
      { b: true, h: false },
    ],
    [
      'def mask_mod(b, h, q_idx, kv_idx):\n    x = h * 2\n    return q_idx >= x\n',
      { b: false, h: true },
    ],
    [
      'def mask_mod(b, h, q_idx, kv_idx):\n    return True if 1 > 2 else b > 0\n',
      { b: true, h: false },
    ],
    [
      'def mask_mod(b, h, q_idx, kv_idx):\n    return (b > 0) if 2 > 1 else (h > 0)\n',
      { b: true, h: false },
    ],
  ])('%s', (source, deps) => {
    expect(compile(source).maskDeps).toEqual(deps);
  });
  test('score_mod dependence is reported separately', () => {
    const p = compile(
      'def mask_mod(b, h, q_idx, kv_idx):\n    return True\ndef score_mod(score, b, h, q_idx, kv_idx):\n    return score + 2 * h\n',
    );
    expect(p.maskDeps).toEqual({ b: false, h: false });
    expect(p.scoreDeps).toEqual({ b: false, h: true });
    expect(p.hasScoreMod).toBe(true);
    expect(p.score(1.5, 0, 3, 0, 0)).toBe(7.5);
  });
  test('score_mod = some_def, with an int result promoted to float', () => {
    const p = compile(
      'def rel(score, b, h, q_idx, kv_idx):\n    return q_idx - kv_idx\nscore_mod = rel\n',
    );
    expect(p.hasScoreMod).toBe(true);
    expect(p.mask(0, 0, 0, 5)).toBe(true);
    expect(p.score(100, 0, 0, 2, 5)).toBe(-3);
  });
});

describe('parameters and tensors', () => {
  test('parameters keep their type, value and span', () => {
    const source =
      'W = 3\nS = -0.5\nON = False\ndef mask_mod(b, h, q_idx, kv_idx):\n    return ON | (q_idx > W * S)\n';
    const p = compile(source);
    expect(p.params.map(({ name, type, value }) => ({ name, type, value }))).toEqual([
      { name: 'W', type: 'int', value: 3 },
      { name: 'S', type: 'float', value: -0.5 },
      { name: 'ON', type: 'bool', value: 0 },
    ]);
    expect(source.slice(p.params[1].span.start, p.params[1].span.end)).toBe('-0.5');
  });
  test('tensor element types promote: bool < int < float', () => {
    const p = compile('a = [True, 2]\nc = [1, 2.5]\nd = [[True], [False]]\nmask_mod = noop_mask\n');
    expect(p.tensors.map((t) => [t.type, t.values])).toEqual([
      ['int', [1, 2]],
      ['float', [1, 2.5]],
      ['bool', [1, 0]],
    ]);
  });
});

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
  ])('reads %s as %d', (text, value) => {
    const tokens = tokenize(`x = ${text}\n`, DEFAULT_LIMITS);
    expect(tokens[2].value).toBe(value);
  });
  test('emits INDENT and DEDENT and joins lines inside brackets', () => {
    const kinds = tokenize('def f(a,\n      b):\n    return a\nx = 1\n', DEFAULT_LIMITS).map(
      (t) => t.kind,
    );
    expect(kinds.filter((k) => k === 'indent')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'dedent')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'newline')).toHaveLength(3);
  });
  test('every token carries its span', () => {
    const source = 'W = 0x1F  # c\n';
    for (const t of tokenize(source, DEFAULT_LIMITS)) {
      if (t.kind === 'name' || t.kind === 'int' || t.kind === 'op')
        expect(source.slice(t.span.start, t.span.end)).toBe(t.text);
    }
  });
});
