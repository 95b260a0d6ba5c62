# expect: LimitError
"""A comprehension over a trillion numbers."""

squares = [i * i for i in range(10**12)]


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
