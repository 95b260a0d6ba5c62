# shape: B=1 H=1 Q=16 KV=16
"""Longformer: a local window plus a few global tokens.

Based on the Longformer paper: https://arxiv.org/abs/2004.05150
"""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature, or_masks


def generate_global_sliding_window(window_size: int, is_global: Tensor) -> _mask_mod_signature:
    """Generates a Longformer-style global + sliding window attention mask.

    Args:
        window_size: position i attends to positions j with abs(i - j) <= window_size.
        is_global: bool tensor of shape [SEQ_LEN], True at the global tokens, which attend to
            every position and are attended to by every position.
    """

    def sliding_window(b, h, q_idx, kv_idx):
        return (q_idx - kv_idx).abs() <= window_size

    def global_attention(b, h, q_idx, kv_idx):
        return is_global[q_idx] | is_global[kv_idx]

    global_sliding_window_mask = or_masks(sliding_window, global_attention)
    global_sliding_window_mask.__name__ = f"global_sliding_window_{window_size}"
    return global_sliding_window_mask


SEQ_LEN = 16
is_global = torch.zeros(SEQ_LEN, dtype=torch.bool)
is_global[0] = True
is_global[8] = True
mask_mod = generate_global_sliding_window(2, is_global)
