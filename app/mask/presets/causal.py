# Causal attention: every token sees itself and the tokens before it.


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


mask_mod = causal
