# expect: RecursionError
"""Unbounded recursion inside mask_mod, on the traced index."""


def climb(x):
    return climb(x + 1)


def mask_mod(b, h, q_idx, kv_idx):
    return climb(kv_idx) >= q_idx
