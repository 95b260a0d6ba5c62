# expect: RuntimeError
"""Python `if` on a traced value: under vmap the comparison is a tensor of many values, and
PyTorch refuses data-dependent control flow."""


def mask_mod(b, h, q_idx, kv_idx):
    if q_idx > kv_idx:
        return q_idx - kv_idx < 4
    return q_idx == kv_idx
