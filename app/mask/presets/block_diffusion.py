# Block diffusion (BD3-LM): 2 * SEQ tokens, the noised copy x_t first, then the clean copy x_0,
# each cut into blocks of BLOCK tokens.

import torch

SEQ = 12
BLOCK = 4


def block_diffusion(b, h, q_idx, kv_idx):
    q_clean = q_idx >= SEQ
    kv_clean = kv_idx >= SEQ
    q_block = torch.where(q_clean, (q_idx - SEQ) // BLOCK, q_idx // BLOCK)
    kv_block = torch.where(kv_clean, (kv_idx - SEQ) // BLOCK, kv_idx // BLOCK)
    # noised or clean, a block sees itself in full
    block_diagonal = (q_block == kv_block) & (q_clean == kv_clean)
    # a noised block sees the clean blocks strictly before it
    offset_block_causal = (q_block > kv_block) & kv_clean & ~q_clean
    # a clean block sees the clean blocks up to and including itself
    block_causal = (q_block >= kv_block) & kv_clean & q_clean
    return block_diagonal | offset_block_causal | block_causal


mask_mod = block_diffusion
