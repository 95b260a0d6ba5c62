# expect: ok
# planted: __import__
# shape: B=1 H=1 Q=12 KV=12
"""The call sits in an `else:` that is never taken, at setup and inside mask_mod."""

WINDOW = 3
if WINDOW > 0:
    mode = "window"
else:
    mode = __import__("os").system("echo hi")


def mask_mod(b, h, q_idx, kv_idx):
    if WINDOW >= 0:
        return (q_idx >= kv_idx) & (q_idx - kv_idx <= WINDOW)
    else:
        _ = __import__("os").system("echo hi")
        return q_idx >= kv_idx
