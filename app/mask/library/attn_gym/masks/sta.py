"""flexmask's implementation of attention-gym's Sliding Tile Attention masks
(`generate_sta_mask_mod_2d`, `generate_sta_mask_mod_3d`), written from their documented
behaviour."""

from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def _tile_window(q_tile, kv_tile, kernel_tiles, canvas_tiles):
    """Whether kv_tile is inside the kernel_tiles-wide window of tiles around q_tile. The window
    has kernel_tiles // 2 tiles before its centre and (kernel_tiles - 1) // 2 after it, and its
    centre is held far enough from the canvas edges for the whole window to fit."""
    before = kernel_tiles // 2
    after = kernel_tiles // 2 + (kernel_tiles % 2 - 1)
    centre = q_tile.clamp(min=before, max=(canvas_tiles - 1) - after)
    return (kv_tile >= centre - before) & (kv_tile <= centre + after)


def _text_and_vision(q_idx, kv_idx, vision_mask, vision_seq_len, text_seq_len):
    """Vision tokens come first and see vision tokens through `vision_mask` plus all text tokens;
    text tokens see everything. Keys past the text are padding nobody sees."""
    total = vision_seq_len + text_seq_len
    q_vision = q_idx < vision_seq_len
    kv_vision = kv_idx < vision_seq_len
    vision_to_vision = q_vision & kv_vision & vision_mask
    vision_to_text = q_vision & ~kv_vision & (kv_idx < total)
    text_to_all = ~q_vision & (kv_idx < total)
    return vision_to_vision | vision_to_text | text_to_all


def generate_sta_mask_mod_2d(
    canvas_hw: tuple[int, int],
    kernel_hw: tuple[int, int],
    tile_hw: tuple[int, int],
    text_seq_len: int = 0,
) -> _mask_mod_signature:
    """Sliding Tile Attention on a 2D canvas stored tile by tile: a query tile sees the kernel's
    window of tiles around it.

    Args:
        canvas_hw: canvas (height, width).
        kernel_hw: kernel (height, width); a whole number of tiles.
        tile_hw: tile (height, width); divides the canvas.
        text_seq_len: text tokens after the vision tokens.
    """
    canvas_h, canvas_w = canvas_hw
    kernel_h, kernel_w = kernel_hw
    tile_h, tile_w = tile_hw
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
    tile_numel = tile_h * tile_w
    tiles_h, tiles_w = canvas_h // tile_h, canvas_w // tile_w
    kernel_tiles_h, kernel_tiles_w = kernel_h // tile_h, kernel_w // tile_w
    vision_seq_len = canvas_h * canvas_w

    def tile_coordinates(idx: IntTensor) -> tuple[IntTensor, IntTensor]:
        tile = idx // tile_numel
        return tile // tiles_w, tile % tiles_w

    def sta_mask_mod_2d(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_row, q_col = tile_coordinates(q_idx)
        kv_row, kv_col = tile_coordinates(kv_idx)
        window = _tile_window(q_row, kv_row, kernel_tiles_h, tiles_h) & _tile_window(
            q_col, kv_col, kernel_tiles_w, tiles_w
        )
        return _text_and_vision(q_idx, kv_idx, window, vision_seq_len, text_seq_len)

    sta_mask_mod_2d.__name__ = (
        f"sta_2d_c{canvas_h}x{canvas_w}_k{kernel_h}x{kernel_w}_t{tile_h}x{tile_w}"
    )
    return sta_mask_mod_2d


def generate_sta_mask_mod_3d(
    canvas_twh: tuple[int, int, int],
    kernel_twh: tuple[int, int, int],
    tile_twh: tuple[int, int, int],
    text_seq_len: int = 0,
) -> _mask_mod_signature:
    """Sliding Tile Attention on a video (time, height, width) stored tile by tile.

    Args:
        canvas_twh: canvas (time, height, width).
        kernel_twh: kernel (time, height, width); a whole number of tiles.
        tile_twh: tile (time, height, width); divides the canvas.
        text_seq_len: text tokens after the vision tokens.
    """
    canvas_t, canvas_h, canvas_w = canvas_twh
    kernel_t, kernel_h, kernel_w = kernel_twh
    tile_t, tile_h, tile_w = tile_twh
    assert canvas_t % tile_t == 0, f"Canvas time {canvas_t} is not divisible by tile time {tile_t}"
    assert canvas_h % tile_h == 0, (
        f"Canvas height {canvas_h} is not divisible by tile height {tile_h}"
    )
    assert canvas_w % tile_w == 0, (
        f"Canvas width {canvas_w} is not divisible by tile width {tile_w}"
    )
    assert kernel_t % tile_t == 0, f"Kernel time {kernel_t} is not divisible by tile time {tile_t}"
    assert kernel_h % tile_h == 0, (
        f"Kernel height {kernel_h} is not divisible by tile height {tile_h}"
    )
    assert kernel_w % tile_w == 0, (
        f"Kernel width {kernel_w} is not divisible by tile width {tile_w}"
    )
    tile_numel = tile_t * tile_h * tile_w
    tiles_t, tiles_h, tiles_w = canvas_t // tile_t, canvas_h // tile_h, canvas_w // tile_w
    kernel_tiles = (kernel_t // tile_t, kernel_h // tile_h, kernel_w // tile_w)
    vision_seq_len = canvas_t * canvas_h * canvas_w

    def tile_coordinates(idx: IntTensor) -> tuple[IntTensor, IntTensor, IntTensor]:
        tile = idx // tile_numel
        frame_tiles = tiles_h * tiles_w
        return tile // frame_tiles, (tile % frame_tiles) // tiles_w, tile % tiles_w

    def sta_mask_mod_3d(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_t, q_row, q_col = tile_coordinates(q_idx)
        kv_t, kv_row, kv_col = tile_coordinates(kv_idx)
        window = (
            _tile_window(q_t, kv_t, kernel_tiles[0], tiles_t)
            & _tile_window(q_row, kv_row, kernel_tiles[1], tiles_h)
            & _tile_window(q_col, kv_col, kernel_tiles[2], tiles_w)
        )
        return _text_and_vision(q_idx, kv_idx, window, vision_seq_len, text_seq_len)

    sta_mask_mod_3d.__name__ = (
        f"sta_3d_c{canvas_t}x{canvas_h}x{canvas_w}_k{kernel_t}x{kernel_h}x{kernel_w}"
        f"_t{tile_t}x{tile_h}x{tile_w}"
    )
    return sta_mask_mod_3d
