# NATTEN: a 6x6 canvas flattened row by row; each pixel sees a KERNEL x KERNEL neighbourhood whose
# centre follows the query but is clamped away from the edges, so every pixel sees KERNEL**2 keys.
CANVAS = 6
KERNEL = 3


def natten(b, h, q_idx, kv_idx):
    q_y, q_x = q_idx // CANVAS, q_idx % CANVAS
    kv_y, kv_x = kv_idx // CANVAS, kv_idx % CANVAS
    half = KERNEL // 2
    centre_x = q_x.clamp(half, CANVAS - 1 - half)
    centre_y = q_y.clamp(half, CANVAS - 1 - half)
    return ((centre_x - kv_x).abs() <= half) & ((centre_y - kv_y).abs() <= half)


mask_mod = natten
