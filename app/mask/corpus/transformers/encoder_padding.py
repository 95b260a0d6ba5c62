# shape: B=3 H=1 Q=8 KV=8
"""A BERT-like encoder on a padded batch: full attention to every real token. The mask
functions are pasted from masking_utils, or_masks too, to let a [CLS] token see the padding."""

from collections.abc import Callable

import torch


def and_masks(*mask_functions: Callable) -> Callable:
    if not all(callable(arg) for arg in mask_functions):
        raise RuntimeError(f"All inputs should be callable mask_functions: {mask_functions}")

    def and_mask(batch_idx, head_idx, q_idx, kv_idx):
        result = q_idx.new_ones((), dtype=torch.bool)
        for mask in mask_functions:
            result = result & mask(batch_idx, head_idx, q_idx, kv_idx).to(result.device)
        return result

    return and_mask


def or_masks(*mask_functions: Callable) -> Callable:
    if not all(callable(arg) for arg in mask_functions):
        raise RuntimeError(f"All inputs should be callable mask_functions: {mask_functions}")

    def or_mask(batch_idx, head_idx, q_idx, kv_idx):
        result = q_idx.new_zeros((), dtype=torch.bool)
        for mask in mask_functions:
            result = result | mask(batch_idx, head_idx, q_idx, kv_idx).to(result.device)
        return result

    return or_mask


def bidirectional_mask_function(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
    return q_idx >= 0


def padding_mask_function(padding_mask: torch.Tensor) -> Callable:
    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return padding_mask[batch_idx, kv_idx]

    return inner_mask


def cls_query(batch_idx, head_idx, q_idx, kv_idx):
    return q_idx == 0


lengths = [8, 5, 2]
attention_mask = torch.tensor([[1] * n + [0] * (8 - n) for n in lengths]).bool()
mask_mod = or_masks(
    and_masks(bidirectional_mask_function, padding_mask_function(attention_mask)), cls_query
)
