"""flexmask's `attn_gym.masks`: the public mask generators, re-exported as attention-gym's package
does (VSA and the hand-built causal BlockMask are left out: they build block masks, not mask_mods).
"""

from attn_gym.masks.batchify import batchify_mask_mod
from attn_gym.masks.block_diffusion import generate_block_diffusion_mask
from attn_gym.masks.causal import causal_mask
from attn_gym.masks.dilated_sliding_window import generate_dilated_sliding_window
from attn_gym.masks.document_mask import generate_doc_mask_mod, generate_packed_causal_doc_mask_mod
from attn_gym.masks.flamingo import generate_vision_cross_attention_mask_mod
from attn_gym.masks.global_sliding_window import generate_global_sliding_window
from attn_gym.masks.jetspec import (
    build_tree_ancestor_matrix,
    generate_jetspec_training_mask_mod,
    generate_jetspec_tree_causal_mask_mod,
)
from attn_gym.masks.natten import generate_morton_natten, generate_natten, generate_tiled_natten
from attn_gym.masks.prefix_lm import generate_prefix_lm_mask
from attn_gym.masks.shared_prefix import generate_shared_prefix_mask_mod
from attn_gym.masks.sliding_window import generate_sliding_window
from attn_gym.masks.sta import generate_sta_mask_mod_2d, generate_sta_mask_mod_3d
from attn_gym.masks.svg import generate_spatial_head_mask_mod, generate_temporal_head_mask_mod

__all__ = [
    "batchify_mask_mod",
    "build_tree_ancestor_matrix",
    "causal_mask",
    "generate_block_diffusion_mask",
    "generate_dilated_sliding_window",
    "generate_doc_mask_mod",
    "generate_global_sliding_window",
    "generate_jetspec_training_mask_mod",
    "generate_jetspec_tree_causal_mask_mod",
    "generate_morton_natten",
    "generate_natten",
    "generate_packed_causal_doc_mask_mod",
    "generate_prefix_lm_mask",
    "generate_shared_prefix_mask_mod",
    "generate_sliding_window",
    "generate_spatial_head_mask_mod",
    "generate_sta_mask_mod_2d",
    "generate_sta_mask_mod_3d",
    "generate_temporal_head_mask_mod",
    "generate_tiled_natten",
    "generate_vision_cross_attention_mask_mod",
]
