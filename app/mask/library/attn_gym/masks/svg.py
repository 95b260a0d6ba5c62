"""flexmask's implementation of attention-gym's Sparse VideoGen head masks
(`generate_spatial_head_mask_mod`, `generate_temporal_head_mask_mod`), written from their
documented behaviour."""

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
    """SVG's spatial head: the prompt sees and is seen by everything, and a token sees tokens within
    about `width` frames of it (the band is rounded down to a multiple of `round_width`).

    Args:
        prompt_length: prompt tokens, first in the sequence.
        num_frames: frames in the video (not used by this mask).
        token_per_frame: tokens per frame.
        width: band half-width, in frames.
        attn_sink: when True every query also sees the whole first frame.
        round_width: the band is rounded down to a multiple of this.
    """
    band = floor(width * token_per_frame / round_width) * round_width
    sink_end = prompt_length + token_per_frame if attn_sink else prompt_length

    def spatial_mask_mod(b, h, q_idx, kv_idx):
        in_band = torch.abs(q_idx - kv_idx) < band
        return (kv_idx < sink_end) | (q_idx < prompt_length) | in_band

    return spatial_mask_mod


def generate_temporal_head_mask_mod(
    prompt_length: int = 226,
    num_frames: int = 13,
    token_per_frame: int = 1350,
    width: int = 2,
) -> _mask_mod_signature:
    """SVG's temporal head: the prompt sees and is seen by everything, and a token sees the tokens
    at nearby positions within their frames, in every frame.

    Args:
        prompt_length: prompt tokens, first in the sequence.
        num_frames: frames in the video.
        token_per_frame: tokens per frame.
        width: sets the band: (width * token_per_frame) // num_frames positions.
    """
    band = (width * token_per_frame) // num_frames

    def temporal_mask_mod(b, h, q_idx, kv_idx):
        q_in_frame = (q_idx - prompt_length) % token_per_frame
        kv_in_frame = (kv_idx - prompt_length) % token_per_frame
        in_band = torch.abs(q_in_frame - kv_in_frame) < band
        return (kv_idx < prompt_length) | (q_idx < prompt_length) | in_band

    return temporal_mask_mod
