# expect: ok
# planted: __import__
# shape: B=1 H=1 Q=10 KV=10
"""A default argument that is a lambda holding the call; mask_mod is always called with four
arguments, so the default is never used, let alone called."""


def mask_mod(b, h, q_idx, kv_idx, on_error=lambda: __import__("os").system("echo hi")):
    return (q_idx >= kv_idx) & (q_idx % 2 == kv_idx % 2)
