"""flexmask's implementation of attention-gym's `generate_alibi_bias` (ALiBi, "Train Short, Test
Long"), written from its documented behaviour."""

import torch
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_alibi_bias(H: int) -> _score_mod_signature:
    """ALiBi: adds slope_h * (kv_idx - q_idx) to the score, with head h's slope
    2 ** (-8 * (h + 1) / H).

    Args:
        H: the number of heads.
    """

    def alibi_mod(score, b, h, q_idx, kv_idx):
        slope = torch.exp2(-((h + 1) * 8.0 / H))
        return score + (kv_idx - q_idx) * slope

    return alibi_mod
