# Relative position bias: add the signed distance q - kv to every score. No mask, so the whole
# score pattern is visible.

from torch.nn.attention.flex_attention import noop_mask


def relative_position(score, b, h, q_idx, kv_idx):
    return score + (q_idx - kv_idx)


score_mod = relative_position
mask_mod = noop_mask
