# expect: ok
# planted: __import__
# shape: B=1 H=1 Q=10 KV=10
"""`and` / `or` that never evaluate their right side."""

DEBUG = False
os_module = DEBUG and __import__("os")
ready = True or __import__("os").system("echo hi")


def mask_mod(b, h, q_idx, kv_idx):
    _ = (not ready) and __import__("os").system("echo hi")
    return (q_idx >= kv_idx) & (os_module is False)
