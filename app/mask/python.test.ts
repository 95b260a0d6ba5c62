import { describe, expect, test } from 'vitest';
import { compile } from './index';
import type { PythonExportShape } from './types';

const SHAPE: PythonExportShape = {
  B: 2,
  H: 4,
  HKV: 4,
  Q: 16,
  KV: 16,
  D: 8,
  DV: 8,
  blockQ: 8,
  blockKV: 8,
};

describe('the PyTorch export', () => {
  test('causal: B and H are None when the mask reads neither', () => {
    expect(
      compile(
        'def causal(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n\nmask_mod = causal\n',
      ).python(SHAPE),
    ).toMatchInlineSnapshot(`
      "import torch
      from torch.nn.attention.flex_attention import (
          and_masks,
          create_block_mask,
          flex_attention,
          noop_mask,
          or_masks,
      )

      device = "cuda" if torch.cuda.is_available() else "cpu"


      def causal(b, h, q_idx, kv_idx):
          return q_idx >= kv_idx


      mask_mod = causal


      block_mask = create_block_mask(mask_mod, B=None, H=None, Q_LEN=16, KV_LEN=16, BLOCK_SIZE=(8, 8), device=device)
      q = torch.randn(2, 4, 16, 8, device=device)
      k = torch.randn(2, 4, 16, 8, device=device)
      v = torch.randn(2, 4, 16, 8, device=device)
      out = flex_attention(q, k, v, score_mod=None, block_mask=block_mask, enable_gqa=False)
      "
    `);
  });

  test('a sliding window with a parameter and a factory', () => {
    const source = `WINDOW = 3

def generate_sliding_window(window_size):
    def sliding(b, h, q_idx, kv_idx):
        d = q_idx - kv_idx
        return (d >= 0) & (d <= window_size)
    sliding.__name__ = f"sliding_{window_size}"
    return sliding

mask_mod = generate_sliding_window(WINDOW)
`;
    expect(compile(source).python(SHAPE)).toMatchInlineSnapshot(`
      "import torch
      from torch.nn.attention.flex_attention import (
          and_masks,
          create_block_mask,
          flex_attention,
          noop_mask,
          or_masks,
      )

      device = "cuda" if torch.cuda.is_available() else "cpu"

      WINDOW = 3


      def generate_sliding_window(window_size):
          def sliding(b, h, q_idx, kv_idx):
              d = q_idx - kv_idx
              return (d >= 0) & (d <= window_size)
          return sliding


      mask_mod = generate_sliding_window(WINDOW)


      block_mask = create_block_mask(mask_mod, B=None, H=None, Q_LEN=16, KV_LEN=16, BLOCK_SIZE=(8, 8), device=device)
      q = torch.randn(2, 4, 16, 8, device=device)
      k = torch.randn(2, 4, 16, 8, device=device)
      v = torch.randn(2, 4, 16, 8, device=device)
      out = flex_attention(q, k, v, score_mod=None, block_mask=block_mask, enable_gqa=False)
      "
    `);
  });

  test('padding with a 2-D tensor: B is given, and ~ and & stay as written', () => {
    const source = `import torch
# comments and imports are dropped; the tensor becomes torch.tensor
pads = [[False, False, True], [False, True, True]]

def padding(b, h, q_idx, kv_idx):
    return ~pads[b, q_idx] & ~pads[b, kv_idx]

causal = lambda b, h, q_idx, kv_idx: q_idx >= kv_idx
mask_mod = and_masks(causal, padding)
`;
    expect(compile(source).python(SHAPE)).toMatchInlineSnapshot(`
      "import torch
      from torch.nn.attention.flex_attention import (
          and_masks,
          create_block_mask,
          flex_attention,
          noop_mask,
          or_masks,
      )

      device = "cuda" if torch.cuda.is_available() else "cpu"

      pads = torch.tensor([
          [False, False, True],
          [False, True, True],
      ], device=device)


      def padding(b, h, q_idx, kv_idx):
          return ~pads[b, q_idx] & ~pads[b, kv_idx]


      causal = lambda b, h, q_idx, kv_idx: q_idx >= kv_idx
      mask_mod = and_masks(causal, padding)


      block_mask = create_block_mask(mask_mod, B=2, H=None, Q_LEN=16, KV_LEN=16, BLOCK_SIZE=(8, 8), device=device)
      q = torch.randn(2, 4, 16, 8, device=device)
      k = torch.randn(2, 4, 16, 8, device=device)
      v = torch.randn(2, 4, 16, 8, device=device)
      out = flex_attention(q, k, v, score_mod=None, block_mask=block_mask, enable_gqa=False)
      "
    `);
  });

  test('a score_mod, GQA, and if / elif / else', () => {
    const source = `CAP = 30.0

def mask_mod(b, h, q_idx, kv_idx):
    if q_idx < 2:
        return True
    elif h > 1:
        return (q_idx - kv_idx) ** 2 < 9
    else:
        return -q_idx <= -kv_idx

def score_mod(score, b, h, q_idx, kv_idx):
    return CAP * torch.tanh(score / CAP)
`;
    expect(compile(source).python({ ...SHAPE, HKV: 2 })).toMatchInlineSnapshot(`
      "import torch
      from torch.nn.attention.flex_attention import (
          and_masks,
          create_block_mask,
          flex_attention,
          noop_mask,
          or_masks,
      )

      device = "cuda" if torch.cuda.is_available() else "cpu"

      CAP = 30.0


      def mask_mod(b, h, q_idx, kv_idx):
          if q_idx < 2:
              return True
          elif h > 1:
              return (q_idx - kv_idx) ** 2 < 9
          else:
              return -q_idx <= -kv_idx


      def score_mod(score, b, h, q_idx, kv_idx):
          return CAP * torch.tanh(score / CAP)


      block_mask = create_block_mask(mask_mod, B=None, H=4, Q_LEN=16, KV_LEN=16, BLOCK_SIZE=(8, 8), device=device)
      q = torch.randn(2, 4, 16, 8, device=device)
      k = torch.randn(2, 2, 16, 8, device=device)
      v = torch.randn(2, 2, 16, 8, device=device)
      out = flex_attention(q, k, v, score_mod=score_mod, block_mask=block_mask, enable_gqa=True)
      "
    `);
  });

  test('only a score_mod: the block mask is built from noop_mask', () => {
    const text = compile(
      'def score_mod(score, b, h, q_idx, kv_idx):\n    return score * 2\n',
    ).python(SHAPE);
    expect(text).toContain('block_mask = create_block_mask(noop_mask, B=None, H=None');
    expect(text).toContain('score_mod=score_mod');
  });
});
