# shape: B=1 H=1 Q=40 KV=40
"""Sliding Tile Attention with text: a 6 x 6 image in 2 x 2 tiles with a window of 2 x 2 tiles
(even, so it reaches one tile back and none forward), then 2 text tokens and 2 padding keys.

Original repo: https://github.com/hao-ai-lab/FastVideo
"""

import torch
from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_sta_mask_mod_2d(
    canvas_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    tile_hw: tuple[int, int],
    text_seq_len: int = 0,
) -> _mask_mod_signature:
    """Generates a 2D STA mask with a given kernel size.

    Args:
        canvas_hw (Tuple[int, int]): The shape of the canvas (height, width).
        kernel_hw (Tuple[int, int]): The shape of the kernel (height, width).
        tile_hw (Tuple[int, int]): The shape of the tile (height, width).
        text_seq_len (int): The number of text tokens after the image.
    """
    canvas_h, canvas_w = canvas_hw
    kernel_h, kernel_w = kernel_hw
    tile_h, tile_w = tile_hw
    tile_numel = tile_h * tile_w
    assert canvas_h % tile_h == 0, (
        f"Canvas height {canvas_h} is not divisible by tile height {tile_h}"
    )
    assert canvas_w % tile_w == 0, (
        f"Canvas width {canvas_w} is not divisible by tile width {tile_w}"
    )
    assert kernel_h % tile_h == 0, (
        f"Kernel height {kernel_h} is not divisible by tile height {tile_h}"
    )
    assert kernel_w % tile_w == 0, (
        f"Kernel width {kernel_w} is not divisible by tile width {tile_w}"
    )
    canvas_tile_h, canvas_tile_w = canvas_h // tile_h, canvas_w // tile_w
    kernel_tile_h, kernel_tile_w = kernel_h // tile_h, kernel_w // tile_w
    vision_seq_len = canvas_h * canvas_w

    def get_h_w_idx_tiled(idx: IntTensor) -> tuple[IntTensor, IntTensor]:
        tile_id = idx // tile_numel
        tile_h_idx = tile_id // canvas_tile_w
        tile_w_idx = tile_id % canvas_tile_w
        return tile_h_idx, tile_w_idx

    def get_border(kernel_size: IntTensor) -> tuple[IntTensor, IntTensor]:
        left_border = kernel_size // 2
        right_border = kernel_size // 2 + (kernel_size % 2 - 1)
        return left_border, right_border

    def sta_mask_mod_2d(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_tile_h, q_tile_w = get_h_w_idx_tiled(q_idx)
        kv_tile_h, kv_tile_w = get_h_w_idx_tiled(kv_idx)
        left_border_h, right_border_h = get_border(kernel_tile_h)
        left_border_w, right_border_w = get_border(kernel_tile_w)
        kernel_center_h = q_tile_h.clamp(left_border_h, (canvas_tile_h - 1) - right_border_h)
        kernel_center_w = q_tile_w.clamp(left_border_w, (canvas_tile_w - 1) - right_border_w)
        h_mask = (kv_tile_h >= kernel_center_h - left_border_h) & (
            kv_tile_h <= kernel_center_h + right_border_h
        )
        w_mask = (kv_tile_w >= kernel_center_w - left_border_w) & (
            kv_tile_w <= kernel_center_w + right_border_w
        )
        vision_mask = (q_idx < vision_seq_len) & (kv_idx < vision_seq_len)
        vision_to_text_mask = (
            (q_idx < vision_seq_len)
            & (kv_idx >= vision_seq_len)
            & (kv_idx < vision_seq_len + text_seq_len)
        )
        text_to_all_mask = (q_idx >= vision_seq_len) & (kv_idx < vision_seq_len + text_seq_len)
        return (vision_mask & h_mask & w_mask) | vision_to_text_mask | text_to_all_mask

    sta_mask_mod_2d.__name__ = (
        f"sta_2d_c{canvas_h}x{canvas_w}_k{kernel_h}x{kernel_w}_t{tile_h}x{tile_w}"
    )
    return sta_mask_mod_2d


mask_mod = generate_sta_mask_mod_2d(
    canvas_hw=(6, 6), kernel_hw=(4, 4), tile_hw=(2, 2), text_seq_len=2
)
