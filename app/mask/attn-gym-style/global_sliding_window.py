"""Longformer-style attention: a local window plus a few global tokens."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature, or_masks

# In PyTorch: torch.zeros(16, dtype=torch.bool) with tokens 0 and 8 set.
is_global = [True, False, False, False, False, False, False, False,
             True, False, False, False, False, False, False, False]


def generate_global_sliding_window(window_size: int) -> _mask_mod_signature:
    """Builds a Longformer mask mod over the module-level `is_global` flags.

    Args:
        window_size: the largest distance |q - kv| of the local window.
    """

    def local_window(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        return (q_idx - kv_idx).abs() <= window_size

    def global_attention(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        return is_global[q_idx] | is_global[kv_idx]

    return or_masks(local_window, global_attention)


mask_mod = generate_global_sliding_window(window_size=3)
