# JetSpec tree-causal attention, after attention-gym's masks/jetspec.py: a tree of draft tokens is
# verified in one pass. The queries are the tree's nodes (parent-before-child order), the keys
# are PREFIX_LENGTH verified tokens and then the same nodes. A node sees the whole prefix, itself
# and its ancestors, never a sibling branch. parent_indices[i] is node i's parent (-1: the root).

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature

PREFIX_LENGTH = 4
parent_indices = [-1, 0, 0, 1, 1, 2]


def build_tree_ancestor_matrix(parent_indices: list[int]) -> Tensor:
    """ancestor[i, j] is True when node j lies on the path from the root to node i (i included).

    Args:
        parent_indices: each node's parent, parents before children; the root's entry is ignored.
    """
    num_nodes = len(parent_indices)
    ancestor = torch.eye(num_nodes, dtype=torch.bool)
    for node in range(1, num_nodes):
        parent = parent_indices[node]
        assert 0 <= parent < node, f"node {node}'s parent {parent} must be an earlier node"
        # a node's ancestors are its parent's, plus itself
        ancestor[node] |= ancestor[parent]
    return ancestor


def generate_jetspec_tree_causal_mask_mod(
    prefix_length: int,
    ancestor_matrix: Tensor,
) -> _mask_mod_signature:
    """Builds the tree-causal mask mod, for Q_LEN = nodes and KV_LEN = prefix_length + nodes.

    Args:
        prefix_length: verified tokens before the tree's keys.
        ancestor_matrix: square, (nodes, nodes); [i, j] is True when node j is node i or above it.
    """
    assert prefix_length >= 0, f"prefix_length must be at least 0, not {prefix_length}"
    assert ancestor_matrix.ndim == 2, f"ancestor_matrix must be 2-D, not {ancestor_matrix.ndim}-D"
    num_nodes = ancestor_matrix.shape[0]
    assert ancestor_matrix.shape[1] == num_nodes, "ancestor_matrix must be square"
    assert num_nodes > 0, "the tree needs at least one node"
    ancestor_matrix = ancestor_matrix.to(dtype=torch.bool)
    tree_end = prefix_length + num_nodes

    def jetspec_tree_causal_mask_mod(b, h, q_idx, kv_idx):
        # the key's node; prefix keys clamp to node 0, and tree_key rules them out
        kv_node = (kv_idx - prefix_length).clamp(min=0, max=num_nodes - 1)
        tree_key = (kv_idx >= prefix_length) & (kv_idx < tree_end)
        return (kv_idx < prefix_length) | (tree_key & ancestor_matrix[q_idx, kv_node])

    jetspec_tree_causal_mask_mod.__name__ = f"jetspec_tree_p{prefix_length}_n{num_nodes}"
    return jetspec_tree_causal_mask_mod


mask_mod = generate_jetspec_tree_causal_mask_mod(
    PREFIX_LENGTH, build_tree_ancestor_matrix(parent_indices)
)
