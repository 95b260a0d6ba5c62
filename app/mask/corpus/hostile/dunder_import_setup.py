# expect: NameError
"""Reaching for the os module through __import__ at setup."""

__import__("os").system("x")


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
