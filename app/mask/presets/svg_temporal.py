# Sparse VideoGen (SVG) temporal head, after attention-gym's masks/svg.py: a PROMPT_LENGTH-token
# text prompt, then NUM_FRAMES video frames of TOKEN_PER_FRAME tokens each. The prompt sees and is
# seen by everything; a video token sees the tokens at (nearly) the same place in every frame:
# those whose position inside their frame is less than WIDTH * TOKEN_PER_FRAME // NUM_FRAMES away.

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature

PROMPT_LENGTH = 4
NUM_FRAMES = 3
TOKEN_PER_FRAME = 8
WIDTH = 1


def generate_temporal_head_mask_mod(
    prompt_length: int = 226,
    num_frames: int = 13,
    token_per_frame: int = 1350,
    width: int = 2,
) -> _mask_mod_signature:
    """Builds SVG's temporal-head mask mod.

    Args:
        prompt_length: text tokens before the video.
        num_frames: frames in the video.
        token_per_frame: tokens in one frame.
        width: sets the reach inside a frame: width * token_per_frame // num_frames positions.
    """
    reach = (width * token_per_frame) // num_frames

    def position_in_frame(idx):
        return (idx - prompt_length) % token_per_frame

    def temporal_head_mask_mod(b, h, q_idx, kv_idx):
        prompt_query = q_idx < prompt_length
        prompt_key = kv_idx < prompt_length
        same_place = torch.abs(position_in_frame(q_idx) - position_in_frame(kv_idx)) < reach
        return prompt_query | prompt_key | same_place

    temporal_head_mask_mod.__name__ = f"svg_temporal_p{prompt_length}_f{token_per_frame}_r{reach}"
    return temporal_head_mask_mod


mask_mod = generate_temporal_head_mask_mod(
    prompt_length=PROMPT_LENGTH,
    num_frames=NUM_FRAMES,
    token_per_frame=TOKEN_PER_FRAME,
    width=WIDTH,
)
