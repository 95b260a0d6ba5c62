"""flexmask's implementation of attention-gym's `generate_global_sliding_window` (Longformer's
local + global attention), written from its documented behaviour."""

from torch import Tensor
from torch.nn.attention.flex_attention import _mask_mod_signature, or_masks


def generate_global_sliding_window(window_size: int, is_global: Tensor) -> _mask_mod_signature:
    """A symmetric local window plus global tokens, which see and are seen by every position.

    Args:
        window_size: the window radius: keys with |q_idx - kv_idx| <= window_size are kept.
        is_global: shape (SEQ_LEN,), bool, True at the global tokens.
    """

    def sliding_window(b, h, q_idx, kv_idx):
        return (q_idx - kv_idx).abs() <= window_size

    def global_attention(b, h, q_idx, kv_idx):
        return is_global[q_idx] | is_global[kv_idx]

    mask = or_masks(sliding_window, global_attention)
    mask.__name__ = f"global_sliding_window_{window_size}"
    return mask
