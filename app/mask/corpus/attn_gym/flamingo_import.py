# shape: B=1 H=1 Q=10 KV=8
"""Flamingo cross attention from attention-gym: four images of two tokens, with intervals derived
from where each image appears in the text."""

import torch

from attn_gym.masks import generate_vision_cross_attention_mask_mod

image_positions = [0, 2, 2, 6]
text_length = 10
# an image is seen from its position until the next image that comes later in the text
ends = []
for i, start in enumerate(image_positions):
    later = [p for p in image_positions[i + 1 :] if p > start]
    ends.append(later[0] if later else text_length)
intervals = torch.tensor(list(zip(image_positions, ends)))
mask_mod = generate_vision_cross_attention_mask_mod(intervals, image_token_length=2)
