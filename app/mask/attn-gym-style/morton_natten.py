"""NATTEN over a canvas stored in Morton (Z-order) order.

Z-order is a permutation of the canvas only when the canvas is a power-of-two square, so this
example uses 8x8 (on 6x6, token 20 would decode to pixel (6, 0), off the canvas).
"""

import torch
from torch import IntTensor, BoolTensor
from torch.nn.attention.flex_attention import _mask_mod_signature
from typing import Tuple


def compact_even_bits(code: IntTensor) -> IntTensor:
    """Gathers bits 0, 2, 4, ... of a 32-bit code into the low 16 bits."""
    code = code & 0x55555555
    code = (code | (code >> 1)) & 0x33333333
    code = (code | (code >> 2)) & 0x0F0F0F0F
    code = (code | (code >> 4)) & 0x00FF00FF
    code = (code | (code >> 8)) & 0x0000FFFF
    return code


def morton_to_x_y(code: IntTensor) -> Tuple[IntTensor, IntTensor]:
    """x lives in the even bits of a Morton code, y in the odd bits."""
    return compact_even_bits(code), compact_even_bits(code >> 1)


def generate_morton_natten(
    canvas_w: int,
    canvas_h: int,
    kernel_w: int,
    kernel_h: int,
) -> _mask_mod_signature:
    """Builds a NATTEN mask mod for a Morton-ordered canvas.

    Args:
        canvas_w, canvas_h: canvas size (a power-of-two square).
        kernel_w, kernel_h: neighbourhood size.
    """

    def morton_natten_mask(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_x, q_y = morton_to_x_y(q_idx)
        kv_x, kv_y = morton_to_x_y(kv_idx)
        centre_x = q_x.clamp(kernel_w // 2, (canvas_w - 1) - kernel_w // 2)
        centre_y = q_y.clamp(kernel_h // 2, (canvas_h - 1) - kernel_h // 2)
        near_x = (centre_x - kv_x).abs() <= kernel_w // 2
        near_y = (centre_y - kv_y).abs() <= kernel_h // 2
        return near_x & near_y

    return morton_natten_mask


mask_mod = generate_morton_natten(canvas_w=8, canvas_h=8, kernel_w=3, kernel_h=3)
