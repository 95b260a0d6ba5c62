# shape: B=1 H=1 Q=16 KV=16
"""A Mistral-style sliding window layer, with the mask function transformers builds for it."""

from transformers.masking_utils import sliding_window_causal_mask_function

sliding_window = 4  # config.sliding_window: the token itself and the 3 before it
mask_mod = sliding_window_causal_mask_function(sliding_window)
