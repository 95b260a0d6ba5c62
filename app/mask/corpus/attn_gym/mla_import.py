# shape: B=2 H=2 Q=6 KV=6
"""MLA's RoPE score mod from attention-gym, scale 0.25, with sinusoidal embeddings that differ per
batch row (position offsets 0 and 3), and a causal mask."""

import math

import torch

from attn_gym.masks import causal_mask
from attn_gym.mods import generate_mla_rope_score_mod

B, H, S, D = 2, 2, 6, 6
offsets = torch.tensor([0.0, 3.0]).view(B, 1, 1)
positions = torch.arange(S, dtype=torch.float32).view(1, S, 1) + offsets
frequencies = torch.exp(-math.log(100.0) * torch.arange(D // 2, dtype=torch.float32) / (D // 2))
angles = positions * frequencies
embedding = torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1).unsqueeze(1)
query_rope = embedding.expand(B, H, S, D)
key_rope = embedding
score_mod = generate_mla_rope_score_mod(query_rope, key_rope, num_heads=H, scale=0.25)
assert score_mod.__name__ == "mla_rope_score_mod_scale_0.25"
mask_mod = causal_mask
