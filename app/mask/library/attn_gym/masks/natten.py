"""flexmask's implementation of attention-gym's neighbourhood attention masks (`generate_natten`,
`generate_tiled_natten`, `generate_morton_natten` and the Morton-code helpers), written from their
documented behaviour."""

from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def _neighbourhood(q_x, q_y, kv_x, kv_y, canvas_w, canvas_h, kernel_w, kernel_h):
    """Whether (kv_x, kv_y) lies in the kernel around (q_x, q_y). The kernel centres on the query
    but is pushed back inside the canvas near its edges, so every query sees a full kernel."""
    half_w = kernel_w // 2
    half_h = kernel_h // 2
    centre_x = q_x.clamp(min=half_w, max=(canvas_w - 1) - half_w)
    centre_y = q_y.clamp(min=half_h, max=(canvas_h - 1) - half_h)
    return ((centre_x - kv_x).abs() <= half_w) & ((centre_y - kv_y).abs() <= half_h)


def generate_natten(
    canvas_w: int,
    canvas_h: int,
    kernel_w: int,
    kernel_h: int,
) -> _mask_mod_signature:
    """Neighbourhood attention on a canvas_w x canvas_h image flattened row by row.

    Args:
        canvas_w: canvas width.
        canvas_h: canvas height.
        kernel_w: kernel width.
        kernel_h: kernel height.
    """

    def natten_mask_mod(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        # the flattening puts idx // canvas_w in "x" and idx % canvas_w in "y", as attention-gym
        # does; the kernel and canvas sizes are paired with them the same way
        q_x, q_y = q_idx // canvas_w, q_idx % canvas_w
        kv_x, kv_y = kv_idx // canvas_w, kv_idx % canvas_w
        return _neighbourhood(q_x, q_y, kv_x, kv_y, canvas_w, canvas_h, kernel_w, kernel_h)

    natten_mask_mod.__name__ = f"natten_c{canvas_w}x{canvas_h}_k{kernel_w}x{kernel_h}"
    return natten_mask_mod


def generate_tiled_natten(
    W: int,
    H: int,
    K_W: int,
    K_H: int,
    T_W: int,
    T_H: int,
) -> _mask_mod_signature:
    """Neighbourhood attention on a W x H canvas stored tile by tile (T_W x T_H tiles, tiles in
    row-major order, pixels row-major inside a tile).

    Args:
        W: canvas width.
        H: canvas height.
        K_W: kernel width.
        K_H: kernel height.
        T_W: tile width.
        T_H: tile height.
    """
    tile_size = T_W * T_H
    tiles_per_row = W // T_W

    def to_xy(idx: IntTensor) -> tuple[IntTensor, IntTensor]:
        tile, within = idx // tile_size, idx % tile_size
        x = (tile % tiles_per_row) * T_W + within % T_W
        y = (tile // tiles_per_row) * T_H + within // T_W
        return x, y

    def tiled_natten_mask(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_x, q_y = to_xy(q_idx)
        kv_x, kv_y = to_xy(kv_idx)
        return _neighbourhood(q_x, q_y, kv_x, kv_y, W, H, K_W, K_H)

    tiled_natten_mask.__name__ = f"tiled_natten_c{W}x{H}_k{K_W}x{K_H}_t{T_W}x{T_H}"
    return tiled_natten_mask


def interleave_bits_32(x):
    """Spreads the low 16 bits of x over the even bits of a 32-bit result (zeros in between)."""
    x = x & 0xFFFF
    for shift, keep in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        x = (x | (x << shift)) & keep
    return x


def morton_encode(x, y):
    """The Morton (Z-order) code of (x, y): y's bits on the odd positions, x's on the even."""
    return (interleave_bits_32(y) << 1) | interleave_bits_32(x)


def deinterleave_bits_32(code):
    """Gathers the even bits of code back into a 16-bit integer (the inverse of
    interleave_bits_32)."""
    code = code & 0x55555555
    for shift, keep in ((1, 0x33333333), (2, 0x0F0F0F0F), (4, 0x00FF00FF), (8, 0x0000FFFF)):
        code = (code | (code >> shift)) & keep
    return code


def morton_decode(code):
    """The (x, y) a Morton code was made from."""
    return deinterleave_bits_32(code), deinterleave_bits_32(code >> 1)


def generate_morton_natten(
    canvas_w: int,
    canvas_h: int,
    kernel_w: int,
    kernel_h: int,
) -> _mask_mod_signature:
    """Neighbourhood attention on a canvas whose tokens are laid out along a Morton curve.

    Args:
        canvas_w: canvas width.
        canvas_h: canvas height.
        kernel_w: kernel width.
        kernel_h: kernel height.
    """

    def natten_mask_mod(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_x, q_y = morton_decode(q_idx)
        kv_x, kv_y = morton_decode(kv_idx)
        return _neighbourhood(q_x, q_y, kv_x, kv_y, canvas_w, canvas_h, kernel_w, kernel_h)

    natten_mask_mod.__name__ = f"morton_natten_c{canvas_w}x{canvas_h}_k{kernel_w}x{kernel_h}"
    return natten_mask_mod
