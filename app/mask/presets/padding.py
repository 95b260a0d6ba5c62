# Padding: two sequences of 10 tokens with 7 and 4 real tokens; pads[b, i] is True where token i
# of batch item b is padding. Padded queries and padded keys are both masked out.
pads = [[False, False, False, False, False, False, False, True, True, True],
        [False, False, False, False, True, True, True, True, True, True]]


def padding(b, h, q_idx, kv_idx):
    return ~pads[b, q_idx] & ~pads[b, kv_idx]


mask_mod = padding
