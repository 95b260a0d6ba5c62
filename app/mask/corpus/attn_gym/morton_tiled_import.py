# shape: B=1 H=2 Q=16 KV=16
"""Two NATTEN layouts from attention-gym on one 4 x 4 canvas: head 0 reads tiles, head 1 a Morton
curve, and the Morton helpers check each other at setup."""

import torch

from attn_gym.masks import generate_morton_natten, generate_tiled_natten
from attn_gym.masks.natten import morton_decode, morton_encode

for x in range(4):
    for y in range(4):
        assert morton_decode(morton_encode(x, y)) == (x, y), f"({x}, {y}) does not round-trip"

tiled = generate_tiled_natten(W=4, H=4, K_W=3, K_H=3, T_W=2, T_H=2)
morton = generate_morton_natten(canvas_w=4, canvas_h=4, kernel_w=3, kernel_h=3)


def mask_mod(b, h, q_idx, kv_idx):
    return torch.where(h == 0, tiled(b, h, q_idx, kv_idx), morton(b, h, q_idx, kv_idx))
