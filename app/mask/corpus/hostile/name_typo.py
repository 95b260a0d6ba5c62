# expect: NameError
"""A typo in a helper's name, only found when mask_mod runs."""


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def mask_mod(b, h, q_idx, kv_idx):
    return casual_mask(b, h, q_idx, kv_idx) & (q_idx - kv_idx < 8)
