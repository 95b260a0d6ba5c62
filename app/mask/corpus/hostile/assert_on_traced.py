# expect: RuntimeError
"""An assert inside mask_mod looks at a traced value (bool() of a batched tensor)."""


def mask_mod(b, h, q_idx, kv_idx):
    assert q_idx >= 0, "indices are never negative"
    return q_idx >= kv_idx
