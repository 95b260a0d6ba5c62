# expect: TypeError
"""A config value read as a string and used as a number."""

config = {"sliding_window": "4"}
WINDOW = config["sliding_window"] + 1


def mask_mod(b, h, q_idx, kv_idx):
    return (q_idx >= kv_idx) & (q_idx - kv_idx < WINDOW)
