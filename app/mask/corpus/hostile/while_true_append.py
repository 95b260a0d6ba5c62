# expect: LimitError
"""An infinite loop that grows a list at setup."""

xs = []
while True:
    xs.append(1)


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
