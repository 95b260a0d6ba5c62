# shape: B=1 H=1 Q=32 KV=32
"""NATTEN from attention-gym on a canvas that is not square (8 wide, 4 high), with a 3 x 5 kernel.

attention-gym splits a flat index into idx // canvas_w and idx % canvas_w and clamps the first
with the canvas width, the second with the height; this file keeps exactly that behaviour.
"""

from attn_gym.masks import generate_natten

mask_mod = generate_natten(canvas_w=8, canvas_h=4, kernel_w=3, kernel_h=5)
