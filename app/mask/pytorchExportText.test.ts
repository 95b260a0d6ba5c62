import { describe, expect, test } from 'vitest';
import { compile } from './compile';
import type { PytorchExportShape } from './types';

/** The exported text of a program (the test fails if the export is refused). */
function exported(source: string, shape: PytorchExportShape = SHAPE): string {
  const result = compile(source).pytorchExport(shape);
  if ('refused' in result) throw new Error(result.refused);
  return result.code;
}

/** Why the export of a program is refused (the test fails if it is not). */
function refusal(source: string): string {
  const result = compile(source).pytorchExport(SHAPE);
  if (!('refused' in result)) throw new Error(`expected a refusal, got:\n${result.code}`);
  return result.refused;
}

const SHAPE: PytorchExportShape = {
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
      exported(
        'def causal(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n\nmask_mod = causal\n',
      ),
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
    expect(exported(source)).toMatchInlineSnapshot(`
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
          sliding.__name__ = f'sliding_{window_size}'
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
# comments are dropped; the list read at traced indices becomes torch.tensor
pads = [[False, False, True], [False, True, True]]

def padding(b, h, q_idx, kv_idx):
    return ~pads[b, q_idx] & ~pads[b, kv_idx]

causal = lambda b, h, q_idx, kv_idx: q_idx >= kv_idx
mask_mod = and_masks(causal, padding)
`;
    expect(exported(source)).toMatchInlineSnapshot(`
      "import torch
      from torch.nn.attention.flex_attention import (
          and_masks,
          create_block_mask,
          flex_attention,
          noop_mask,
          or_masks,
      )

      device = "cuda" if torch.cuda.is_available() else "cpu"

      import torch
      pads = torch.tensor([[False, False, True], [False, True, True]], device=device)


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

  test('a score_mod, GQA, and if / elif / else on a setup value', () => {
    const source = `CAP = 30.0
MODE = 1

def mask_mod(b, h, q_idx, kv_idx):
    if MODE == 0:
        return q_idx >= 0
    elif MODE == 1:
        return (q_idx - kv_idx) ** 2 < 9
    else:
        return -q_idx <= -kv_idx

def score_mod(score, b, h, q_idx, kv_idx):
    return CAP * torch.tanh(score / CAP)
`;
    expect(exported(source, { ...SHAPE, HKV: 2 })).toMatchInlineSnapshot(`
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
      MODE = 1


      def mask_mod(b, h, q_idx, kv_idx):
          if MODE == 0:
              return q_idx >= 0
          elif MODE == 1:
              return (q_idx - kv_idx) ** 2 < 9
          else:
              return -q_idx <= -kv_idx


      def score_mod(score, b, h, q_idx, kv_idx):
          return CAP * torch.tanh(score / CAP)


      block_mask = create_block_mask(mask_mod, B=None, H=None, Q_LEN=16, KV_LEN=16, BLOCK_SIZE=(8, 8), device=device)
      q = torch.randn(2, 4, 16, 8, device=device)
      k = torch.randn(2, 2, 16, 8, device=device)
      v = torch.randn(2, 2, 16, 8, device=device)
      out = flex_attention(q, k, v, score_mod=score_mod, block_mask=block_mask, enable_gqa=True)
      "
    `);
  });

  test('only a score_mod: the block mask is built from noop_mask', () => {
    const text = exported('def score_mod(score, b, h, q_idx, kv_idx):\n    return score * 2\n');
    expect(text).toContain('block_mask = create_block_mask(noop_mask, B=None, H=None');
    expect(text).toContain('score_mod=score_mod');
  });
});

describe('the PyTorch export carries only what flexmask checked', () => {
  test('code that never ran is kept when it stays inside what flexmask runs', () => {
    const text = exported(
      'WINDOW = 3\nif WINDOW > 10:\n    WINDOW = 10\ndef mask_mod(b, h, q_idx, kv_idx):\n    return q_idx - kv_idx <= WINDOW\n',
    );
    expect(text).toContain('if WINDOW > 10:\n    WINDOW = 10');
  });
  test('a branch that never ran and calls something flexmask does not have refuses the export', () => {
    expect(
      refusal(
        'WINDOW = 3\nif WINDOW > 10:\n    _ = __import__("os").system("echo hi")\ndef mask_mod(b, h, q_idx, kv_idx):\n    return q_idx - kv_idx <= WINDOW\n',
      ),
    ).toMatch(/line 3 never ran in flexmask, and it uses '__import__'/);
  });
  test('an uncalled function importing a module flexmask does not have refuses the export', () => {
    expect(
      refusal(
        'def unused():\n    import os\n    os.system("echo hi")\ndef mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n',
      ),
    ).toMatch(/it imports 'os', a module flexmask does not have/);
  });
  test('a short-circuit operand that never ran is checked too', () => {
    expect(
      refusal(
        'W = 0\nX = W and open("/etc/passwd")\ndef mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n',
      ),
    ).toMatch(/it uses 'open'/);
  });
  test('an attribute flexmask does not have on a module refuses the export', () => {
    expect(
      refusal(
        'import torch\nW = 0\nif W:\n    torch.load("x.pt")\ndef mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n',
      ),
    ).toMatch(/it uses 'torch.load'/);
  });
  test('the __main__ block is left out and the note says so; annotations are dropped', () => {
    const text = exported(
      'def mask_mod(b: int, h: int, q_idx: int, kv_idx: int) -> bool:\n    return q_idx >= kv_idx\n\nif __name__ == "__main__":\n    import sys\n    sys.exit(1)\n',
    );
    expect(text).not.toContain('sys');
    expect(text).toContain('# flexmask: the `if __name__ == "__main__":` block is left out.');
    expect(text).toContain('def mask_mod(b, h, q_idx, kv_idx):');
  });
});
