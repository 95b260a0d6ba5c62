# shape: B=1 H=1 Q=26 KV=26
"""
Sparse VideoGen's temporal head mask: a token attends to the same few positions in every frame.

Official Code: https://github.com/svg-project/Sparse-VideoGen
Official Paper: https://arxiv.org/abs/2502.01776
"""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_temporal_head_mask_mod(
    prompt_length: int = 226,
    num_frames: int = 13,
    token_per_frame: int = 1350,
    width: int = 2,
) -> _mask_mod_signature:
    """
    Generates a temporal head mask as specified in SVG.

    Args:
        prompt_length: The length of the prompt.
        num_frames: The number of frames in the video.
        token_per_frame: The number of tokens per frame.
        width: Sets how many positions inside a frame a token attends to.
    """

    def get_token_id_in_frame(idx, prompt_length):
        return (idx - prompt_length) % token_per_frame

    def temporal_mask_mod(b, h, q_idx, kv_idx):
        first_row_mask = q_idx < prompt_length
        first_column_mask = kv_idx < prompt_length

        mask_width = (width * token_per_frame) // num_frames
        q_token_id = get_token_id_in_frame(q_idx, prompt_length)
        kv_token_id = get_token_id_in_frame(kv_idx, prompt_length)
        temporal_head_mask = torch.abs(q_token_id - kv_token_id) < mask_width
        return first_column_mask | first_row_mask | temporal_head_mask

    return temporal_mask_mod


mask_mod = generate_temporal_head_mask_mod(
    prompt_length=2, num_frames=4, token_per_frame=6, width=2
)
