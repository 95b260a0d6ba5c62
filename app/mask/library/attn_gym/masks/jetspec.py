"""flexmask's implementation of attention-gym's JetSpec masks (`build_tree_ancestor_matrix`,
`generate_jetspec_tree_causal_mask_mod`, `generate_jetspec_training_mask_mod`), written from their
documented behaviour."""

from collections.abc import Sequence

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature


def build_tree_ancestor_matrix(
    parent_indices: Sequence[int],
    device: str | torch.device = "cuda",
) -> Tensor:
    """The ancestor matrix of a draft tree: entry [i, j] is True when node j lies on the path
    from the root to node i (node i included).

    Args:
        parent_indices: every node's parent, parents listed before their children; the root's
            entry (conventionally -1) is not read.
        device: where the matrix lives.
    """
    count = len(parent_indices)
    rows = [[column == row for column in range(count)] for row in range(count)]
    for node in range(1, count):
        parent_row = rows[parent_indices[node]]
        rows[node] = [mine or theirs for mine, theirs in zip(rows[node], parent_row)]
    return torch.tensor(rows, dtype=torch.bool, device=device)


def generate_jetspec_tree_causal_mask_mod(
    prefix_length: int,
    ancestor_matrix: Tensor,
) -> _mask_mod_signature:
    """Tree-causal attention for drafting and verifying a token tree in one pass: every node sees
    the whole prefix and its own ancestors in the tree.

    Args:
        prefix_length: keys before the tree's nodes.
        ancestor_matrix: (num_tree_nodes, num_tree_nodes) bool, from build_tree_ancestor_matrix.

    The mask is for Q_LEN = num_tree_nodes and KV_LEN = prefix_length + num_tree_nodes.
    """
    assert prefix_length >= 0, "prefix_length must be non-negative"
    assert ancestor_matrix.ndim == 2, "ancestor_matrix must be 2D"
    assert ancestor_matrix.shape[0] == ancestor_matrix.shape[1], "ancestor_matrix must be square"
    node_count = ancestor_matrix.shape[0]
    assert node_count > 0, "ancestor_matrix must describe at least one tree node"
    ancestors = ancestor_matrix.to(dtype=torch.bool)
    tree_end = prefix_length + node_count

    def jetspec_tree_causal_mask_mod(b, h, q_idx, kv_idx):
        node = (kv_idx - prefix_length).clamp(min=0, max=node_count - 1)
        in_tree = (kv_idx >= prefix_length) & (kv_idx < tree_end)
        return (kv_idx < prefix_length) | (in_tree & ancestors[q_idx, node])

    jetspec_tree_causal_mask_mod.__name__ = (
        f"jetspec_tree_causal_mask_p{prefix_length}_n{node_count}"
    )
    return jetspec_tree_causal_mask_mod


def generate_jetspec_training_mask_mod(
    prefix_length: int,
    block_size: int,
) -> _mask_mod_signature:
    """The multi-block draft-head training mask: queries are sampled blocks of `block_size` tokens;
    keys are the verified prefix followed by the same blocks. A query sees the whole prefix and the
    keys of its own block up to its own position.

    Args:
        prefix_length: verified keys before the sampled blocks.
        block_size: tokens per sampled block, the anchor included.

    The mask is for Q_LEN = num_blocks * block_size and KV_LEN = prefix_length + Q_LEN.
    """
    assert prefix_length >= 0, "prefix_length must be non-negative"
    assert block_size > 0, "block_size must be positive"

    def jetspec_training_mask_mod(b, h, q_idx, kv_idx):
        kv_in_blocks = kv_idx - prefix_length
        same_block = q_idx // block_size == kv_in_blocks // block_size
        not_ahead = kv_in_blocks % block_size <= q_idx % block_size
        return (kv_idx < prefix_length) | ((kv_idx >= prefix_length) & same_block & not_ahead)

    jetspec_training_mask_mod.__name__ = f"jetspec_training_mask_p{prefix_length}_block{block_size}"
    return jetspec_training_mask_mod
