# shape: B=1 H=4 Q=12 KV=12
"""Sandwich from attention-gym with the paper's d_bar = 128, no mask."""

from attn_gym.mods import generate_sandwich_bias

score_mod = generate_sandwich_bias(H=4, max_seq_len=12)
