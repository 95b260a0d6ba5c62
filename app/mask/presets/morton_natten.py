# Morton NATTEN on an 8x8 canvas: tokens follow the Z-order curve, whose index interleaves the bits
# of x (even bits) and y (odd bits). 8x8, not 6x6: Z-order is a permutation only on a power-of-two
# square; on 6x6, indices 0..35 would decode to pixels such as (6, 0) that are off the canvas.
CANVAS = 8
KERNEL = 3


def morton_x_y(idx):
    x = (idx & 1) | ((idx >> 1) & 2) | ((idx >> 2) & 4)
    y = ((idx >> 1) & 1) | ((idx >> 2) & 2) | ((idx >> 3) & 4)
    return x, y


def morton_natten(b, h, q_idx, kv_idx):
    q_x, q_y = morton_x_y(q_idx)
    kv_x, kv_y = morton_x_y(kv_idx)
    half = KERNEL // 2
    centre_x = q_x.clamp(half, CANVAS - 1 - half)
    centre_y = q_y.clamp(half, CANVAS - 1 - half)
    return ((centre_x - kv_x).abs() <= half) & ((centre_y - kv_y).abs() <= half)


mask_mod = morton_natten
