"""The standard causal mask, as attention-gym spells it."""

import torch
from torch import Tensor


def causal_mask(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
    """A query attends to its own position and every earlier one."""
    return q_idx >= kv_idx


mask_mod = causal_mask
