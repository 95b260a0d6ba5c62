"""Sliding window attention: causal, looking back a fixed number of tokens."""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature, and_masks


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def generate_sliding_window(window_size: int) -> _mask_mod_signature:
    """Builds a sliding window mask mod.

    Args:
        window_size: how many tokens before the query stay visible (the query itself always is).
    """

    def sliding_window(b, h, q_idx, kv_idx):
        return q_idx - kv_idx <= window_size

    return and_masks(sliding_window, causal_mask)


mask_mod = generate_sliding_window(3)
