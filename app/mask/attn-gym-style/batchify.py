"""Cut the sequence into fixed-size groups and mask across them."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def batchify_mask_mod(mask_mod: _mask_mod_signature, batchify_size: int) -> _mask_mod_signature:
    """Allows attention only inside groups of `batchify_size` tokens.

    Args:
        mask_mod: the mask applied inside each group, on positions within the group.
        batchify_size: tokens per group.
    """

    def batched_mask_mod(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor):
        same_group = (q_idx // batchify_size) == (kv_idx // batchify_size)
        inner_mask = mask_mod(b, h, q_idx % batchify_size, kv_idx % batchify_size)
        return same_group & inner_mask

    return batched_mask_mod


mask_mod = batchify_mask_mod(causal_mask, 4)
