# Head bias: each head h adds its own constant 2 * h to every score. No mask.

from torch.nn.attention.flex_attention import noop_mask


def head_bias(score, b, h, q_idx, kv_idx):
    return score + 2 * h


score_mod = head_bias
mask_mod = noop_mask
