# shape: B=1 H=2 Q=8 KV=8
"""Tanh soft-capping of attention logits, as in Gemma 2 and Grok-1."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def _tanh_approx(inp: Tensor) -> Tensor:
    # attention-gym lowers this to the `tanh.approx.f32` PTX instruction; on the CPU it is tanh
    return torch.tanh(inp)


def generate_tanh_softcap(soft_cap: int, approx: bool = False) -> _score_mod_signature:
    """Returns a tanh soft-capping score_mod.

    Args:
        soft_cap: The soft cap value to use for normalizing logits
        approx: Whether to use the approximate tanh

    Returns:
        tanh_softcap: score_mod
    """
    tanh = _tanh_approx if approx else torch.tanh

    def tanh_softcap(score, b, h, q_idx, kv_idx):
        return soft_cap * tanh(score / soft_cap)

    prefix = "tanh_softcap_approx" if approx else "tanh_softcap"
    tanh_softcap.__name__ = f"{prefix}_{soft_cap}"

    return tanh_softcap


score_mod = generate_tanh_softcap(5)
