"""flexmask's implementation of attention-gym's `generate_block_diffusion_mask` (BD3-LM's training
mask), written from its documented behaviour."""

from torch.nn.attention.flex_attention import _mask_mod_signature


def generate_block_diffusion_mask(seq_len: int, block_size: int) -> _mask_mod_signature:
    """The Block Diffusion training mask over a sequence of length 2 * seq_len: noised tokens at
    [0, seq_len), clean tokens at [seq_len, 2 * seq_len).

    - noised tokens see the noised tokens of their own block (both ways);
    - noised tokens see clean tokens of strictly earlier blocks;
    - clean tokens see clean tokens of their own and earlier blocks;
    - clean tokens never see noised tokens.

    Args:
        seq_len: length of the clean sequence.
        block_size: tokens per diffusion block.
    """

    def block_diffusion_mask(b, h, q_idx, kv_idx):
        q_noised = q_idx < seq_len
        kv_noised = kv_idx < seq_len
        q_block = (q_idx % seq_len) // block_size
        kv_block = (kv_idx % seq_len) // block_size
        own_block = (q_block == kv_block) & (q_noised == kv_noised)
        noised_to_earlier_clean = q_noised & ~kv_noised & (q_block > kv_block)
        clean_block_causal = ~q_noised & ~kv_noised & (q_block >= kv_block)
        return own_block | noised_to_earlier_clean | clean_block_causal

    block_diffusion_mask.__name__ = f"block_diffusion_{seq_len}_{block_size}"
    return block_diffusion_mask
