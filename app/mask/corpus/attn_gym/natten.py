# shape: B=1 H=1 Q=36 KV=36
"""Neighbourhood attention (NATTEN) on a 6 x 6 image flattened row by row."""

import torch
from torch import BoolTensor, IntTensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_natten(
    canvas_w: int,
    canvas_h: int,
    kernel_w: int,
    kernel_h: int,
) -> _mask_mod_signature:
    """Generates a NATTEN attention mask with a given kernel size.

    Args:
        canvas_w: The width of the canvas.
        canvas_h: The height of the canvas.
        kernel_w: The width of the kernel.
        kernel_h: The height of the kernel.
    """

    def get_x_y(idx: IntTensor) -> tuple[IntTensor, IntTensor]:
        return idx // canvas_w, idx % canvas_w

    def natten_mask_mod(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_x, q_y = get_x_y(q_idx)
        kv_x, kv_y = get_x_y(kv_idx)
        # the kernel centres on the query, but its centre stays half a kernel away from the edges
        kernel_center_x = q_x.clamp(kernel_w // 2, (canvas_w - 1) - kernel_w // 2)
        kernel_center_y = q_y.clamp(kernel_h // 2, (canvas_h - 1) - kernel_h // 2)
        hori_mask = (kernel_center_x - kv_x).abs() <= kernel_w // 2
        vert_mask = (kernel_center_y - kv_y).abs() <= kernel_h // 2
        return hori_mask & vert_mask

    natten_mask_mod.__name__ = f"natten_c{canvas_w}x{canvas_h}_k{kernel_w}x{kernel_h}"
    return natten_mask_mod


CANVAS_HEIGHT, CANVAS_WIDTH = 6, 6
kernel_size = 3
mask_mod = generate_natten(
    canvas_w=CANVAS_WIDTH,
    canvas_h=CANVAS_HEIGHT,
    kernel_w=kernel_size,
    kernel_h=kernel_size,
)
