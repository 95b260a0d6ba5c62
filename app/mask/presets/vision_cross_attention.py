# Flamingo's vision cross-attention: 12 text queries attend to 9 image keys (3 images of 3 tokens).
# Text token q sees image i's tokens when intervals[i][0] <= q < intervals[i][1].
image_of_key = [0, 0, 0, 1, 1, 1, 2, 2, 2]
intervals = [[0, 7], [1, 7], [7, 12]]


def vision_cross_attention(b, h, q_idx, kv_idx):
    image = image_of_key[kv_idx]
    return (q_idx >= intervals[image, 0]) & (q_idx < intervals[image, 1])


mask_mod = vision_cross_attention
