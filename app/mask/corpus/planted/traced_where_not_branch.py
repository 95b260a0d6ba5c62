# expect: ok
# planted: __import__
# shape: B=1 H=1 Q=10 KV=10
"""torch.where picks between traced values (no Python branch); the only Python branch is on a
constant and skips the call."""

import torch

WINDOW = 2**31 - 1  # the largest int32: wide open


def mask_mod(b, h, q_idx, kv_idx):
    if WINDOW < 0:
        __import__("os").system("echo hi")
    return torch.where(q_idx >= kv_idx, q_idx - kv_idx < WINDOW, q_idx == kv_idx)
