# shape: B=1 H=2 Q=16 KV=16
"""A sliding window from attention-gym, widened on the second head with or_masks."""

from torch.nn.attention.flex_attention import and_masks, or_masks

from attn_gym.masks import causal_mask, generate_sliding_window

narrow = generate_sliding_window(2)
wide = generate_sliding_window(6)


def on_head_one(b, h, q_idx, kv_idx):
    return h == 1


mask_mod = or_masks(narrow, and_masks(on_head_one, wide, causal_mask))
