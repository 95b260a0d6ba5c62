# shape: B=1 H=1 Q=8 KV=16
"""A sliding-window cache that no longer holds the first 12 tokens: queries at positions 20..27
read keys at positions 12..27. The overlay and the offsets are pasted from masking_utils."""

from collections.abc import Callable

import torch
from torch.nn.attention.flex_attention import and_masks


def causal_mask_function(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
    return kv_idx <= q_idx


def sliding_window_overlay(sliding_window: int) -> Callable:
    """
    A sliding window pattern: put it on top of a causal mask.
    """

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return kv_idx > q_idx - sliding_window

    return inner_mask


def add_offsets_to_mask_function(
    mask_function: Callable, q_offset: int, kv_offset: int
) -> Callable:
    """
    Adds the offsets to `q_idx` and `kv_idx`: the torch API only takes lengths.
    """

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return mask_function(batch_idx, head_idx, q_idx + q_offset, kv_idx + kv_offset)

    return inner_mask


mask_mod = add_offsets_to_mask_function(
    and_masks(sliding_window_overlay(8), causal_mask_function), q_offset=20, kv_offset=12
)
