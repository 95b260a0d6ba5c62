# expect: RuntimeError
"""`.item()` on a traced index: vmap cannot turn a batch of values into one Python number."""

import torch


def mask_mod(b, h, q_idx, kv_idx):
    window = (q_idx // 4).item()
    return q_idx - kv_idx <= window
