# Sliding window, Hugging Face's convention: a window of WINDOW means the token itself plus the
# WINDOW - 1 tokens before it (one key fewer than attention-gym's sliding window of the same size).

from torch.nn.attention.flex_attention import and_masks

WINDOW = 3


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def within_window(b, h, q_idx, kv_idx):
    return q_idx - kv_idx < WINDOW


mask_mod = and_masks(causal, within_window)
