# shape: B=1 H=2 Q=12 KV=17
"""JetSpec masks from attention-gym: head 0 trains the draft head on three sampled blocks of 4
after a 5-token prefix; head 1 verifies a 12-node tree after the same prefix."""

import torch

from attn_gym.masks import (
    build_tree_ancestor_matrix,
    generate_jetspec_training_mask_mod,
    generate_jetspec_tree_causal_mask_mod,
)

PREFIX = 5
training = generate_jetspec_training_mask_mod(PREFIX, block_size=4)

# a chain of three, then branches: every node's parent comes before it
parents = [-1, 0, 1, 1, 1, 2, 2, 3, 4, 4, 8, 0]
tree = generate_jetspec_tree_causal_mask_mod(PREFIX, build_tree_ancestor_matrix(parents, "cpu"))


def mask_mod(b, h, q_idx, kv_idx):
    return torch.where(h == 0, training(b, h, q_idx, kv_idx), tree(b, h, q_idx, kv_idx))
