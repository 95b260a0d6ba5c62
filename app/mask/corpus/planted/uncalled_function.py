# expect: ok
# planted: __import__
# shape: B=1 H=1 Q=12 KV=12
"""A function holding the call is defined and never called: the program is fine, and its export
must not carry the call."""


def _debug_dump():
    _ = __import__("os").system("echo hi")


def mask_mod(b, h, q_idx, kv_idx):
    return (q_idx >= kv_idx) & (q_idx - kv_idx <= 3)
