# expect: NameError
# planted: eval(
# shape: B=1 H=1 Q=8 KV=8
"""eval() behind a power that overflows 32 bits, inside a helper mask_mod calls."""

LIMIT = 2**32


def check(q_idx):
    if LIMIT - 1 > 2**31:
        eval("print('hi')")
    return q_idx >= 0


def mask_mod(b, h, q_idx, kv_idx):
    return check(q_idx) & (q_idx >= kv_idx)
