# shape: B=2 H=1 Q=12 KV=12
"""A causal decoder on a right- and left-padded batch: the composition transformers'
flex_attention_mask makes for a 2D attention mask shorter than the keys."""

import torch

from transformers.masking_utils import (
    and_masks,
    causal_mask_function,
    padding_mask_function,
    prepare_padding_mask,
)

attention_mask = torch.tensor(
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
        [0, 0, 0, 1, 1, 1, 1, 1, 1, 1],
    ]
).bool()
kv_length, kv_offset = 12, 0
# padded on the right (with False) up to the 12 keys
padding_mask = prepare_padding_mask(attention_mask, kv_length, kv_offset)
assert padding_mask.shape[-1] == kv_length, padding_mask.shape
mask_mod = and_masks(causal_mask_function, padding_mask_function(padding_mask))
