# shape: B=1 H=4 Q=12 KV=12
"""ALiBi score mod from Train Short, Test Long: Attention with Linear Biases Enables Input Length
Extrapolation: https://arxiv.org/abs/2108.12409"""

import torch
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_alibi_bias(H: int) -> _score_mod_signature:
    """Returns an alibi bias score_mod given the number of heads H

    Args:
        H: number of heads

    Returns:
        alibi_bias: alibi bias score_mod
    """

    def alibi_mod(score, b, h, q_idx, kv_idx):
        scale = torch.exp2(-((h + 1) * 8.0 / H))
        bias = (kv_idx - q_idx) * scale
        return score + bias

    return alibi_mod


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


H = 4
score_mod = generate_alibi_bias(H)
mask_mod = causal_mask
