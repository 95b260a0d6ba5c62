# Longformer: a symmetric local window plus global tokens (here 0 and 8) that see everything
# and are seen by everything.

import torch
from torch.nn.attention.flex_attention import or_masks

WINDOW = 3
is_global = [True, False, False, False, False, False, False, False,
             True, False, False, False, False, False, False, False]


def local_window(b, h, q_idx, kv_idx):
    return torch.abs(q_idx - kv_idx) <= WINDOW


def global_tokens(b, h, q_idx, kv_idx):
    return is_global[q_idx] | is_global[kv_idx]


mask_mod = or_masks(local_window, global_tokens)
