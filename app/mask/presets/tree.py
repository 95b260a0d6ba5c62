# Speculative decoding tree: PREFIX verified tokens, then 7 draft tokens forming a tree with
# parents [-1, 0, 1, 1, 3, 3, 0]. The prefix is causal; each draft token sees the whole prefix,
# itself and its ancestors, never a sibling branch. ancestor[i][j]: draft j is draft i or above it.

import torch
from torch.nn.attention.flex_attention import or_masks

PREFIX = 4
ancestor = [[True, False, False, False, False, False, False],
            [True, True, False, False, False, False, False],
            [True, True, True, False, False, False, False],
            [True, True, False, True, False, False, False],
            [True, True, False, True, True, False, False],
            [True, True, False, True, False, True, False],
            [True, False, False, False, False, False, True]]


def prefix_causal(b, h, q_idx, kv_idx):
    return (kv_idx < PREFIX) & (q_idx >= kv_idx)


def tree_ancestors(b, h, q_idx, kv_idx):
    in_tree = (q_idx >= PREFIX) & (kv_idx >= PREFIX)
    # prefix positions map to draft 0; in_tree discards them
    q_draft = torch.where(q_idx >= PREFIX, q_idx - PREFIX, 0)
    kv_draft = torch.where(kv_idx >= PREFIX, kv_idx - PREFIX, 0)
    return in_tree & ancestor[q_draft, kv_draft]


mask_mod = or_masks(prefix_causal, tree_ancestors)
