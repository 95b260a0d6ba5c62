# expect: ok
# planted: __import__
# shape: B=1 H=1 Q=10 KV=10
"""Loops that run zero times, and a comprehension over nothing, holding the call."""

for _ in range(0):
    __import__("os").system("echo hi")
while False:
    __import__("os").system("echo hi")
results = [__import__("os").system("echo hi") for _ in []]


def mask_mod(b, h, q_idx, kv_idx):
    for _ in range(0):
        __import__("os").system("echo hi")
    return (q_idx >= kv_idx) & (len(results) == 0)
