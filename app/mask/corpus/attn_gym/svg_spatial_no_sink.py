# shape: B=1 H=1 Q=26 KV=26
"""
Sparse VideoGen's spatial head mask without an attention sink, two frames wide.

Official Code: https://github.com/svg-project/Sparse-VideoGen
Official Paper: https://arxiv.org/abs/2502.01776
"""

from math import floor

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_spatial_head_mask_mod(
    prompt_length: int = 226,
    num_frames: int = 13,
    token_per_frame: int = 1350,
    width: int = 2,
    attn_sink: bool = False,
    round_width: int = 128,
) -> _mask_mod_signature:
    """
    Generates a spatial head mask as specified in SVG.

    Args:
        prompt_length: The length of the prompt.
        num_frames: The number of frames in the video.
        token_per_frame: The number of tokens per frame.
        width: How many frames around a token it attends to.
        attn_sink: Whether every token also attends to the whole first frame.
        round_width: The band is rounded down to a multiple of this, for the hardware.
    """

    def round_to_multiple(idx):
        return floor(idx / round_width) * round_width

    def spatial_mask_mod(b, h, q_idx, kv_idx):
        first_row_mask = q_idx < prompt_length
        if attn_sink:
            first_column_mask = kv_idx < (prompt_length + token_per_frame)
        else:
            first_column_mask = kv_idx < prompt_length

        mask_width = round_to_multiple(width * token_per_frame)
        spatial_head_mask = torch.abs(q_idx - kv_idx) < mask_width
        return first_column_mask | first_row_mask | spatial_head_mask

    return spatial_mask_mod


PROMPT_LENGTH, NUM_FRAMES, TOKEN_PER_FRAME = 2, 4, 6
mask_mod = generate_spatial_head_mask_mod(
    prompt_length=PROMPT_LENGTH,
    num_frames=NUM_FRAMES,
    token_per_frame=TOKEN_PER_FRAME,
    width=2,
    attn_sink=False,
    round_width=4,
)
