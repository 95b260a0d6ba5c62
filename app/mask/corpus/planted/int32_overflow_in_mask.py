# expect: NameError
# planted: __import__
# shape: B=1 H=1 Q=8 KV=8
"""A branch that looks dead to anyone computing in int32 (2147483647 + 1 wraps to a negative
number there). In Python it is taken, so the call in it runs and must be refused."""


def mask_mod(b, h, q_idx, kv_idx):
    if 2147483647 + 1 > 0:
        _ = __import__("os").system("echo hi")
    return q_idx >= kv_idx
