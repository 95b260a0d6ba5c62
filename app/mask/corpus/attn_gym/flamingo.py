# shape: B=1 H=1 Q=12 KV=9
"""Flamingo's vision cross attention: text tokens attend to the images that come before them.

From the Flamingo paper: https://arxiv.org/pdf/2204.14198
"""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_vision_cross_attention_mask_mod(
    intervals: Tensor,
    image_token_length: int,
) -> _mask_mod_signature:
    """
    Generates a mask mod for VisionCrossAttention.

    Args:
        intervals: Tensor of shape (num_images, 2) with the [start, end) text range of every image.
        image_token_length: Number of tokens per image.
    """
    num_images = intervals.shape[0]
    image_boundaries = torch.repeat_interleave(
        torch.arange(num_images, device=intervals.device), repeats=image_token_length
    )

    def vision_cross_attention_mask_mod(b, h, q_idx, kv_idx):
        image_idx = image_boundaries[kv_idx]
        interval = intervals[image_idx]
        return (q_idx >= interval[0]) & (q_idx < interval[1])

    return vision_cross_attention_mask_mod


#         img1    img2   img3
#   0    # # # | . . . | . . .
#   1    # # # | # # # | . . .
#   ...
#   7    . . . | . . . | # # #
num_text_tokens = 12
image_token_length = 3
intervals = torch.tensor([[0, 7], [1, 7], [7, 12]], dtype=torch.int32)
mask_mod = generate_vision_cross_attention_mask_mod(intervals, image_token_length)
