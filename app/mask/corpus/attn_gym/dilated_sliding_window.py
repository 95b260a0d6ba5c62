# shape: B=1 H=1 Q=24 KV=24
"""A dilated sliding window: a symmetric window that skips keys."""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_dilated_sliding_window(window_size: int, dilation: int) -> _mask_mod_signature:
    """Generates a dilated sliding window attention mask.

    Args:
        window_size: the window's radius.
        dilation: the stride between the keys kept.

    Note:
        Query i attends to key j when
        * abs(i - j) <= window_size
        * abs(i - j) % dilation == 0
    """
    assert dilation > 0, f"dilation must be positive, got {dilation}"

    def dilated_sliding_window(b, h, q_idx, kv_idx):
        diff = torch.abs(q_idx - kv_idx)
        in_window = diff <= window_size
        on_stride = (diff % dilation) == 0
        return in_window & on_stride

    dilated_sliding_window.__name__ = f"dilated_sliding_window_{window_size}_dilation_{dilation}"
    return dilated_sliding_window


mask_mod = generate_dilated_sliding_window(window_size=6, dilation=2)
