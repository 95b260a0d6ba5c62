"""flexmask's implementation of attention-gym's `generate_tanh_softcap` (the logit soft cap of
Gemma 2 and Grok-1), written from its documented behaviour."""

import torch
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_tanh_softcap(soft_cap: int, approx: bool = False) -> _score_mod_signature:
    """Squashes scores into (-soft_cap, soft_cap): soft_cap * tanh(score / soft_cap).

    Args:
        soft_cap: the cap.
        approx: attention-gym lowers tanh to the GPU's `tanh.approx.f32` instruction when this is
            set. flexmask computes the exact tanh either way (the approximate one differs only in
            the last bits), and keeps the flag for the function's name.
    """

    def tanh_softcap(score, b, h, q_idx, kv_idx):
        return soft_cap * torch.tanh(score / soft_cap)

    kind = "tanh_softcap_approx" if approx else "tanh_softcap"
    tanh_softcap.__name__ = f"{kind}_{soft_cap}"
    return tanh_softcap
