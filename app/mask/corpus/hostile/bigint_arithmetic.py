# expect: LimitError
"""A million-digit number, then more arithmetic on it."""

huge = 10**1000000
WINDOW = (huge * huge + 3) % 7


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW
