# shape: B=1 H=1 Q=36 KV=36
"""NATTEN on a 6 x 6 canvas stored in 2 x 2 tiles (tile by tile, row-major inside a tile)."""

import torch
from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_tiled_natten(
    W: int,
    H: int,
    K_W: int,
    K_H: int,
    T_W: int,
    T_H: int,
) -> _mask_mod_signature:
    """Generates a NATTEN attention mask with a given kernel size and static tiling.

    Args:
        W: The width of the canvas.
        H: The height of the canvas.
        K_W: The width of the kernel.
        K_H: The height of the kernel.
        T_W: The width of the tile.
        T_H: The height of the tile.
    """
    assert W % T_W == 0 and H % T_H == 0, f"tiles of {T_W}x{T_H} do not cover a {W}x{H} canvas"

    def get_x_y_tiled(idx: IntTensor) -> tuple[IntTensor, IntTensor]:
        """Maps a 1-D index to 2-D coordinates for static tiles of T_H x T_W."""
        t_id = idx // (T_H * T_W)
        t_y, t_x = t_id // (W // T_W), t_id % (W // T_W)
        t_offset = idx % (T_H * T_W)
        i_y, i_x = t_offset // T_W, t_offset % T_W
        return t_x * T_W + i_x, t_y * T_H + i_y

    def tiled_natten_mask(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_x, q_y = get_x_y_tiled(q_idx)
        kv_x, kv_y = get_x_y_tiled(kv_idx)
        kernel_x = q_x.clamp(K_W // 2, (W - 1) - K_W // 2)
        kernel_y = q_y.clamp(K_H // 2, (H - 1) - K_H // 2)
        hori_mask = (kernel_x - kv_x).abs() <= K_W // 2
        vert_mask = (kernel_y - kv_y).abs() <= K_H // 2
        return hori_mask & vert_mask

    tiled_natten_mask.__name__ = f"tiled_natten_c{W}x{H}_k{K_W}x{K_H}_t{T_W}x{T_H}"
    return tiled_natten_mask


mask_mod = generate_tiled_natten(W=6, H=6, K_W=3, K_H=3, T_W=2, T_H=2)
