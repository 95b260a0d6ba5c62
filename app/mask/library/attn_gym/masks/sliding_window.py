"""flexmask's implementation of attention-gym's `generate_sliding_window`, written from its
documented behaviour: causal attention limited to a lookback window."""

from torch.nn.attention.flex_attention import _mask_mod_signature, and_masks

from attn_gym.masks.causal import causal_mask


def generate_sliding_window(window_size: int) -> _mask_mod_signature:
    """A causal mask that also drops keys more than `window_size` positions back.

    Args:
        window_size: how far back a query may look; the query itself plus `window_size` earlier
            keys stay visible (window_size + 1 keys in all).
    """

    def sliding_window(b, h, q_idx, kv_idx):
        return q_idx - kv_idx <= window_size

    mask = and_masks(sliding_window, causal_mask)
    mask.__name__ = f"sliding_window_{window_size}"
    return mask
