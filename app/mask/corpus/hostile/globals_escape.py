# expect: NameError
"""globals() to find the builtins."""

builtins_module = globals()["__builtins__"]


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
