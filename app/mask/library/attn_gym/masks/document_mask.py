"""flexmask's implementation of attention-gym's document masks (`generate_doc_mask_mod`,
`generate_packed_causal_doc_mask_mod`, `length_to_offsets` and the private
`_offsets_to_doc_ids_tensor`), written from their documented behaviour."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def _offsets_to_doc_ids_tensor(offsets):
    """The document index of every token, from the cumulative offsets [0, end_0, end_1, ...]."""
    lengths = offsets[1:] - offsets[:-1]
    document_numbers = torch.arange(len(lengths), device=offsets.device, dtype=torch.int32)
    return torch.repeat_interleave(document_numbers, lengths)


def length_to_offsets(lengths: list[int], device: str | torch.device) -> Tensor:
    """Turns document lengths into cumulative offsets: [2, 4, 3] gives [0, 2, 6, 9].

    Args:
        lengths: the length of every document, in order.
        device: where the offsets tensor lives.
    """
    starts = torch.tensor([0] + list(lengths), device=device, dtype=torch.int32)
    return torch.cumsum(starts, dim=-1)


def generate_doc_mask_mod(mask_mod: _mask_mod_signature, offsets: Tensor) -> _mask_mod_signature:
    """Applies `mask_mod` inside each document of a packed (sequence-stacked) batch.

    Tokens only see tokens of their own document, and `mask_mod` is asked about positions counted
    from the start of that document.

    Args:
        mask_mod: the mask every document gets.
        offsets: shape (num_documents + 1,), the cumulative token counts, e.g. [0, 2, 6, 9] for
            documents of lengths 2, 4 and 3.
    """
    document_id = _offsets_to_doc_ids_tensor(offsets)

    def doc_mask_mod(b, h, q_idx, kv_idx):
        q_document = document_id[q_idx]
        kv_document = document_id[kv_idx]
        q_in_document = q_idx - offsets[q_document]
        kv_in_document = kv_idx - offsets[kv_document]
        return (q_document == kv_document) & mask_mod(b, h, q_in_document, kv_in_document)

    return doc_mask_mod


def generate_packed_causal_doc_mask_mod(offsets: Tensor) -> _mask_mod_signature:
    """Causal attention inside each packed document: the same mask as
    `generate_doc_mask_mod(causal_mask, offsets)`, written as one key interval per query.

    Args:
        offsets: shape (num_documents + 1,), the cumulative token counts.
    """
    document_id = _offsets_to_doc_ids_tensor(offsets)

    def doc_causal_mask_mod(b, h, q_idx, kv_idx):
        document_start = offsets[document_id[q_idx]]
        return (kv_idx >= document_start) & (kv_idx <= q_idx)

    return doc_causal_mask_mod
