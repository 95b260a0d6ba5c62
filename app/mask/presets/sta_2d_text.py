# Sliding Tile Attention (STA) in 2-D with text, after attention-gym's masks/sta.py (FastVideo):
# TEXT_SEQ_LEN text tokens follow the 4x4 image. Image tokens see their window of whole tiles (here
# one tile: their own) plus all of the text; text tokens see every token, image and text.

from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature

CANVAS_H = 4
CANVAS_W = 4
KERNEL_H = 2
KERNEL_W = 2
TILE_H = 2
TILE_W = 2
TEXT_SEQ_LEN = 4


def generate_sta_mask_mod_2d(
    canvas_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    tile_hw: tuple[int, int],
    text_seq_len: int = 0,
) -> _mask_mod_signature:
    """Builds a 2-D sliding tile attention mask mod.

    Args:
        canvas_hw: the image's (height, width) in tokens.
        kernel_hw: the window's (height, width) in tokens, a whole number of tiles on each axis.
        tile_hw: the tile's (height, width); tiles are row-major, each tile's tokens contiguous.
        text_seq_len: text tokens stored after the image tokens (none by default).
    """
    canvas_h, canvas_w = canvas_hw
    kernel_h, kernel_w = kernel_hw
    tile_h, tile_w = tile_hw
    assert canvas_h % tile_h == 0, f"tile height {tile_h} does not divide canvas height {canvas_h}"
    assert canvas_w % tile_w == 0, f"tile width {tile_w} does not divide canvas width {canvas_w}"
    assert kernel_h % tile_h == 0, f"tile height {tile_h} does not divide kernel height {kernel_h}"
    assert kernel_w % tile_w == 0, f"tile width {tile_w} does not divide kernel width {kernel_w}"
    tiles_h, tiles_w = canvas_h // tile_h, canvas_w // tile_w  # the canvas, counted in tiles
    window_h, window_w = kernel_h // tile_h, kernel_w // tile_w  # the window, counted in tiles
    tile_numel = tile_h * tile_w
    vision_seq_len = canvas_h * canvas_w
    seq_len = vision_seq_len + text_seq_len

    def tile_row_col(idx: IntTensor) -> tuple[IntTensor, IntTensor]:
        tile = idx // tile_numel
        return tile // tiles_w, tile % tiles_w

    def in_window(q_tile: IntTensor, kv_tile: IntTensor, window: int, tiles: int) -> BoolTensor:
        # `window` tiles: window // 2 before the centre and (window - 1) // 2 after it
        before, after = window // 2, (window - 1) // 2
        centre = q_tile.clamp(before, tiles - 1 - after)
        return (kv_tile >= centre - before) & (kv_tile <= centre + after)

    def sta_mask_mod_2d(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_row, q_col = tile_row_col(q_idx)
        kv_row, kv_col = tile_row_col(kv_idx)
        row_ok = in_window(q_row, kv_row, window_h, tiles_h)
        col_ok = in_window(q_col, kv_col, window_w, tiles_w)
        q_vision, kv_vision = q_idx < vision_seq_len, kv_idx < vision_seq_len
        kv_text = (kv_idx >= vision_seq_len) & (kv_idx < seq_len)
        vision_to_vision = q_vision & kv_vision & row_ok & col_ok
        vision_to_text = q_vision & kv_text  # image tokens see all of the text
        text_to_all = (q_idx >= vision_seq_len) & (kv_idx < seq_len)  # text sees everything
        return vision_to_vision | vision_to_text | text_to_all

    sta_mask_mod_2d.__name__ = (
        f"sta_2d_canvas{canvas_h}x{canvas_w}_kernel{kernel_h}x{kernel_w}_tile{tile_h}x{tile_w}"
    )
    return sta_mask_mod_2d


mask_mod = generate_sta_mask_mod_2d(
    canvas_hw=(CANVAS_H, CANVAS_W),
    kernel_hw=(KERNEL_H, KERNEL_W),
    tile_hw=(TILE_H, TILE_W),
    text_seq_len=TEXT_SEQ_LEN,
)
