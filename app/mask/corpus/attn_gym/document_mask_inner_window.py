# shape: B=1 H=1 Q=24 KV=24
"""Packed documents, each with a sliding window of its own, built from attention-gym's helpers."""

from attn_gym.masks import generate_doc_mask_mod, generate_sliding_window
from attn_gym.masks.document_mask import length_to_offsets

document_lengths = [9, 4, 11]
window = generate_sliding_window(3)
mask_mod = generate_doc_mask_mod(window, length_to_offsets(document_lengths, device="cpu"))
