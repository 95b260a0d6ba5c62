# Dilated sliding window: both directions, up to WINDOW tokens away, every DILATION-th token.

import torch

WINDOW = 4
DILATION = 2


def dilated_sliding_window(b, h, q_idx, kv_idx):
    distance = torch.abs(q_idx - kv_idx)
    in_window = distance <= WINDOW
    on_stride = distance % DILATION == 0
    return in_window & on_stride


mask_mod = dilated_sliding_window
