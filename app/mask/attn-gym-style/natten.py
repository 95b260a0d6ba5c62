"""Neighbourhood attention (NATTEN) on a row-major 2-D canvas."""

import torch
from torch import IntTensor, BoolTensor
from torch.nn.attention.flex_attention import _mask_mod_signature
from typing import Tuple


def generate_natten(
    canvas_w: int,
    canvas_h: int,
    kernel_w: int,
    kernel_h: int,
) -> _mask_mod_signature:
    """Builds a NATTEN mask mod.

    Args:
        canvas_w: canvas width in pixels.
        canvas_h: canvas height in pixels.
        kernel_w: neighbourhood width.
        kernel_h: neighbourhood height.
    """

    def to_column_row(idx: IntTensor) -> Tuple[IntTensor, IntTensor]:
        return idx % canvas_w, idx // canvas_w

    def natten_mask_mod(
        b: IntTensor,
        h: IntTensor,
        q_idx: IntTensor,
        kv_idx: IntTensor,
    ) -> BoolTensor:
        q_col, q_row = to_column_row(q_idx)
        kv_col, kv_row = to_column_row(kv_idx)
        # the kernel is centred on the query but never closer than half a kernel to an edge,
        # so every query keeps a full kernel_w x kernel_h neighbourhood
        centre_col = q_col.clamp(kernel_w // 2, canvas_w - 1 - kernel_w // 2)
        centre_row = q_row.clamp(kernel_h // 2, canvas_h - 1 - kernel_h // 2)
        near_col = (centre_col - kv_col).abs() <= kernel_w // 2
        near_row = (centre_row - kv_row).abs() <= kernel_h // 2
        return near_col & near_row

    return natten_mask_mod


mask_mod = generate_natten(canvas_w=6, canvas_h=6, kernel_w=3, kernel_h=3)
