# shape: B=2 H=2 Q=8 KV=8
"""Soft-capping from attention-gym (approximate tanh), with a causal mask, composed by hand:
head 1 caps twice as hard."""

from attn_gym.masks import causal_mask
from attn_gym.mods import generate_tanh_softcap

gentle = generate_tanh_softcap(30, approx=True)
hard = generate_tanh_softcap(3)
assert gentle.__name__ == "tanh_softcap_approx_30" and hard.__name__ == "tanh_softcap_3"


def score_mod(score, b, h, q_idx, kv_idx):
    capped = gentle(score, b, h, q_idx, kv_idx)
    return capped + (h == 1) * (hard(score, b, h, q_idx, kv_idx) - capped)


mask_mod = causal_mask
