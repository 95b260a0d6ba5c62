# shape: B=1 H=1 Q=16 KV=16
"""Block Diffusion (BD3-LM) training mask: noised tokens first, clean tokens after.

Based on the Block Diffusion paper: https://arxiv.org/abs/2503.09573
"""

import torch
from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_block_diffusion_mask(seq_len: int, block_size: int) -> _mask_mod_signature:
    """Generates the Block Diffusion training mask over ``2 * seq_len`` tokens.

    - Block diagonal: noised tokens attend both ways inside their own block.
    - Offset block causal: noised tokens attend to clean tokens of earlier blocks.
    - Block causal: clean tokens attend to clean tokens of their own and earlier blocks.

    Args:
        seq_len: Length of the clean sequence.
        block_size: Tokens per diffusion block.
    """
    assert seq_len % block_size == 0, f"seq_len {seq_len} is not a multiple of {block_size}"

    def block_diffusion_mask(b, h, q_idx, kv_idx):
        q_noised = q_idx < seq_len
        kv_noised = kv_idx < seq_len
        q_block = (q_idx % seq_len) // block_size
        kv_block = (kv_idx % seq_len) // block_size

        block_diagonal = (q_block == kv_block) & (q_noised == kv_noised)
        offset_block_causal = (q_block > kv_block) & q_noised & ~kv_noised
        block_causal = (q_block >= kv_block) & ~q_noised & ~kv_noised
        return block_diagonal | offset_block_causal | block_causal

    block_diffusion_mask.__name__ = f"block_diffusion_{seq_len}_{block_size}"
    return block_diffusion_mask


SEQ_LEN = 8
mask_mod = generate_block_diffusion_mask(SEQ_LEN, block_size=2)
