# shape: B=1 H=1 Q=48 KV=48
"""Sliding Tile Attention on a short video: 3 frames of 4 x 4 in tiles of 1 x 2 x 2, a kernel of
2 x 2 x 1 tiles (even sizes: the window reaches back one tile and forward none).

Original repo: https://github.com/hao-ai-lab/FastVideo
"""

import torch
from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_sta_mask_mod_3d(
    canvas_twh: tuple[int, int, int],
    kernel_twh: tuple[int, int, int],
    tile_twh: tuple[int, int, int],
    text_seq_len: int = 0,
) -> _mask_mod_signature:
    """Generates a 3D STA mask with a given kernel size.

    Args:
        canvas_twh (Tuple[int, int, int]): The shape of the canvas (time, height, width).
        kernel_twh (Tuple[int, int, int]): The shape of the kernel (time, height, width).
        tile_twh (Tuple[int, int, int]): The shape of the tile (time, height, width).
        text_seq_len (int): The number of text tokens after the video.
    """
    canvas_t, canvas_h, canvas_w = canvas_twh
    kernel_t, kernel_h, kernel_w = kernel_twh
    tile_t, tile_h, tile_w = tile_twh
    tile_numel = tile_t * tile_h * tile_w
    for name, canvas, kernel, tile in (
        ("time", canvas_t, kernel_t, tile_t),
        ("height", canvas_h, kernel_h, tile_h),
        ("width", canvas_w, kernel_w, tile_w),
    ):
        assert canvas % tile == 0, f"Canvas {name} {canvas} is not divisible by tile {name} {tile}"
        assert kernel % tile == 0, f"Kernel {name} {kernel} is not divisible by tile {name} {tile}"
    canvas_tile_t, canvas_tile_h, canvas_tile_w = (
        canvas_t // tile_t,
        canvas_h // tile_h,
        canvas_w // tile_w,
    )
    kernel_tile_t, kernel_tile_h, kernel_tile_w = (
        kernel_t // tile_t,
        kernel_h // tile_h,
        kernel_w // tile_w,
    )
    vision_seq_len = canvas_t * canvas_h * canvas_w

    def get_t_h_w_idx_tiled(idx: IntTensor) -> tuple[IntTensor, IntTensor, IntTensor]:
        tile_id = idx // tile_numel
        tile_t_idx = tile_id // (canvas_tile_h * canvas_tile_w)
        tile_h_idx = (tile_id % (canvas_tile_h * canvas_tile_w)) // canvas_tile_w
        tile_w_idx = tile_id % canvas_tile_w
        return tile_t_idx, tile_h_idx, tile_w_idx

    def get_border(kernel_size: IntTensor) -> tuple[IntTensor, IntTensor]:
        left_border = kernel_size // 2
        right_border = kernel_size // 2 + (kernel_size % 2 - 1)
        return left_border, right_border

    def in_window(q_tile, kv_tile, kernel_tiles, canvas_tiles):
        left_border, right_border = get_border(kernel_tiles)
        center = q_tile.clamp(left_border, (canvas_tiles - 1) - right_border)
        return (kv_tile >= center - left_border) & (kv_tile <= center + right_border)

    def sta_mask_mod_3d(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_tile_t, q_tile_h, q_tile_w = get_t_h_w_idx_tiled(q_idx)
        kv_tile_t, kv_tile_h, kv_tile_w = get_t_h_w_idx_tiled(kv_idx)
        t_mask = in_window(q_tile_t, kv_tile_t, kernel_tile_t, canvas_tile_t)
        h_mask = in_window(q_tile_h, kv_tile_h, kernel_tile_h, canvas_tile_h)
        w_mask = in_window(q_tile_w, kv_tile_w, kernel_tile_w, canvas_tile_w)
        vision_mask = (q_idx < vision_seq_len) & (kv_idx < vision_seq_len)
        vision_to_text_mask = (
            (q_idx < vision_seq_len)
            & (kv_idx >= vision_seq_len)
            & (kv_idx < vision_seq_len + text_seq_len)
        )
        text_to_all_mask = (q_idx >= vision_seq_len) & (kv_idx < vision_seq_len + text_seq_len)
        return (vision_mask & t_mask & w_mask & h_mask) | vision_to_text_mask | text_to_all_mask

    sta_mask_mod_3d.__name__ = (
        f"sta_3d_c{canvas_t}x{canvas_h}x{canvas_w}"
        f"_k{kernel_t}x{kernel_h}x{kernel_w}_t{tile_t}x{tile_h}x{tile_w}"
    )
    return sta_mask_mod_3d


mask_mod = generate_sta_mask_mod_3d(canvas_twh=(3, 4, 4), kernel_twh=(2, 4, 2), tile_twh=(1, 2, 2))
