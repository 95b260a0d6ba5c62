# shape: B=1 H=1 Q=20 KV=20
"""Document masking with full (non-causal) attention inside each document, as an encoder packs
sequences."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature, noop_mask


def _offsets_to_doc_ids_tensor(offsets: Tensor) -> Tensor:
    counts = offsets[1:] - offsets[:-1]
    ids = torch.arange(len(counts), device=offsets.device, dtype=torch.int32)
    return torch.repeat_interleave(ids, counts)


def generate_doc_mask_mod(mask_mod: _mask_mod_signature, offsets: Tensor) -> _mask_mod_signature:
    """Restricts `mask_mod` to pairs of tokens from one document.

    Args:
        mask_mod: the mask inside a document, on positions counted from the document's start.
        offsets: the cumulative document lengths, starting at 0.
    """
    document_id = _offsets_to_doc_ids_tensor(offsets)

    def doc_mask_mod(b, h, q_idx, kv_idx):
        q_doc = document_id[q_idx]
        kv_doc = document_id[kv_idx]
        inner = mask_mod(b, h, q_idx - offsets[q_doc], kv_idx - offsets[kv_doc])
        return (q_doc == kv_doc) & inner

    doc_mask_mod.__name__ = f"doc_{mask_mod.__name__}_{len(offsets) - 1}_docs"
    return doc_mask_mod


offsets = torch.tensor([0, 4, 5, 13, 20], dtype=torch.int32)
mask_mod = generate_doc_mask_mod(noop_mask, offsets)
