"""Dilated sliding window: a symmetric window that keeps every dilation-th key."""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_dilated_sliding_window(window_size: int, dilation: int) -> _mask_mod_signature:
    """Builds a dilated sliding window mask mod.

    Args:
        window_size: the largest distance |q - kv| that is kept.
        dilation: only distances that are a multiple of this are kept.
    """

    def dilated_sliding_window(b, h, q_idx, kv_idx):
        diff = torch.abs(q_idx - kv_idx)
        in_window = diff <= window_size
        is_dilated = (diff % dilation) == 0
        return in_window & is_dilated

    return dilated_sliding_window


mask_mod = generate_dilated_sliding_window(window_size=4, dilation=2)
