# Tanh soft-capping (Gemma 2, Grok): squash every score smoothly into (-CAP, CAP). No mask.

import torch
from torch.nn.attention.flex_attention import noop_mask

CAP = 30


def soft_cap(score, b, h, q_idx, kv_idx):
    return CAP * torch.tanh(score / CAP)


score_mod = soft_cap
mask_mod = noop_mask
