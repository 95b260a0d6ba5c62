"""flexmask's implementation of attention-gym's Graphormer score mods (`shortest_path_distances`,
`generate_graphormer_spatial_bias`, `shortest_path_edge_types`,
`generate_graphormer_edge_bias`, from "Do Transformers Really Perform Badly for Graph
Representation?"), written from their documented behaviour."""

import torch
from torch import Tensor
from torch.nn.attention.flex_attention import _score_mod_signature


def _hop_matrix(adjacency: Tensor, unreachable: int) -> Tensor:
    """One-edge distances: 1 along an edge, 0 on the diagonal, `unreachable` elsewhere."""
    node_count = adjacency.shape[-1]
    hops = torch.where(adjacency.bool(), 1, unreachable)
    return torch.where(torch.eye(node_count, dtype=torch.bool), 0, hops)


def shortest_path_distances(adjacency: Tensor, max_distance: int) -> Tensor:
    """All-pairs shortest-path lengths of unweighted graphs (Floyd-Warshall), with every distance
    past `max_distance`, and every unreachable pair, put in one bucket: max_distance + 1.

    Args:
        adjacency: (B, N, N) bool or 0/1 adjacency matrices.
        max_distance: the largest distance with a bucket of its own.

    Returns:
        (B, N, N) int32 distances in [0, max_distance + 1].
    """
    node_count = adjacency.shape[-1]
    dist = _hop_matrix(adjacency, max(node_count, max_distance + 1))
    for via in range(node_count):
        through = dist[:, :, via : via + 1] + dist[:, via : via + 1, :]
        dist = torch.minimum(dist, through)
    return dist.clamp_max(max_distance + 1).to(torch.int32)


def generate_graphormer_spatial_bias(
    spatial_bias: Tensor, distances: Tensor
) -> _score_mod_signature:
    """Graphormer's spatial encoding: adds spatial_bias[h, distance(q, kv)] to the score.

    Args:
        spatial_bias: (H, num_buckets) table, one value per head and distance bucket (num_buckets
            = max_distance + 2 for shortest_path_distances' output).
        distances: (B, N, N) integer shortest-path distances.
    """

    def graphormer_spatial_bias(score, b, h, q_idx, kv_idx):
        return score + spatial_bias[h, distances[b, q_idx, kv_idx]]

    return graphormer_spatial_bias


def shortest_path_edge_types(
    adjacency: Tensor, edge_types: Tensor, max_path_len: int
) -> tuple[Tensor, Tensor]:
    """The edge types along every pair's shortest path, for Graphormer's edge encoding.

    Floyd-Warshall keeps, for every pair, the first hop of a shortest path (a path only changes
    when a strictly shorter one is found); each path is then walked for at most `max_path_len`
    edges.

    Args:
        adjacency: (B, N, N) bool or 0/1 adjacency matrices.
        edge_types: (B, N, N) integer edge types, read only along edges.
        max_path_len: how many leading edges of a path are recorded (K).

    Returns:
        path_edge_types: (B, N, N, K) int32; 0 past the end of a path.
        path_lengths: (B, N, N) int32, min(distance, K); 0 on the diagonal and for unreachable
            pairs.
    """
    batch, node_count = adjacency.shape[0], adjacency.shape[-1]
    unreachable = node_count + 1
    dist = _hop_matrix(adjacency, unreachable)
    columns = torch.arange(node_count).expand(batch, node_count, node_count)
    first_hop = torch.where(adjacency.bool(), columns, -1)
    for via in range(node_count):
        through = dist[:, :, via : via + 1] + dist[:, via : via + 1, :]
        shorter = through < dist
        dist = torch.where(shorter, through, dist)
        first_hop = torch.where(shorter, first_hop[:, :, via : via + 1], first_hop)
    lengths = torch.where(dist > node_count, 0, dist).clamp_max(max_path_len)

    hops = first_hop.tolist()
    types = edge_types.tolist()
    counts = lengths.tolist()
    walked = []
    for g in range(batch):
        graph_rows = []
        for source in range(node_count):
            row = []
            for target in range(node_count):
                path = [0] * max_path_len
                at = source
                for step in range(counts[g][source][target]):
                    following = hops[g][at][target]
                    path[step] = types[g][at][following]
                    at = following
                row.append(path)
            graph_rows.append(row)
        walked.append(graph_rows)
    path_edge_types = torch.tensor(walked, dtype=torch.int32).view(
        batch, node_count, node_count, max_path_len
    )
    return path_edge_types, lengths.to(torch.int32)


def generate_graphormer_edge_bias(
    edge_bias: Tensor, path_edge_types: Tensor, path_lengths: Tensor
) -> _score_mod_signature:
    """Graphormer's edge encoding: adds the mean, over the first path_lengths[b, q, kv] edges of
    the shortest path, of edge_bias[h, position, edge type].

    Args:
        edge_bias: (H, K, num_edge_types) table.
        path_edge_types: (B, N, N, K), from shortest_path_edge_types.
        path_lengths: (B, N, N), from shortest_path_edge_types.
    """
    max_path_len = path_edge_types.shape[-1]
    per_position = [edge_bias[:, position] for position in range(max_path_len)]

    def graphormer_edge_bias(score, b, h, q_idx, kv_idx):
        length = path_lengths[b, q_idx, kv_idx]
        total = 0.0
        for position, table in enumerate(per_position):
            edge = path_edge_types[b, q_idx, kv_idx, position]
            total = total + torch.where(length > position, table[h, edge], 0.0)
        return score + total / torch.clamp(length, min=1)

    return graphormer_edge_bias
