"""flexmask's implementation of attention-gym's `generate_prefix_lm_mask`, written from its
documented behaviour."""

from torch.nn.attention.flex_attention import _mask_mod_signature, or_masks

from attn_gym.masks.causal import causal_mask


def generate_prefix_lm_mask(prefix_length: int) -> _mask_mod_signature:
    """Every query sees the whole prefix (keys before `prefix_length`); the rest is causal.

    Args:
        prefix_length: how many leading tokens form the bidirectional prefix.
    """

    def prefix_mask(b, h, q_idx, kv_idx):
        return kv_idx < prefix_length

    mask = or_masks(prefix_mask, causal_mask)
    mask.__name__ = f"prefix_lm_causal_mask_{prefix_length}"
    return mask
