# expect: LimitError
"""A ten-gigabyte string."""

padding = "x" * 10**10


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
