# shape: B=2 H=1 Q=12 KV=12
"""Packed sequences without an attention mask: transformers finds the packing from position_ids
(a new sequence starts wherever the position does not go up by one). Functions pasted from
masking_utils."""

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
    return kv_idx <= q_idx


def packed_sequence_mask_function(packed_sequence_mask: torch.Tensor) -> Callable:
    """
    The mask function of a 2D packed sequence mask.
    """

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return packed_sequence_mask[batch_idx, q_idx] == packed_sequence_mask[batch_idx, kv_idx]

    return inner_mask


def find_packed_sequence_indices(position_ids: torch.Tensor) -> torch.Tensor:
    """The index of the packed sequence every token belongs to, e.g. [0, 0, 1, 1, 1, 2]."""
    first_dummy_value = position_ids[:, :1] - 1  # so the first token never starts a sequence
    position_diff = torch.diff(position_ids, prepend=first_dummy_value, dim=-1)
    return (position_diff != 1).cumsum(-1)


position_ids = torch.tensor(
    [
        [0, 1, 2, 0, 1, 0, 1, 2, 3, 4, 0, 1],
        [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4],
    ]
)
packed_sequence_mask = find_packed_sequence_indices(position_ids)
mask_mod = and_masks(causal_mask_function, packed_sequence_mask_function(packed_sequence_mask))
