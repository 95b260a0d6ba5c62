"""NATTEN over a canvas stored tile by tile."""

import torch
from torch import IntTensor, BoolTensor
from torch.nn.attention.flex_attention import _mask_mod_signature
from typing import Tuple


def generate_tiled_natten(
    W: int,
    H: int,
    K_W: int,
    K_H: int,
    T_W: int,
    T_H: int,
) -> _mask_mod_signature:
    """Builds a NATTEN mask mod for a tile-major token order.

    Args:
        W, H: canvas width and height.
        K_W, K_H: neighbourhood width and height.
        T_W, T_H: tile width and height; tiles are row-major, and so are the pixels in a tile.
    """

    def tiled_to_x_y(idx: IntTensor) -> Tuple[IntTensor, IntTensor]:
        tile = idx // (T_W * T_H)
        in_tile = idx % (T_W * T_H)
        tiles_per_row = W // T_W
        x = (tile % tiles_per_row) * T_W + in_tile % T_W
        y = (tile // tiles_per_row) * T_H + in_tile // T_W
        return x, y

    def tiled_natten_mask(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_x, q_y = tiled_to_x_y(q_idx)
        kv_x, kv_y = tiled_to_x_y(kv_idx)
        centre_x = q_x.clamp(K_W // 2, (W - 1) - K_W // 2)
        centre_y = q_y.clamp(K_H // 2, (H - 1) - K_H // 2)
        return ((centre_x - kv_x).abs() <= K_W // 2) & ((centre_y - kv_y).abs() <= K_H // 2)

    return tiled_natten_mask


mask_mod = generate_tiled_natten(W=6, H=6, K_W=3, K_H=3, T_W=2, T_H=2)
