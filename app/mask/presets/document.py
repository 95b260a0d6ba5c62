# Jagged documents packed into one sequence of 21 tokens (lengths 5, 7, 3, 6). A token sees only
# its own document, and inside it an inner mask (here causal) runs on document-local positions.
document_id = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3]
offsets = [0, 5, 12, 15, 21]  # where each document starts (and, last, where the sequence ends)


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def document_mask(b, h, q_idx, kv_idx):
    same_doc = document_id[q_idx] == document_id[kv_idx]
    q_logical = q_idx - offsets[document_id[q_idx]]
    kv_logical = kv_idx - offsets[document_id[kv_idx]]
    return same_doc & causal(b, h, q_logical, kv_logical)


mask_mod = document_mask
