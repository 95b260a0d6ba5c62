# Batchify: cut the sequence into groups of SIZE tokens; tokens attend only inside their group,
# and there an inner mask (here causal) runs on the positions within the group.
SIZE = 4


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def batchify(b, h, q_idx, kv_idx):
    same_group = q_idx // SIZE == kv_idx // SIZE
    return same_group & causal(b, h, q_idx % SIZE, kv_idx % SIZE)


mask_mod = batchify
