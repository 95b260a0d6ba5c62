# shape: B=1 H=1 Q=12 KV=17
"""JetSpec draft-head training mask: three sampled blocks of 4 tokens after a 5-token prefix.

Paper: https://arxiv.org/abs/2606.18394
"""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_jetspec_training_mask_mod(
    prefix_length: int,
    block_size: int,
) -> _mask_mod_signature:
    """Generates the multi-block causal draft-head training mask.

    Queries are the sampled blocks' tokens. Keys are the prefix followed by the same blocks, each
    laid out as ``[anchor, future_1, ..., future_N]``. A query sees the whole prefix and its own
    block up to itself.

    Args:
        prefix_length: Number of verified prefix keys.
        block_size: Tokens per sampled block, the anchor included.
    """
    assert prefix_length >= 0, "prefix_length must be non-negative"
    assert block_size > 0, "block_size must be positive"

    def jetspec_training_mask_mod(b, h, q_idx, kv_idx):
        q_block = q_idx // block_size
        q_block_offset = q_idx % block_size
        kv_block_idx = kv_idx - prefix_length
        kv_block = kv_block_idx // block_size
        kv_block_offset = kv_block_idx % block_size
        same_block_causal = (
            (kv_idx >= prefix_length) & (q_block == kv_block) & (kv_block_offset <= q_block_offset)
        )
        return (kv_idx < prefix_length) | same_block_causal

    jetspec_training_mask_mod.__name__ = f"jetspec_training_mask_p{prefix_length}_block{block_size}"
    return jetspec_training_mask_mod


training_prefix_length = 5
block_size = 4
num_blocks = 3
mask_mod = generate_jetspec_training_mask_mod(training_prefix_length, block_size)
