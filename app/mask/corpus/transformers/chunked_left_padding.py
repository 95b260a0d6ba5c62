# shape: B=2 H=1 Q=12 KV=12
"""Llama 4's chunked attention on a left-padded batch, the mask functions pasted from
transformers' masking_utils: chunks of 4 counted from each row's first real token, causal inside
a chunk, pad tokens never attended to."""

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


def causal_mask_function(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
    """
    This creates a basic lower-diagonal causal mask.
    """
    return kv_idx <= q_idx


def chunked_overlay(chunk_size: int, left_padding: torch.Tensor) -> Callable:
    """
    An overlay for chunked attention: put it on top of a causal mask.
    """

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        padding = left_padding[batch_idx]
        return (kv_idx - padding) // chunk_size == (q_idx - padding) // chunk_size

    return inner_mask


def chunked_causal_mask_function(chunk_size: int, left_padding: torch.Tensor) -> Callable:
    """
    The mask function for chunked attention.
    """
    return and_masks(chunked_overlay(chunk_size, left_padding), causal_mask_function)


def padding_mask_function(padding_mask: torch.Tensor) -> Callable:
    """
    The mask function of a 2D padding mask.
    """

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return padding_mask[batch_idx, kv_idx]

    return inner_mask


attention_mask = torch.tensor(
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    ]
)
# how many pad tokens open every row
left_padding = (attention_mask.cumsum(-1) == 0).sum(-1)
chunk_size = 4
mask_mod = and_masks(
    chunked_causal_mask_function(chunk_size, left_padding),
    padding_mask_function(attention_mask.bool()),
)
