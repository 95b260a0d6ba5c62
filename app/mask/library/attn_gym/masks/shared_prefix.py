"""flexmask's implementation of attention-gym's `generate_shared_prefix_mask_mod`, written from its
documented behaviour."""

from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature

from attn_gym.masks.causal import causal_mask
from attn_gym.masks.document_mask import _offsets_to_doc_ids_tensor


def generate_shared_prefix_mask_mod(
    offsets: Tensor, prefix_document_id: Tensor
) -> _mask_mod_signature:
    """Packed prompts shared by several continuations, without copying the prompt tokens.

    Every document is causal inside itself. A continuation document also sees all of its prefix
    document (the document `prefix_document_id` names for it); a prefix document names itself.

    Args:
        offsets: shape (num_documents + 1,), the cumulative token counts.
        prefix_document_id: shape (num_documents,), the prefix document of every document.
    """
    assert offsets.ndim == 1
    assert prefix_document_id.ndim == 1
    assert prefix_document_id.device == offsets.device
    assert prefix_document_id.numel() + 1 == offsets.numel()
    document_id = _offsets_to_doc_ids_tensor(offsets)

    def shared_prefix_mask_mod(b, h, q_idx, kv_idx):
        document = document_id[q_idx]
        prefix = prefix_document_id[document]
        own_document = (kv_idx >= offsets[document]) & causal_mask(b, h, q_idx, kv_idx)
        in_prefix = (kv_idx >= offsets[prefix]) & (kv_idx < offsets[prefix + 1])
        return own_document | ((document != prefix) & in_prefix)

    shared_prefix_mask_mod.__name__ = "shared_prefix_mask_mod"
    return shared_prefix_mask_mod
