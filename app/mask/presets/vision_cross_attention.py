# Flamingo's vision cross-attention, after attention-gym's masks/flamingo.py: 12 text queries
# attend to 3 images of IMAGE_TOKEN_LENGTH tokens each (9 keys). intervals[i] = [start, end): the
# text tokens start <= q < end see image i, so a text token sees the images its interval covers.

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature

IMAGE_TOKEN_LENGTH = 3


def generate_vision_cross_attention_mask_mod(
    intervals: Tensor,
    image_token_length: int,
) -> _mask_mod_signature:
    """Builds Flamingo's text-to-image cross-attention mask mod.

    Args:
        intervals: (num_images, 2); row i holds [start, end), the text tokens that see image i.
        image_token_length: tokens per image; the keys are the images' tokens, image after image.
    """
    num_images = intervals.shape[0]
    # image_boundaries[kv]: the image that key kv belongs to, e.g. [0, 0, 0, 1, 1, 1, 2, 2, 2]
    image_boundaries = torch.repeat_interleave(torch.arange(num_images), repeats=image_token_length)

    def vision_cross_attention_mask_mod(b, h, q_idx, kv_idx):
        image_idx = image_boundaries[kv_idx]
        interval = intervals[image_idx]
        return (q_idx >= interval[0]) & (q_idx < interval[1])

    return vision_cross_attention_mask_mod


intervals = torch.tensor([[0, 7], [1, 7], [7, 12]], dtype=torch.int32)
mask_mod = generate_vision_cross_attention_mask_mod(intervals, IMAGE_TOKEN_LENGTH)
