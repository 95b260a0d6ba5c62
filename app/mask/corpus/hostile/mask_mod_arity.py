# expect: TypeError
"""A mask_mod with two parameters: FlexAttention always passes four (b, h, q_idx, kv_idx)."""


def mask_mod(q_idx, kv_idx):
    return q_idx >= kv_idx
