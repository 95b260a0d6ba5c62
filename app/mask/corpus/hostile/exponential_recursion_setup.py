# expect: LimitError
"""Counts the leaves of a binary tree of depth 64 the slow way, at setup: 2**64 calls."""


def leaves(depth):
    if depth == 0:
        return 1
    return leaves(depth - 1) + leaves(depth - 1)


WINDOW = leaves(64) % 7


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW
