"""flexmask's implementation of attention-gym's `generate_dilated_sliding_window`, written from its
documented behaviour."""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_dilated_sliding_window(window_size: int, dilation: int) -> _mask_mod_signature:
    """A symmetric window that keeps every `dilation`-th key.

    Args:
        window_size: the largest distance |q_idx - kv_idx| kept.
        dilation: only distances that are a multiple of this are kept.
    """

    def dilated_sliding_window(b, h, q_idx, kv_idx):
        distance = torch.abs(q_idx - kv_idx)
        return (distance <= window_size) & (distance % dilation == 0)

    dilated_sliding_window.__name__ = f"dilated_sliding_window_{window_size}_dilation_{dilation}"
    return dilated_sliding_window
