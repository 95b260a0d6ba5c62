# expect: AttributeError
"""getattr() to reach a torch function by name."""

import torch

loader = getattr(torch, "lo" + "ad")
weights = loader("/tmp/weights.pt")


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
