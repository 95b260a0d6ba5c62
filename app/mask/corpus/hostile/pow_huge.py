# expect: LimitError
"""An integer with a hundred million bits."""

big = 2**10**8
WINDOW = big % 5


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW
