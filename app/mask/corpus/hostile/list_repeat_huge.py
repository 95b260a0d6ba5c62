# expect: LimitError
"""A list of ten billion zeros."""

zeros = [0] * 10**10


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
