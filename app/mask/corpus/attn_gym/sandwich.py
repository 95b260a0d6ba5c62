# shape: B=1 H=2 Q=16 KV=16
"""Sandwich score mod from Dissecting Transformer Length Extrapolation via the Lens of Receptive
Field Analysis: https://arxiv.org/abs/2212.10356"""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_sandwich_bias(
    H: int, max_seq_len: int, d_bar: int = 128, device: str | torch.device = "cpu"
) -> _score_mod_signature:
    """Returns a Sandwich bias score_mod.

    Sandwich keeps the position-position inner product of sinusoidal embeddings:
    bias[h, m, n] = sum_i cos((m - n) * w_i) / ratio_h with w_i = 1/10000^(2i/d_bar) and
    ALiBi-like ratios ratio_h = 8(h+1)/H, tabulated once over relative distances.

    Args:
        H: number of heads.
        max_seq_len: maximum sequence length the bias will be used with.
        d_bar: Sandwich shape hyperparameter (the paper uses 128).
        device: device for the precomputed tables.
    """
    freqs = 1.0 / 10000 ** (
        2 * torch.arange(d_bar // 2, device=device, dtype=torch.float32) / d_bar
    )
    padded_len = -(-(2 * max_seq_len - 1) // 8) * 8
    distances = torch.arange(padded_len, device=device, dtype=torch.float32) - (max_seq_len - 1)
    rel_bias = torch.cos(distances.abs()[:, None] * freqs).sum(dim=-1)
    offset = max_seq_len - 1
    head_scale = H / (8.0 * torch.arange(1, H + 1, device=device, dtype=torch.float32))

    def sandwich_mod(score: Tensor, b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor):
        return score + rel_bias[q_idx - kv_idx + offset] * head_scale[h]

    return sandwich_mod


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


B, H, SEQ_LEN = 1, 2, 16
score_mod = generate_sandwich_bias(H, SEQ_LEN, d_bar=32)
mask_mod = causal_mask
