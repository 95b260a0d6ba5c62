# shape: B=1 H=2 Q=8 KV=8
"""Activation attention from attention-gym: ReLU on head 0, tanh-approximated GELU on head 1,
both with a larger offset."""

import functools

import torch
import torch.nn.functional as F

from attn_gym.mods import generate_activation_score_mod

relu_mod = generate_activation_score_mod(F.relu, offset=2.0)
gelu_tanh_mod = generate_activation_score_mod(
    activation=functools.partial(F.gelu, approximate="tanh"), offset=2.0
)


def score_mod(score, b, h, q_idx, kv_idx):
    return torch.where(
        h == 0, relu_mod(score, b, h, q_idx, kv_idx), gelu_tanh_mod(score, b, h, q_idx, kv_idx)
    )
