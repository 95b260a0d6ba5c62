# shape: B=1 H=1 Q=20 KV=20
"""Sliding window attention: causal, and only the last few tokens."""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature, and_masks

from attn_gym.masks import causal_mask


def generate_sliding_window(window_size: int) -> _mask_mod_signature:
    """Builds a causal sliding window mask.

    Args:
        window_size: how many tokens back a query may look (the window holds the query and
            `window_size` tokens before it).

    Note:
        Future tokens stay masked, as in causal masking.
    """

    def sliding_window(b, h, q_idx, kv_idx):
        return q_idx - kv_idx <= window_size

    sliding_window_mask = and_masks(sliding_window, causal_mask)
    sliding_window_mask.__name__ = f"sliding_window_{window_size}"
    return sliding_window_mask


mask_mod = generate_sliding_window(window_size=4)
