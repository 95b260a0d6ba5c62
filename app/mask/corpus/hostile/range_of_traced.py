# expect: RuntimeError
"""range() over a traced index, which needs it as a Python int."""


def mask_mod(b, h, q_idx, kv_idx):
    seen = kv_idx < 0
    for k in range(q_idx):
        seen = seen | (kv_idx == k)
    return seen
