# Sliding Tile Attention (STA) in 3-D, for video, after attention-gym's masks/sta.py (FastVideo):
# CANVAS_T frames of CANVAS_H x CANVAS_W tokens stored tile by tile (tiles are TILE_T x TILE_H x
# TILE_W blocks of space-time). A query tile sees a window of whole tiles on all three axes, its
# centre clamped away from the edges. Here the kernel is one tile: every tile sees exactly itself.

from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature

CANVAS_T = 2
CANVAS_H = 4
CANVAS_W = 4
KERNEL_T = 2
KERNEL_H = 2
KERNEL_W = 2
TILE_T = 2
TILE_H = 2
TILE_W = 2


def generate_sta_mask_mod_3d(
    canvas_twh: tuple[int, int, int],
    kernel_twh: tuple[int, int, int],
    tile_twh: tuple[int, int, int],
    text_seq_len: int = 0,
) -> _mask_mod_signature:
    """Builds a 3-D sliding tile attention mask mod.

    Args:
        canvas_twh: the video's (frames, height, width) in tokens.
        kernel_twh: the window's (frames, height, width), a whole number of tiles on each axis.
        tile_twh: the tile's (frames, height, width); tiles are ordered time, then row, then
            column, and each tile's tokens are contiguous.
        text_seq_len: text tokens stored after the video tokens (none by default).
    """
    canvas_t, canvas_h, canvas_w = canvas_twh
    kernel_t, kernel_h, kernel_w = kernel_twh
    tile_t, tile_h, tile_w = tile_twh
    assert canvas_t % tile_t == 0, f"tile frames {tile_t} do not divide canvas frames {canvas_t}"
    assert canvas_h % tile_h == 0, f"tile height {tile_h} does not divide canvas height {canvas_h}"
    assert canvas_w % tile_w == 0, f"tile width {tile_w} does not divide canvas width {canvas_w}"
    assert kernel_t % tile_t == 0, f"tile frames {tile_t} do not divide kernel frames {kernel_t}"
    assert kernel_h % tile_h == 0, f"tile height {tile_h} does not divide kernel height {kernel_h}"
    assert kernel_w % tile_w == 0, f"tile width {tile_w} does not divide kernel width {kernel_w}"
    # the canvas and the window, counted in tiles
    tiles_t, tiles_h, tiles_w = canvas_t // tile_t, canvas_h // tile_h, canvas_w // tile_w
    window_t, window_h, window_w = kernel_t // tile_t, kernel_h // tile_h, kernel_w // tile_w
    tile_numel = tile_t * tile_h * tile_w
    vision_seq_len = canvas_t * canvas_h * canvas_w
    seq_len = vision_seq_len + text_seq_len

    def tile_t_h_w(idx: IntTensor) -> tuple[IntTensor, IntTensor, IntTensor]:
        tile = idx // tile_numel
        return tile // (tiles_h * tiles_w), (tile // tiles_w) % tiles_h, tile % tiles_w

    def in_window(q_tile: IntTensor, kv_tile: IntTensor, window: int, tiles: int) -> BoolTensor:
        # `window` tiles: window // 2 before the centre and (window - 1) // 2 after it
        before, after = window // 2, (window - 1) // 2
        centre = q_tile.clamp(before, tiles - 1 - after)
        return (kv_tile >= centre - before) & (kv_tile <= centre + after)

    def sta_mask_mod_3d(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_t, q_h, q_w = tile_t_h_w(q_idx)
        kv_t, kv_h, kv_w = tile_t_h_w(kv_idx)
        time_ok = in_window(q_t, kv_t, window_t, tiles_t)
        row_ok = in_window(q_h, kv_h, window_h, tiles_h)
        col_ok = in_window(q_w, kv_w, window_w, tiles_w)
        q_vision, kv_vision = q_idx < vision_seq_len, kv_idx < vision_seq_len
        kv_text = (kv_idx >= vision_seq_len) & (kv_idx < seq_len)
        vision_to_vision = q_vision & kv_vision & time_ok & row_ok & col_ok
        vision_to_text = q_vision & kv_text  # video tokens see all of the text
        text_to_all = (q_idx >= vision_seq_len) & (kv_idx < seq_len)  # text sees everything
        return vision_to_vision | vision_to_text | text_to_all

    sta_mask_mod_3d.__name__ = (
        f"sta_3d_canvas{canvas_t}x{canvas_h}x{canvas_w}"
        f"_kernel{kernel_t}x{kernel_h}x{kernel_w}_tile{tile_t}x{tile_h}x{tile_w}"
    )
    return sta_mask_mod_3d


mask_mod = generate_sta_mask_mod_3d(
    canvas_twh=(CANVAS_T, CANVAS_H, CANVAS_W),
    kernel_twh=(KERNEL_T, KERNEL_H, KERNEL_W),
    tile_twh=(TILE_T, TILE_H, TILE_W),
)
