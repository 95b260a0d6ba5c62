# shape: B=1 H=1 Q=20 KV=20
"""Batchify of a sliding window: groups of 5 tokens, a causal window of 2 inside each group."""

from torch.nn.attention.flex_attention import _mask_mod_signature

from attn_gym.masks import batchify_mask_mod, generate_sliding_window

GROUP = 5
inner: _mask_mod_signature = generate_sliding_window(window_size=2)
mask_mod = batchify_mask_mod(inner, GROUP)
assert mask_mod.__name__ == "batched_mask_mod_sliding_window_2_batch_size_5", mask_mod.__name__
