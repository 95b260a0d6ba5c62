# shape: B=1 H=1 Q=7 KV=10
"""JetSpec tree-causal mask: a draft tree of 7 nodes verified in one pass after a 3-token prefix.

Paper: https://arxiv.org/abs/2606.18394
"""

from collections.abc import Sequence

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def build_tree_ancestor_matrix(
    parent_indices: Sequence[int],
    device: str | torch.device = "cuda",
) -> Tensor:
    """Builds the ancestor matrix of a tree.

    Args:
        parent_indices: The parent of every node, parents before children; the root's entry is
            ignored (conventionally ``-1``).
        device: Output device.

    Returns:
        A bool tensor where ``ancestor[i, j]`` is true when node ``j`` is on the path from the root
        to node ``i``.
    """
    ancestor_matrix = torch.eye(len(parent_indices), dtype=torch.bool)
    for node, parent in enumerate(parent_indices[1:], start=1):
        ancestor_matrix[node] |= ancestor_matrix[parent]
    return ancestor_matrix.to(device=device)


def generate_jetspec_tree_causal_mask_mod(
    prefix_length: int,
    ancestor_matrix: Tensor,
) -> _mask_mod_signature:
    """Generates the tree-causal mask for parallel tree drafting and verification.

    Args:
        prefix_length: Number of prefix keys before the tree's keys.
        ancestor_matrix: Bool ``(num_tree_nodes, num_tree_nodes)`` ancestor matrix.

    Returns:
        A ``mask_mod`` for ``Q_LEN=num_tree_nodes`` and ``KV_LEN=prefix_length + num_tree_nodes``.
    """
    assert prefix_length >= 0, "prefix_length must be non-negative"
    assert ancestor_matrix.ndim == 2, "ancestor_matrix must be 2D"
    assert ancestor_matrix.shape[0] == ancestor_matrix.shape[1], "ancestor_matrix must be square"
    num_tree_nodes = ancestor_matrix.shape[0]
    assert num_tree_nodes > 0, "ancestor_matrix must describe at least one tree node"
    ancestor_matrix = ancestor_matrix.to(dtype=torch.bool)
    tree_stop = prefix_length + num_tree_nodes

    def jetspec_tree_causal_mask_mod(b, h, q_idx, kv_idx):
        tree_idx = (kv_idx - prefix_length).clamp(min=0, max=num_tree_nodes - 1)
        tree_visible = (kv_idx >= prefix_length) & (kv_idx < tree_stop)
        return (kv_idx < prefix_length) | (tree_visible & ancestor_matrix[q_idx, tree_idx])

    jetspec_tree_causal_mask_mod.__name__ = (
        f"jetspec_tree_causal_mask_p{prefix_length}_n{num_tree_nodes}"
    )
    return jetspec_tree_causal_mask_mod


# Figure 3's tree: return, a, -, +, B, b, sum
parent_indices = [-1, 0, 1, 1, 3, 3, 0]
ancestor_matrix = build_tree_ancestor_matrix(parent_indices, device="cpu")
mask_mod = generate_jetspec_tree_causal_mask_mod(3, ancestor_matrix)
