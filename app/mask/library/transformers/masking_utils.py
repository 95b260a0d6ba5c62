"""flexmask's implementation of the mask functions of Hugging Face transformers'
`masking_utils` (and_masks, or_masks, the causal / bidirectional / sliding-window / chunked /
blockwise / padding / packed-sequence mask functions and overlays, add_offsets_to_mask_function,
prepare_padding_mask, maybe_pad_block_sequence_ids), written from their documented behaviour.

Every mask function takes (batch_idx, head_idx, q_idx, kv_idx) and returns whether the query may
attend to the key. An "overlay" is meant to be combined with a causal or bidirectional mask.
"""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch.nn.attention.flex_attention import and_masks as _flex_and_masks
from torch.nn.attention.flex_attention import or_masks as _flex_or_masks


def and_masks(*mask_functions: Callable) -> Callable:
    """The intersection of the given mask functions."""
    if not all(callable(mask) for mask in mask_functions):
        raise RuntimeError(f"All inputs should be callable mask_functions: {mask_functions}")
    return _flex_and_masks(*mask_functions)


def or_masks(*mask_functions: Callable) -> Callable:
    """The union of the given mask functions."""
    if not all(callable(mask) for mask in mask_functions):
        raise RuntimeError(f"All inputs should be callable mask_functions: {mask_functions}")
    return _flex_or_masks(*mask_functions)


def causal_mask_function(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
    """Lower-triangular causal attention: keys up to and including the query's position."""
    return kv_idx <= q_idx


def bidirectional_mask_function(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
    """Full attention (written on the indices so it also works without vmap)."""
    return q_idx >= 0


def sliding_window_overlay(sliding_window: int) -> Callable:
    """Keeps the `sliding_window` most recent keys up to the query: kv_idx > q_idx - sliding_window.
    On top of a causal mask that is the query itself plus sliding_window - 1 earlier keys."""

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return kv_idx > q_idx - sliding_window

    return inner_mask


def chunked_overlay(chunk_size: int, left_padding: torch.Tensor) -> Callable:
    """Keeps keys in the query's chunk; chunks of `chunk_size` are counted from each batch row's
    first real token (after its `left_padding[batch_idx]` pad tokens)."""

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        pad = left_padding[batch_idx]
        return (kv_idx - pad) // chunk_size == (q_idx - pad) // chunk_size

    return inner_mask


def blockwise_overlay(block_sequence_ids: torch.Tensor) -> Callable:
    """Keeps pairs in the same block: block_sequence_ids[batch, position] names each position's
    block, and -1 marks positions in no block (text, in multimodal models). Blocks attend to
    themselves bidirectionally."""

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        q_block = block_sequence_ids[batch_idx, q_idx]
        kv_block = block_sequence_ids[batch_idx, kv_idx]
        return (q_block >= 0) & (q_block == kv_block)

    return inner_mask


def sliding_window_causal_mask_function(sliding_window: int) -> Callable:
    """Causal attention over the last `sliding_window` positions (the query included)."""
    return and_masks(sliding_window_overlay(sliding_window), causal_mask_function)


def sliding_window_bidirectional_overlay(sliding_window: int) -> Callable:
    """Keeps keys at distance at most `sliding_window` from the query, on either side."""

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return abs(q_idx - kv_idx) <= sliding_window

    return inner_mask


def sliding_window_bidirectional_mask_function(sliding_window: int) -> Callable:
    """Bidirectional attention within `sliding_window` positions of the query."""
    return and_masks(
        sliding_window_bidirectional_overlay(sliding_window), bidirectional_mask_function
    )


def chunked_causal_mask_function(chunk_size: int, left_padding: torch.Tensor) -> Callable:
    """Causal attention inside chunks of `chunk_size` tokens (see chunked_overlay)."""
    return and_masks(chunked_overlay(chunk_size, left_padding), causal_mask_function)


def padding_mask_function(padding_mask: torch.Tensor) -> Callable:
    """Keeps keys that are real tokens: padding_mask[batch_idx, kv_idx]. The 2D mask must already
    cover every key index used (see prepare_padding_mask)."""

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return padding_mask[batch_idx, kv_idx]

    return inner_mask


def packed_sequence_mask_function(packed_sequence_mask: torch.Tensor) -> Callable:
    """Keeps pairs from the same packed sequence: packed_sequence_mask[batch, position] holds each
    position's sequence index."""

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        q_sequence = packed_sequence_mask[batch_idx, q_idx]
        return q_sequence == packed_sequence_mask[batch_idx, kv_idx]

    return inner_mask


def add_offsets_to_mask_function(
    mask_function: Callable, q_offset: int, kv_offset: int
) -> Callable:
    """Shifts the indices a mask function sees: flex attention only knows lengths, so a query block
    that starts at q_offset (and keys from kv_offset) are passed on as absolute positions."""

    def inner_mask(batch_idx: int, head_idx: int, q_idx: int, kv_idx: int) -> bool:
        return mask_function(batch_idx, head_idx, q_idx + q_offset, kv_idx + kv_offset)

    return inner_mask


def prepare_padding_mask(
    attention_mask: torch.Tensor | None, kv_length: int, kv_offset: int
) -> torch.Tensor | None:
    """The 2D padding mask, padded on the right (with False) so it covers kv_length + kv_offset
    positions; None stays None."""
    if attention_mask is None:
        return None
    missing = kv_length + kv_offset - attention_mask.shape[-1]
    if missing > 0:
        return F.pad(attention_mask, (0, missing))
    return attention_mask


def maybe_pad_block_sequence_ids(
    block_sequence_ids: torch.Tensor,
    attention_mask: torch.Tensor | None,
    kv_length: int,
    kv_offset: int,
) -> torch.Tensor:
    """`block_sequence_ids` padded on the right with -1 (no block) to kv_length + kv_offset
    positions, when shorter (static caches, generation without a cache)."""
    missing = kv_length + kv_offset - block_sequence_ids.shape[-1]
    if missing > 0:
        return F.pad(block_sequence_ids, pad=(0, missing), value=-1)
    return block_sequence_ids
