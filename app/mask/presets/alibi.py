# ALiBi: a linear penalty on distance with a per-head slope 2 ** (-8 * (h + 1) / HEADS), on top of
# a causal mask (ALiBi was made for causal language models).
HEADS = 8


def alibi(score, b, h, q_idx, kv_idx):
    slope = 2 ** (-8 * (h + 1) / HEADS)
    return score + (kv_idx - q_idx) * slope


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


score_mod = alibi
mask_mod = causal
