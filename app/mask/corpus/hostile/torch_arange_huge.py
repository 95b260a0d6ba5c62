# expect: LimitError
"""torch.arange over 2**40 positions."""

import torch

positions = torch.arange(2**40)


def mask_mod(b, h, q_idx, kv_idx):
    return positions[q_idx] >= positions[kv_idx]
