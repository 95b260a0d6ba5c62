"""flexmask's `attn_gym.mods`: the public score mod generators, re-exported as attention-gym's
package does."""

from attn_gym.mods.activation import generate_activation_score_mod, undo_softmax
from attn_gym.mods.alibi import generate_alibi_bias
from attn_gym.mods.graphormer import (
    generate_graphormer_edge_bias,
    generate_graphormer_spatial_bias,
    shortest_path_distances,
    shortest_path_edge_types,
)
from attn_gym.mods.latent_attention import generate_mla_rope_score_mod
from attn_gym.mods.sandwich import generate_sandwich_bias
from attn_gym.mods.softcapping import generate_tanh_softcap

__all__ = [
    "generate_activation_score_mod",
    "generate_alibi_bias",
    "generate_graphormer_edge_bias",
    "generate_graphormer_spatial_bias",
    "generate_mla_rope_score_mod",
    "generate_sandwich_bias",
    "generate_tanh_softcap",
    "shortest_path_distances",
    "shortest_path_edge_types",
    "undo_softmax",
]
