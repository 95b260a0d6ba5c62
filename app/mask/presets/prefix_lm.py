# Prefix LM: the first PREFIX tokens attend to each other in both directions; the rest is causal.

from torch.nn.attention.flex_attention import or_masks

PREFIX = 4


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def prefix(b, h, q_idx, kv_idx):
    return kv_idx < PREFIX


mask_mod = or_masks(prefix, causal)
