# shape: B=2 H=1 Q=8 KV=8
"""Graphormer's spatial encoding from attention-gym on two small graphs drawn as text (a path
and a star with one loose node), with distances capped at 3."""

import torch

from attn_gym.mods import generate_graphormer_spatial_bias, shortest_path_distances

PATH = [
    ".#......",
    "#.#.....",
    ".#.#....",
    "..#.#...",
    "...#.#..",
    "....#.#.",
    ".....#.#",
    "......#.",
]
STAR = [
    ".######.",
    "#.......",
    "#.......",
    "#.......",
    "#.......",
    "#.......",
    "#.......",
    "........",
]
adjacency = torch.tensor([[[c == "#" for c in row] for row in graph] for graph in (PATH, STAR)])
distances = shortest_path_distances(adjacency, max_distance=3)
assert distances.shape == (2, 8, 8), distances.shape
spatial_bias = torch.tensor([[4.0, 3.0, 2.0, 1.0, -5.0]])
score_mod = generate_graphormer_spatial_bias(spatial_bias, distances)
