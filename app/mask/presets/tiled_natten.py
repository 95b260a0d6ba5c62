# Tiled NATTEN: the 6x6 canvas stored tile by tile (2x2 tiles, tiles row-major, pixels inside a
# tile row-major), so neighbours sit closer in the sequence and more blocks come out empty.
CANVAS = 6
KERNEL = 3
TILE = 2


def tiled_x_y(idx):
    tile, within = idx // (TILE * TILE), idx % (TILE * TILE)
    tile_y, tile_x = tile // (CANVAS // TILE), tile % (CANVAS // TILE)
    return tile_x * TILE + within % TILE, tile_y * TILE + within // TILE


def tiled_natten(b, h, q_idx, kv_idx):
    q_x, q_y = tiled_x_y(q_idx)
    kv_x, kv_y = tiled_x_y(kv_idx)
    half = KERNEL // 2
    centre_x = q_x.clamp(half, CANVAS - 1 - half)
    centre_y = q_y.clamp(half, CANVAS - 1 - half)
    return ((centre_x - kv_x).abs() <= half) & ((centre_y - kv_y).abs() <= half)


mask_mod = tiled_natten
