"""flexmask's implementation of attention-gym's `batchify_mask_mod`, written from its documented
behaviour."""

from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def batchify_mask_mod(mask_mod: _mask_mod_signature, batchify_size: int) -> _mask_mod_signature:
    """Cuts the sequence into groups of `batchify_size` tokens: attention stays inside a group, and
    `mask_mod` sees positions counted from the group's start.

    Args:
        mask_mod: the mask applied inside every group.
        batchify_size: tokens per group.
    """

    def batched_mask_mod(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor):
        same_group = q_idx // batchify_size == kv_idx // batchify_size
        inner = mask_mod(b, h, q_idx % batchify_size, kv_idx % batchify_size)
        return same_group & inner

    batched_mask_mod.__name__ = f"batched_mask_mod_{mask_mod.__name__}_batch_size_{batchify_size}"
    return batched_mask_mod
