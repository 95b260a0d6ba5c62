# expect: RecursionError
"""Two functions that call each other with no way out."""


def is_even(n):
    return is_odd(n - 1)


def is_odd(n):
    return is_even(n - 1)


PARITY = is_even(10)


def mask_mod(b, h, q_idx, kv_idx):
    return (q_idx + kv_idx) % 2 == PARITY
