"""flexmask's implementation of attention-gym's `generate_sandwich_bias` (Sandwich, "Dissecting
Transformer Length Extrapolation via the Lens of Receptive Field Analysis"), written from its
documented behaviour."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def generate_sandwich_bias(
    H: int, max_seq_len: int, d_bar: int = 128, device: str | torch.device = "cpu"
) -> _score_mod_signature:
    """Sandwich: adds the inner product of the sinusoidal embeddings of the two positions, scaled
    per head: bias(h, m, n) = sum_i cos((m - n) * w_i) * H / (8 * (h + 1)), with
    w_i = 10000 ** (-2 i / d_bar) for i < d_bar // 2.

    The cosine sums are tabulated once over every distance (float32, as attention-gym does, the
    table padded to a multiple of 8 entries) and read at q_idx - kv_idx.

    Args:
        H: the number of heads.
        max_seq_len: the longest sequence the bias is used with.
        d_bar: the embedding width (the paper uses 128).
        device: where the tables live.
    """
    half = torch.arange(d_bar // 2, device=device, dtype=torch.float32)
    frequencies = 1.0 / 10000 ** (2 * half / d_bar)
    offset = max_seq_len - 1
    table_len = (2 * max_seq_len - 1 + 7) // 8 * 8
    distance = torch.arange(table_len, device=device, dtype=torch.float32) - offset
    by_distance = torch.cos(distance.abs().unsqueeze(-1) * frequencies).sum(dim=-1)
    per_head = H / (8.0 * torch.arange(1, H + 1, device=device, dtype=torch.float32))

    def sandwich_mod(score: Tensor, b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor):
        return score + by_distance[q_idx - kv_idx + offset] * per_head[h]

    return sandwich_mod
