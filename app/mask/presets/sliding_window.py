# Sliding window (attention-gym's convention): each token sees itself and the WINDOW tokens
# before it, so a row holds at most WINDOW + 1 keys.

from torch.nn.attention.flex_attention import and_masks

WINDOW = 3


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def within_window(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW


mask_mod = and_masks(causal, within_window)
