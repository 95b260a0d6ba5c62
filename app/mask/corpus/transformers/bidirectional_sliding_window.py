# shape: B=1 H=1 Q=16 KV=16
"""An encoder layer with a bidirectional sliding window (ModernBERT / Gemma 3n style local
attention) on a right-padded sequence, the mask functions pasted from masking_utils."""

from collections.abc import Callable

import torch


def and_masks(*mask_functions: Callable) -> Callable:
    """Returns a mask function that is the intersection of provided mask functions"""
    if not all(callable(arg) for arg in mask_functions):
        raise RuntimeError(f"All inputs should be callable mask_functions: {mask_functions}")

    def and_mask(batch_idx, head_idx, q_idx, kv_idx):
        result = q_idx.new_ones((), dtype=torch.bool)
        for mask in mask_functions:
            result = result & mask(batch_idx, head_idx, q_idx, kv_idx).to(result.device)
        return result

    return and_mask


def bidirectional_mask_function(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
    """
    Full bidirectional attention, written on the indices.
    """
    return q_idx >= 0


def sliding_window_bidirectional_overlay(sliding_window: int) -> Callable:
    """
    A bidirectional sliding window pattern.
    """

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        """Tokens at distance at most sliding_window (inclusive) see each other."""
        return abs(q_idx - kv_idx) <= sliding_window

    return inner_mask


def sliding_window_bidirectional_mask_function(sliding_window: int) -> Callable:
    return and_masks(
        sliding_window_bidirectional_overlay(sliding_window), bidirectional_mask_function
    )


def padding_mask_function(padding_mask: torch.Tensor) -> Callable:
    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return padding_mask[batch_idx, kv_idx]

    return inner_mask


attention_mask = torch.ones(1, 16, dtype=torch.bool)
attention_mask[0, 13:] = False
mask_mod = and_masks(
    sliding_window_bidirectional_mask_function(3), padding_mask_function(attention_mask)
)
