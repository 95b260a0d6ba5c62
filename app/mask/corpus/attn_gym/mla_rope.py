# shape: B=1 H=2 Q=8 KV=8
"""The decoupled RoPE term of Multi-head Latent Attention (DeepSeek-V2) as a score mod.

Reference: https://arxiv.org/pdf/2405.04434
"""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_mla_rope_score_mod(
    query_rope: Tensor,
    key_rope: Tensor,
    num_heads: int,
    scale: float = 1.0,
) -> _score_mod_signature:
    """Returns an MLA RoPE score modification function to be used w/ FlexAttention

    Args:
        query_rope: Positional embeddings for queries [batch, num_heads, seq_len, head_dim]
        key_rope: Positional embeddings for keys [batch, num_heads//128, seq_len, head_dim]
        num_heads: The number of query heads
        scale: Scaling factor for the positional embedding contribution
    """

    def mla_rope_score_mod(
        score: Tensor, b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor
    ) -> Tensor:
        return score + (
            scale * torch.dot(query_rope[b, h, q_idx], key_rope[b, h // num_heads, kv_idx])
        )

    mla_rope_score_mod.__name__ = f"mla_rope_score_mod_scale_{scale}"
    return mla_rope_score_mod


B, H, SEQ_LEN, ROPE_HEAD_DIM = 1, 2, 8, 4
positions = torch.arange(SEQ_LEN, dtype=torch.float32)
inv_freq = 1.0 / (10000 ** (torch.arange(0, ROPE_HEAD_DIM, 2).float() / ROPE_HEAD_DIM))
angles = positions[:, None] * inv_freq[None, :]
rope = torch.cat([angles.cos(), angles.sin()], dim=-1)
# the heads see the same rotation, scaled differently; one shared key head
head_gain = torch.tensor([1.0, 0.5]).view(1, H, 1, 1)
query_pe = rope.view(1, 1, SEQ_LEN, ROPE_HEAD_DIM).expand(B, H, SEQ_LEN, ROPE_HEAD_DIM) * head_gain
key_pe = rope.view(1, 1, SEQ_LEN, ROPE_HEAD_DIM)
score_mod = generate_mla_rope_score_mod(query_rope=query_pe, key_rope=key_pe, num_heads=H)
