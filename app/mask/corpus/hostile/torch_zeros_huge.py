# expect: LimitError
"""A lookup table of a trillion elements."""

import torch

table = torch.zeros(10**6, 10**6)


def mask_mod(b, h, q_idx, kv_idx):
    return table[q_idx, kv_idx] == 0
