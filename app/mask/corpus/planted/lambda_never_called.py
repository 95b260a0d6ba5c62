# expect: ok
# planted: __import__
# shape: B=1 H=2 Q=10 KV=10
"""A lambda holding the call, stored and passed around but never called."""

escape = lambda: __import__("os").system("echo hi")  # noqa: E731
hooks = {"on_error": escape}


def mask_mod(b, h, q_idx, kv_idx):
    handler = hooks["on_error"]
    return (q_idx >= kv_idx) | (h == 1)
