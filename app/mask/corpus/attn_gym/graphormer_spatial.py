# shape: B=1 H=2 Q=12 KV=12
"""Graphormer's spatial encoding on a ring of 12 nodes, from Do Transformers Really Perform Badly
for Graph Representation?: https://arxiv.org/abs/2106.05234

Every pair of nodes gets a learnable bias indexed by their shortest-path distance.
"""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def shortest_path_distances(adjacency: Tensor, max_distance: int) -> Tensor:
    """Batched all-pairs shortest-path distances (Floyd-Warshall).

    Distances past ``max_distance`` and unreachable pairs share the bucket ``max_distance + 1``.

    Args:
        adjacency: (B, N, N) boolean or 0/1 adjacency matrices.
        max_distance: largest distance with its own bucket.

    Returns:
        (B, N, N) int32 distances in [0, max_distance + 1].
    """
    _, N, _ = adjacency.shape
    unreachable = max(N, max_distance + 1)
    dist = torch.where(adjacency.bool(), 1, unreachable)
    dist.diagonal(dim1=-2, dim2=-1).zero_()
    for k in range(N):
        dist = torch.minimum(dist, dist[:, :, k].unsqueeze(-1) + dist[:, k].unsqueeze(1))
    return dist.clamp_max(max_distance + 1).to(torch.int32)


def generate_graphormer_spatial_bias(
    spatial_bias: Tensor, distances: Tensor
) -> _score_mod_signature:
    """Returns a Graphormer spatial-encoding score_mod.

    Args:
        spatial_bias: (H, num_buckets) bias table, one value per head and distance bucket.
        distances: (B, N, N) integer shortest-path distances.
    """

    def graphormer_spatial_bias(score, b, h, q_idx, kv_idx):
        return score + spatial_bias[h, distances[b, q_idx, kv_idx]]

    return graphormer_spatial_bias


B, H = 1, 2
num_nodes, max_distance = 12, 4
nodes = torch.arange(num_nodes)
adjacency = torch.zeros(B, num_nodes, num_nodes, dtype=torch.bool)
adjacency[:, nodes, (nodes + 1) % num_nodes] = True
adjacency[:, (nodes + 1) % num_nodes, nodes] = True
spatial_bias = torch.stack(
    [
        -torch.arange(max_distance + 2, dtype=torch.float32),
        torch.tensor([3.0, 2.0, 1.5, 1.0, 0.5, 0.0]),
    ]
)
distances = shortest_path_distances(adjacency, max_distance)
score_mod = generate_graphormer_spatial_bias(spatial_bias, distances)
