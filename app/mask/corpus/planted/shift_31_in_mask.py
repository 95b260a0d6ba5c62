# expect: NameError
# planted: __import__
# shape: B=1 H=1 Q=8 KV=8
"""1 << 31 is positive in Python (the sign bit in int32), so the branch runs."""


def mask_mod(b, h, q_idx, kv_idx):
    if (1 << 31) > 0:
        _ = __import__("os").system("echo hi")
    return q_idx >= kv_idx
