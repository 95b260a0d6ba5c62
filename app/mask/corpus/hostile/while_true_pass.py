# expect: LimitError
"""An empty infinite loop at setup."""

while True:
    pass


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
