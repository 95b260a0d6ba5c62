# shape: B=1 H=1 Q=12 KV=12
"""Batchify: split the sequence into groups of tokens that only attend within their group."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature, noop_mask


def batchify_mask_mod(mask_mod: _mask_mod_signature, batchify_size: int) -> _mask_mod_signature:
    """Given an arbitrary mask_mod, only allow attention inside groups of `batchify_size`.

    Args:
        mask_mod: The mask mod applied inside each group.
        batchify_size: The number of tokens in each group.
    """

    def batched_mask_mod(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor):
        # which group the query and the key fall in
        q_batch = q_idx // batchify_size
        kv_batch = kv_idx // batchify_size
        same_batch = q_batch == kv_batch
        # the inner mask sees positions inside the group
        inner_mask = mask_mod(b, h, q_idx % batchify_size, kv_idx % batchify_size)
        return same_batch & inner_mask

    batched_mask_mod.__name__ = f"batched_mask_mod_{mask_mod.__name__}_batch_size_{batchify_size}"
    return batched_mask_mod


mask_mod = batchify_mask_mod(noop_mask, 4)
