# expect: LimitError
"""A list nested a billion deep, built by a loop at setup."""

nested = []
for _ in range(10**9):
    nested = [nested]


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
