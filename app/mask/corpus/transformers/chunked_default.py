# shape: B=1 H=1 Q=10 KV=10
"""Chunked causal attention with no padding, as masking_utils' sdpa_mask docstring shows it
(chunk_size=3, left_padding = torch.zeros(1, dtype=int))."""

import torch

from transformers.masking_utils import chunked_causal_mask_function

mask_mod = chunked_causal_mask_function(3, torch.zeros(1, dtype=int))
