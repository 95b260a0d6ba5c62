# Shared prefix: documents of lengths [3, 2, 2, 2, 3, 2, 2, 2]. Documents 0 and 4 are prompts;
# prefix_of[d] names the prompt document d continues (a prompt names itself). Attention is causal
# inside each document, and every continuation also sees the whole of its prompt, not its siblings.

from torch.nn.attention.flex_attention import and_masks

document_id = [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 7, 7]
prefix_of = [0, 0, 0, 0, 4, 4, 4, 4]


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def own_document_or_prefix(b, h, q_idx, kv_idx):
    q_doc = document_id[q_idx]
    kv_doc = document_id[kv_idx]
    return (q_doc == kv_doc) | (prefix_of[q_doc] == kv_doc)


# The prompt always precedes its continuations, so the causal rule never hides it.
mask_mod = and_masks(causal, own_document_or_prefix)
