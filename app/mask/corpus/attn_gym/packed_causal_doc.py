# shape: B=2 H=1 Q=18 KV=18
"""Causal attention over packed documents, written as one key interval per query."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature

from attn_gym.masks import causal_mask


def length_to_offsets(lengths: list[int], device: str | torch.device) -> Tensor:
    """Document lengths to cumulative offsets: [2, 4, 3] -> [0, 2, 6, 9]."""
    return torch.cumsum(torch.tensor([0] + lengths, device=device, dtype=torch.int32), dim=-1)


def generate_packed_causal_doc_mask_mod(offsets: Tensor) -> _mask_mod_signature:
    """Generates a causal document mask for packed sequences sharing one offset layout.

    Args:
        offsets: Cumulative document token counts with shape ``(num_documents + 1,)``.

    Note:
        The same mask as a document mask around causal_mask: a query sees the keys from its
        document's start up to itself.
    """
    counts = offsets[1:] - offsets[:-1]
    document_id = torch.repeat_interleave(torch.arange(counts.numel(), dtype=torch.int32), counts)

    def doc_causal_mask_mod(b, h, q_idx, kv_idx):
        doc_start = offsets[document_id[q_idx]]
        return (kv_idx >= doc_start) & causal_mask(b, h, q_idx, kv_idx)

    return doc_causal_mask_mod


mask_mod = generate_packed_causal_doc_mask_mod(length_to_offsets([6, 1, 4, 7], "cpu"))
