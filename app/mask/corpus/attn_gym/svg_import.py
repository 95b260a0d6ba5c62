# shape: B=1 H=2 Q=32 KV=32
"""Sparse VideoGen from attention-gym: head 0 spatial (with a sink), head 1 temporal, on a
4-token prompt and 4 frames of 7 tokens."""

import torch

from attn_gym.masks import generate_spatial_head_mask_mod, generate_temporal_head_mask_mod

video = dict(prompt_length=4, num_frames=4, token_per_frame=7)
spatial = generate_spatial_head_mask_mod(**video, width=1, attn_sink=True, round_width=2)
temporal = generate_temporal_head_mask_mod(**video, width=1)


def mask_mod(b, h, q_idx, kv_idx):
    return ((h == 0) & spatial(b, h, q_idx, kv_idx)) | ((h == 1) & temporal(b, h, q_idx, kv_idx))
