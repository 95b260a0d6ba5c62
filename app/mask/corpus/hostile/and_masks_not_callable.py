# expect: RuntimeError
"""and_masks given a window size instead of a mask function: torch checks every argument is
callable."""

from torch.nn.attention.flex_attention import and_masks

WINDOW = 4


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


mask_mod = and_masks(causal_mask, WINDOW)
