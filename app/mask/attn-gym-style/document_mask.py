"""Document masking for sequence-stacked (packed) batches."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature

# Four documents of lengths 5, 7, 3 and 6 stacked into 21 tokens: their cumulative offsets, and
# the document of every token (in PyTorch: torch.repeat_interleave over the lengths).
offsets = [0, 5, 12, 15, 21]
document_id = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3]


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def generate_doc_mask_mod(mask_mod: _mask_mod_signature, offsets: Tensor) -> _mask_mod_signature:
    """Restricts `mask_mod` to pairs inside one document, on document-local positions.

    Args:
        mask_mod: the mask every document gets, seeing positions counted from its own start.
        offsets: shape (num_documents + 1,), the cumulative token counts.
    """

    def doc_mask_mod(b, h, q_idx, kv_idx):
        same_doc = document_id[q_idx] == document_id[kv_idx]
        q_logical = q_idx - offsets[document_id[q_idx]]
        kv_logical = kv_idx - offsets[document_id[kv_idx]]
        inner_mask = mask_mod(b, h, q_logical, kv_logical)
        return same_doc & inner_mask

    return doc_mask_mod


mask_mod = generate_doc_mask_mod(causal_mask, offsets)
