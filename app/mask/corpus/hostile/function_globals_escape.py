# expect: AttributeError
"""A function's __globals__, to reach the module's builtins."""


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


found = causal.__globals__["__builtins__"]
mask_mod = causal
