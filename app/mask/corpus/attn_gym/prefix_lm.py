# shape: B=1 H=1 Q=16 KV=16
"""Prefix LM: the prompt attends to itself both ways, the continuation is causal."""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature, or_masks

from attn_gym.masks import causal_mask


def generate_prefix_lm_mask(prefix_length: int) -> _mask_mod_signature:
    """Generates a prefix LM causal attention mask.

    Args:
        prefix_length: The length of the prefix.

    Note:
        Every query sees the first `prefix_length` tokens; the rest of the sequence is causal.
    """

    def prefix_mask(b, h, q_idx, kv_idx):
        return kv_idx < prefix_length

    prefix_lm_causal_mask = or_masks(prefix_mask, causal_mask)
    prefix_lm_causal_mask.__name__ = f"prefix_lm_causal_mask_{prefix_length}"
    return prefix_lm_causal_mask


mask_mod = generate_prefix_lm_mask(prefix_length=5)
