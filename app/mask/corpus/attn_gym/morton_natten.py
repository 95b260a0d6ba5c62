# shape: B=1 H=1 Q=64 KV=64
"""NATTEN on an 8 x 8 canvas whose tokens follow a Morton (Z-order) curve."""

import torch
from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def interleave_bits_32(x):
    """Spreads the low 16 bits of x out over the even bits of a 32-bit integer."""
    x = x & 0x0000FFFF
    x = (x | (x << 8)) & 0x00FF00FF
    x = (x | (x << 4)) & 0x0F0F0F0F
    x = (x | (x << 2)) & 0x33333333
    x = (x | (x << 1)) & 0x55555555
    return x


def morton_encode(x, y):
    """The Morton code of (x, y): the bits of x and y interleaved."""
    return (interleave_bits_32(y) << 1) | interleave_bits_32(x)


def deinterleave_bits_32(code):
    """Collects the even bits of code back into a 16-bit integer."""
    code = code & 0x55555555
    code = (code | (code >> 1)) & 0x33333333
    code = (code | (code >> 2)) & 0x0F0F0F0F
    code = (code | (code >> 4)) & 0x00FF00FF
    code = (code | (code >> 8)) & 0x0000FFFF
    return code


def morton_decode(code):
    """The (x, y) coordinates a Morton code came from."""
    x = deinterleave_bits_32(code)
    y = deinterleave_bits_32(code >> 1)
    return x, y


def generate_morton_natten(
    canvas_w: int,
    canvas_h: int,
    kernel_w: int,
    kernel_h: int,
) -> _mask_mod_signature:
    """Generates a NATTEN attention mask with a given kernel size under a Morton layout.

    Args:
        canvas_w: The width of the canvas.
        canvas_h: The height of the canvas.
        kernel_w: The width of the kernel.
        kernel_h: The height of the kernel.
    """
    # the layout is only a bijection onto the canvas for these codes
    assert morton_decode(morton_encode(canvas_w - 1, canvas_h - 1)) == (canvas_w - 1, canvas_h - 1)

    def natten_mask_mod(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_x, q_y = morton_decode(q_idx)
        kv_x, kv_y = morton_decode(kv_idx)
        kernel_center_x = q_x.clamp(kernel_w // 2, (canvas_w - 1) - kernel_w // 2)
        kernel_center_y = q_y.clamp(kernel_h // 2, (canvas_h - 1) - kernel_h // 2)
        hori_mask = (kernel_center_x - kv_x).abs() <= kernel_w // 2
        vert_mask = (kernel_center_y - kv_y).abs() <= kernel_h // 2
        return hori_mask & vert_mask

    natten_mask_mod.__name__ = f"morton_natten_c{canvas_w}x{canvas_h}_k{kernel_w}x{kernel_h}"
    return natten_mask_mod


mask_mod = generate_morton_natten(canvas_w=8, canvas_h=8, kernel_w=3, kernel_h=3)
