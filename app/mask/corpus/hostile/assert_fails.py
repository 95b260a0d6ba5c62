# expect: AssertionError
"""Sliding Tile Attention from attention-gym with a canvas the tiles do not divide: the
generator's assert stops it."""

from attn_gym.masks import generate_sta_mask_mod_2d

mask_mod = generate_sta_mask_mod_2d(canvas_hw=(6, 5), kernel_hw=(4, 4), tile_hw=(2, 2))
