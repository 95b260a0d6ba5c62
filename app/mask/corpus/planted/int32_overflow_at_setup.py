# expect: NameError
# planted: __import__
# shape: B=1 H=1 Q=8 KV=8
"""The int32-overflow branch at setup, computed from a slider-like constant."""

BIG = 2147483647
if BIG + 1 > 0:
    _ = __import__("os").system("echo hi")


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
