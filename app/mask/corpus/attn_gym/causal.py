# shape: B=1 H=1 Q=16 KV=16
"""Plain causal attention, as a decoder-only language model uses it."""

import torch
from torch.nn.attention.flex_attention import BlockMask

from attn_gym.utils import cdiv

SEQ_LEN = 16
BLOCK_SIZE = 128
# how many blocks a BlockMask over this sequence would have (one: the sequence is short)
num_blocks = cdiv(SEQ_LEN, BLOCK_SIZE)


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


mask_mod = causal_mask
