# shape: B=1 H=1 Q=18 KV=18
"""Shared-prefix packing: two prompts, each followed by three sampled responses that all read
their prompt without copying it."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature

from attn_gym.masks.causal import causal_mask
from attn_gym.masks.document_mask import _offsets_to_doc_ids_tensor, length_to_offsets


def generate_shared_prefix_mask_mod(
    offsets: Tensor, prefix_document_id: Tensor
) -> _mask_mod_signature:
    """Generates a packed mask where responses share their prompt.

    Args:
        offsets: Cumulative document offsets with shape ``(num_documents + 1,)``.
        prefix_document_id: For every document, the document holding its prompt. Prompt
            documents map to themselves.

    Note:
        Every document is causal inside itself; a response also sees all of its prompt.
    """
    assert offsets.ndim == 1
    assert prefix_document_id.ndim == 1
    assert prefix_document_id.numel() + 1 == offsets.numel(), (
        f"{prefix_document_id.numel()} prefix ids for {offsets.numel() - 1} documents"
    )
    document_id = _offsets_to_doc_ids_tensor(offsets)

    def shared_prefix_mask_mod(b, h, q_idx, kv_idx):
        q_document = document_id[q_idx]
        q_prefix_document = prefix_document_id[q_document]
        q_prefix_start = offsets[q_prefix_document]
        q_prefix_end = offsets[q_prefix_document + 1]
        own_causal = (kv_idx >= offsets[q_document]) & causal_mask(b, h, q_idx, kv_idx)
        reads_prefix = (
            (q_document != q_prefix_document) & (kv_idx >= q_prefix_start) & (kv_idx < q_prefix_end)
        )
        return own_causal | reads_prefix

    shared_prefix_mask_mod.__name__ = "shared_prefix_mask_mod"
    return shared_prefix_mask_mod


document_lengths = [3, 2, 2, 2, 3, 2, 2, 2]
document_offsets = length_to_offsets(document_lengths, "cpu")
prefix_document_id = torch.tensor([0, 0, 0, 0, 4, 4, 4, 4])
mask_mod = generate_shared_prefix_mask_mod(document_offsets, prefix_document_id)
