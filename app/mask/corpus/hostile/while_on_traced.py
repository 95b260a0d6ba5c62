# expect: RuntimeError
"""A `while` loop whose condition depends on the traced indices."""


def mask_mod(b, h, q_idx, kv_idx):
    distance = q_idx - kv_idx
    while distance > 3:
        distance = distance - 3
    return distance >= 0
