# shape: B=1 H=1 Q=8 KV=8
"""GELU attention instead of softmax, through FlexAttention's log-space wrapper.

score_mod(s) = log(f(s) + N) makes softmax's numerator f(s) + N; undo_softmax then recovers
f(S) @ V from the output and the log-sum-exp.
"""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn.attention.flex_attention import AuxRequest, _score_mod_signature


def generate_activation_score_mod(
    activation: Callable[[Tensor], Tensor] = F.gelu,
    offset: float = 1.0,
) -> _score_mod_signature:
    """Returns a score_mod that replaces softmax with an arbitrary activation.

    Args:
        activation: Pointwise activation; f(s) + offset must stay positive.
        offset: Keeps the logarithm's argument positive.
    """

    def activation_score_mod(score, b, h, q_idx, kv_idx):
        return torch.log(activation(score) + offset)

    return activation_score_mod


def undo_softmax(out: Tensor, lse: Tensor, v_sum: Tensor, offset: float = 1.0) -> Tensor:
    """Recovers activation(S) @ V from the softmax-normalized output."""
    ell = lse.exp().unsqueeze(-1)
    return out * ell - offset * v_sum


score_mod = generate_activation_score_mod()
