"""flexmask's implementation of attention-gym's `generate_mla_rope_score_mod` (the decoupled RoPE
term of DeepSeek-V2's Multi-head Latent Attention), written from its documented behaviour."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_mla_rope_score_mod(
    query_rope: Tensor,
    key_rope: Tensor,
    num_heads: int,
    scale: float = 1.0,
) -> _score_mod_signature:
    """Adds scale * <query_rope[b, h, q_idx], key_rope[b, h // num_heads, kv_idx]> to the score.

    Args:
        query_rope: [batch, num_heads, seq_len, rope_dim] query position embeddings.
        key_rope: [batch, key_heads, seq_len, rope_dim] key position embeddings (one shared head
            in MLA, which is what h // num_heads picks).
        num_heads: the number of query heads.
        scale: weight of the positional term.
    """

    def mla_rope_score_mod(
        score: Tensor, b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor
    ) -> Tensor:
        q_rope = query_rope[b, h, q_idx]
        k_rope = key_rope[b, h // num_heads, kv_idx]
        return score + scale * torch.dot(q_rope, k_rope)

    mla_rope_score_mod.__name__ = f"mla_rope_score_mod_scale_{scale}"
    return mla_rope_score_mod
