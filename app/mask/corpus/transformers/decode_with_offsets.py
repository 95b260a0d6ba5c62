# shape: B=2 H=1 Q=4 KV=16
"""A decoding step with a sliding-window layer: 4 new queries at positions 12..15 over a cache of
16 keys, on a left-padded batch. This is how transformers' flex_attention_mask shifts a mask
function with add_offsets_to_mask_function (flex attention only takes lengths)."""

import torch

from transformers.masking_utils import (
    add_offsets_to_mask_function,
    and_masks,
    padding_mask_function,
    prepare_padding_mask,
    sliding_window_causal_mask_function,
)

batch_size, q_length, kv_length = 2, 4, 16
q_offset, kv_offset = 12, 0
attention_mask = torch.ones(batch_size, kv_length, dtype=torch.bool)
attention_mask[1, :9] = False

mask_function = sliding_window_causal_mask_function(6)
padding_mask = prepare_padding_mask(attention_mask, kv_length, kv_offset)
mask_function = and_masks(mask_function, padding_mask_function(padding_mask))
mask_mod = add_offsets_to_mask_function(mask_function, q_offset, kv_offset)
