# expect: NameError
"""eval() of a string at setup."""

WINDOW = eval("__import__('os').getpid() % 8")


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW
