"""flexmask's implementation of attention-gym's `generate_activation_score_mod` and
`undo_softmax` (attention with another activation than softmax, through FlexAttention's log-space
trick), written from their documented behaviour."""

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_activation_score_mod(
    activation: Callable[[Tensor], Tensor] = F.gelu,
    offset: float = 1.0,
) -> _score_mod_signature:
    """A score_mod that makes softmax's numerator activation(score) + offset: it returns
    log(activation(score) + offset), so exp() inside softmax undoes the log.

    Args:
        activation: pointwise activation; activation(s) + offset must stay positive.
        offset: keeps the logarithm's argument positive.
    """

    def activation_score_mod(score, b, h, q_idx, kv_idx):
        return torch.log(activation(score) + offset)

    return activation_score_mod


def undo_softmax(
    out: Tensor,
    lse: Tensor,
    v_sum: Tensor,
    offset: float = 1.0,
) -> Tensor:
    """Recovers activation(S) @ V from flex_attention's output under
    generate_activation_score_mod: out * exp(lse) - offset * v_sum.

    Args:
        out: flex_attention's output, [B, H, Q_LEN, HEAD_DIM].
        lse: its log-sum-exp, [B, H, Q_LEN].
        v_sum: the sum of the values each query attends to.
        offset: the offset the score_mod used.
    """
    return out * lse.exp().unsqueeze(-1) - offset * v_sum
