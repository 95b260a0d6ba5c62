# shape: B=1 H=1 Q=21 KV=21
"""Document masking for sequence-stacked batches: causal attention inside each document."""

import random

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature, noop_mask

from attn_gym.masks import causal_mask


def _offsets_to_doc_ids_tensor(offsets):
    device = offsets.device
    counts = offsets[1:] - offsets[:-1]
    return torch.repeat_interleave(
        torch.arange(len(counts), device=device, dtype=torch.int32), counts
    )


def length_to_offsets(lengths: list[int], device: str | torch.device) -> Tensor:
    """Converts document lengths into cumulative offsets.

    Args:
        lengths: the length of every document.
    """
    offsets = [0]
    offsets.extend(lengths)
    offsets = torch.tensor(offsets, device=device, dtype=torch.int32)
    offsets = torch.cumsum(offsets, dim=-1)
    return offsets


def generate_doc_mask_mod(mask_mod: _mask_mod_signature, offsets: Tensor) -> _mask_mod_signature:
    """Applies `mask_mod` inside every document of a packed sequence.

    Args:
        mask_mod: the mask each document gets.
        offsets: shape (num_documents + 1,): the cumulative document lengths, e.g. [0, 2, 6, 9]
            for three documents of lengths 2, 4 and 3.
    """
    document_id = _offsets_to_doc_ids_tensor(offsets)

    def doc_mask_mod(b, h, q_idx, kv_idx):
        same_doc = document_id[q_idx] == document_id[kv_idx]
        q_logical = q_idx - offsets[document_id[q_idx]]
        kv_logical = kv_idx - offsets[document_id[kv_idx]]
        inner_mask = mask_mod(b, h, q_logical, kv_logical)
        return same_doc & inner_mask

    return doc_mask_mod


def generate_random_lengths(total_length, num_documents):
    # every document gets one token, the rest are spread at random
    lengths = [1] * num_documents
    for _ in range(total_length - num_documents):
        lengths[random.randint(0, num_documents - 1)] += 1
    return lengths


# fixed lengths (generate_random_lengths(21, 4) would pick others every run)
lengths = [5, 7, 3, 6]
offsets = length_to_offsets(lengths, "cpu")
mask_mod = generate_doc_mask_mod(causal_mask, offsets)
