# Sparse VideoGen (SVG) spatial head, after attention-gym's masks/svg.py: a PROMPT_LENGTH-token
# text prompt, then NUM_FRAMES video frames of TOKEN_PER_FRAME tokens each. The prompt sees and is
# seen by everything; a video token sees the keys closer than WIDTH frames' worth of tokens (that
# reach rounded down to a multiple of ROUND_WIDTH): a diagonal band, mostly its own frame.

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature

PROMPT_LENGTH = 4
NUM_FRAMES = 3
TOKEN_PER_FRAME = 8
WIDTH = 1
# SVG rounds to 128 for the GPU; on 8-token frames that rounds the band down to nothing
ROUND_WIDTH = 4


def generate_spatial_head_mask_mod(
    prompt_length: int = 226,
    num_frames: int = 13,
    token_per_frame: int = 1350,
    width: int = 2,
    attn_sink: bool = False,
    round_width: int = 128,
) -> _mask_mod_signature:
    """Builds SVG's spatial-head mask mod.

    Args:
        prompt_length: text tokens before the video.
        num_frames: frames in the video (the spatial band does not depend on it).
        token_per_frame: tokens in one frame.
        width: the band's reach, in frames: keys closer than width * token_per_frame tokens.
        attn_sink: also let every query see the first frame, as SVG's attention sink does.
        round_width: the reach is rounded down to a multiple of this (128 suits GPU blocks).
    """
    # the band's reach in tokens, rounded down to a whole number of round_width chunks
    reach = (width * token_per_frame) // round_width * round_width
    # keys every query sees: the prompt, and with the sink the first frame too
    sink_end = prompt_length + token_per_frame if attn_sink else prompt_length

    def spatial_head_mask_mod(b, h, q_idx, kv_idx):
        prompt_query = q_idx < prompt_length
        sink_key = kv_idx < sink_end
        near = torch.abs(q_idx - kv_idx) < reach
        return prompt_query | sink_key | near

    spatial_head_mask_mod.__name__ = f"svg_spatial_p{prompt_length}_f{token_per_frame}_r{reach}"
    return spatial_head_mask_mod


mask_mod = generate_spatial_head_mask_mod(
    prompt_length=PROMPT_LENGTH,
    num_frames=NUM_FRAMES,
    token_per_frame=TOKEN_PER_FRAME,
    width=WIDTH,
    attn_sink=False,
    round_width=ROUND_WIDTH,
)
