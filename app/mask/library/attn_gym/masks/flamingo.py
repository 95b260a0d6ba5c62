"""flexmask's implementation of attention-gym's `generate_vision_cross_attention_mask_mod`
(Flamingo's text-to-image cross attention), written from its documented behaviour."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_vision_cross_attention_mask_mod(
    intervals: Tensor,
    image_token_length: int,
) -> _mask_mod_signature:
    """Text queries attend to the tokens of the images whose interval holds them.

    Keys are the images' tokens laid end to end, `image_token_length` per image; query q sees
    image i when intervals[i, 0] <= q < intervals[i, 1].

    Args:
        intervals: shape (num_images, 2), the [start, end) text range of every image.
        image_token_length: tokens per image.
    """
    image_count = intervals.shape[0]
    image_of_key = torch.repeat_interleave(
        torch.arange(image_count, device=intervals.device), repeats=image_token_length
    )

    def vision_cross_attention_mask_mod(b, h, q_idx, kv_idx):
        interval = intervals[image_of_key[kv_idx]]
        return (q_idx >= interval[0]) & (q_idx < interval[1])

    return vision_cross_attention_mask_mod
