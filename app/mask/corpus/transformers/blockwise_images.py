# shape: B=2 H=1 Q=16 KV=16
"""Gemma 3-style multimodal attention: causal for text, bidirectional inside each image. The
image blocks come from token_type_ids (1 = image token)."""

import torch

from transformers.masking_utils import (
    blockwise_overlay,
    causal_mask_function,
    maybe_pad_block_sequence_ids,
    or_masks,
)

token_type_ids = torch.tensor(
    [
        [0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0],
    ]
)
is_image = token_type_ids == 1
starts_image = is_image & ~torch.nn.functional.pad(is_image, (1, 0), value=False)[:, :-1]
image_index = torch.cumsum(starts_image.int(), dim=-1) - 1
block_sequence_ids = torch.where(is_image, image_index, -1)
# two more key positions than tokens (a static cache): they belong to no block
block_sequence_ids = maybe_pad_block_sequence_ids(
    block_sequence_ids, None, kv_length=16, kv_offset=0
)
mask_mod = or_masks(causal_mask_function, blockwise_overlay(block_sequence_ids))
