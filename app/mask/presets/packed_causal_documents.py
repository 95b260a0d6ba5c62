# Packed causal documents: causal, and a key must not lie before the start of the query's
# document. Same lengths (5, 7, 3, 6) as the jagged document preset, and the same picture.

from torch.nn.attention.flex_attention import and_masks

document_id = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3]
doc_start = [0, 5, 12, 15]


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def same_document(b, h, q_idx, kv_idx):
    return kv_idx >= doc_start[document_id[q_idx]]


mask_mod = and_masks(causal, same_document)
