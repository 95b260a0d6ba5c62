"""Prefix LM: bidirectional over a prefix, causal afterwards."""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature, or_masks


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def generate_prefix_lm_mask(prefix_length: int) -> _mask_mod_signature:
    """Builds a prefix LM mask mod.

    Args:
        prefix_length: the number of leading tokens that every query may attend to.
    """

    def prefix_mask(b, h, q_idx, kv_idx):
        return kv_idx < prefix_length

    return or_masks(prefix_mask, causal_mask)


mask_mod = generate_prefix_lm_mask(prefix_length=4)
