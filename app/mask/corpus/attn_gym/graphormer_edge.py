# shape: B=1 H=2 Q=6 KV=6
"""Graphormer's edge encoding: the bias of a pair averages per-edge-type weights along its
shortest path. A molecule-like graph of 6 atoms with single (1) and double (2) bonds."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def shortest_path_edge_types(
    adjacency: Tensor, edge_types: Tensor, max_path_len: int
) -> tuple[Tensor, Tensor]:
    """The edge types along each pair's shortest path, truncated to ``max_path_len`` edges.

    Args:
        adjacency: (B, N, N) boolean or 0/1 adjacency matrices.
        edge_types: (B, N, N) integer edge types, read only where an edge exists.
        max_path_len: number of leading path positions to record (K).

    Returns:
        path_edge_types: (B, N, N, K) int32 edge types, 0 past the path's end.
        path_lengths: (B, N, N) int32 min(distance, K), 0 for unreachable pairs and the diagonal.
    """
    B, N, _ = adjacency.shape
    unreachable = N + 1
    dist = torch.where(adjacency.bool(), 1, unreachable)
    dist.diagonal(dim1=-2, dim2=-1).zero_()
    nxt = torch.where(adjacency.bool(), torch.arange(N).expand(B, N, N), -1)
    for k in range(N):
        alt = dist[:, :, k].unsqueeze(-1) + dist[:, k].unsqueeze(1)
        improved = alt < dist
        dist = torch.where(improved, alt, dist)
        nxt = torch.where(improved, nxt[:, :, k].unsqueeze(-1), nxt)

    path_lengths = torch.where(dist > N, 0, dist).clamp_max(max_path_len)
    batch = torch.arange(B).view(B, 1, 1)
    dest = torch.arange(N).view(1, 1, N)
    cur = torch.arange(N).view(1, N, 1).expand(B, N, N)
    path_types = torch.zeros(B, N, N, max_path_len, dtype=torch.int32)
    for n in range(max_path_len):
        valid = path_lengths > n
        step = nxt[batch, cur, dest]
        path_types[..., n] = torch.where(valid, edge_types[batch, cur, step], 0)
        cur = torch.where(valid, step, cur)
    return path_types, path_lengths.to(torch.int32)


def generate_graphormer_edge_bias(
    edge_bias: Tensor, path_edge_types: Tensor, path_lengths: Tensor
) -> _score_mod_signature:
    """Returns a Graphormer edge-encoding score_mod: the mean over path positions n of
    edge_bias[h, n, type of the n-th edge].

    Args:
        edge_bias: (H, K, num_edge_types) bias table.
        path_edge_types: (B, N, N, K) edge types from ``shortest_path_edge_types``.
        path_lengths: (B, N, N) valid position counts from ``shortest_path_edge_types``.
    """
    max_path_len = path_edge_types.shape[-1]
    position_tables = [edge_bias[:, n] for n in range(max_path_len)]

    def graphormer_edge_bias(score, b, h, q_idx, kv_idx):
        length = path_lengths[b, q_idx, kv_idx]
        total = 0.0
        for n, table in enumerate(position_tables):
            contrib = table[h, path_edge_types[b, q_idx, kv_idx, n]]
            total = total + torch.where(length > n, contrib, 0.0)
        return score + total / torch.clamp(length, min=1)

    return graphormer_edge_bias


# atoms 0-1-2-3-4 in a chain with a branch 2-5; bonds 1-2 and 2-5 are double
bonds = [(0, 1, 1), (1, 2, 2), (2, 3, 1), (3, 4, 1), (2, 5, 2)]
N, H, K = 6, 2, 3
adjacency = torch.zeros(1, N, N, dtype=torch.bool)
edge_types = torch.zeros(1, N, N, dtype=torch.int64)
for i, j, kind in bonds:
    adjacency[0, i, j] = adjacency[0, j, i] = True
    edge_types[0, i, j] = edge_types[0, j, i] = kind
path_edge_types, path_lengths = shortest_path_edge_types(adjacency, edge_types, max_path_len=K)
# one weight per head, path position and bond type (0 = none, 1 = single, 2 = double)
edge_bias = torch.arange(H * K * 3, dtype=torch.float32).view(H, K, 3) / 4 - 2
score_mod = generate_graphormer_edge_bias(edge_bias, path_edge_types, path_lengths)
