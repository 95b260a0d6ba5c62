# shape: B=2 H=1 Q=5 KV=5
"""Graphormer's edge encoding from attention-gym on two graphs of 5 nodes (a cycle and a
disconnected pair of edges), paths truncated to 2 edges, with the spatial encoding added."""

import torch

from attn_gym.mods import (
    generate_graphormer_edge_bias,
    generate_graphormer_spatial_bias,
    shortest_path_distances,
    shortest_path_edge_types,
)

N = 5
adjacency = torch.zeros(2, N, N, dtype=torch.int64)
types = torch.zeros(2, N, N, dtype=torch.int64)
for i in range(N):
    j = (i + 1) % N
    adjacency[0, i, j] = adjacency[0, j, i] = 1
    types[0, i, j] = types[0, j, i] = 1 + i % 3
for i, j in [(0, 1), (2, 3)]:
    adjacency[1, i, j] = adjacency[1, j, i] = 1
    types[1, i, j] = types[1, j, i] = 3

path_types, path_lengths = shortest_path_edge_types(adjacency, types, max_path_len=2)
edge = generate_graphormer_edge_bias(
    torch.tensor([[[0.0, 1.0, -1.0, 0.5], [0.0, 0.25, 2.0, -0.75]]]), path_types, path_lengths
)
distances = shortest_path_distances(adjacency, max_distance=2)
spatial = generate_graphormer_spatial_bias(torch.tensor([[0.0, -1.0, -2.0, -10.0]]), distances)


def score_mod(score, b, h, q_idx, kv_idx):
    return spatial(edge(score, b, h, q_idx, kv_idx), b, h, q_idx, kv_idx)
