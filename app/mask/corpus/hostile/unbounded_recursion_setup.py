# expect: RecursionError
"""A recursive helper that forgot its base case, called at setup."""


def depth_of(n):
    return depth_of(n + 1)


WINDOW = depth_of(0)


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW
