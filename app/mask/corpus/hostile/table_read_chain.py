# expect: LimitError
"""A lookup table read at its own value 400 times in a row inside mask_mod (a chain of 400
dependent gathers)."""

import torch

SEQ = 64
successor = (torch.arange(SEQ) + 1) % SEQ


def mask_mod(b, h, q_idx, kv_idx):
    position = q_idx
    for _ in range(400):
        position = successor[position]
    return position >= kv_idx
