# JetSpec draft-head training, after attention-gym's masks/jetspec.py: the queries are sampled
# blocks of BLOCK_SIZE tokens (here 3 blocks, so 9 queries), each an anchor token and the future
# tokens the draft head must predict; the keys are PREFIX_LENGTH verified tokens and then the same
# blocks. A query sees the whole prefix and, inside its own block, the anchor and the positions up
# to its own: never a later position, never another block.

from torch.nn.attention.flex_attention import _mask_mod_signature

PREFIX_LENGTH = 4
BLOCK_SIZE = 3


def generate_jetspec_training_mask_mod(
    prefix_length: int,
    block_size: int,
) -> _mask_mod_signature:
    """Builds the draft-head training mask mod, for Q_LEN = blocks * block_size queries and
    KV_LEN = prefix_length + blocks * block_size keys.

    Args:
        prefix_length: verified tokens before the sampled blocks' keys.
        block_size: tokens in one sampled block, the anchor included.
    """
    assert prefix_length >= 0, f"prefix_length must be at least 0, not {prefix_length}"
    assert block_size > 0, f"block_size must be positive, not {block_size}"

    def jetspec_training_mask_mod(b, h, q_idx, kv_idx):
        kv_pos = kv_idx - prefix_length  # the key's position among the blocks' keys
        same_block = q_idx // block_size == kv_pos // block_size
        not_later = kv_pos % block_size <= q_idx % block_size
        block_key = kv_idx >= prefix_length
        return (kv_idx < prefix_length) | (block_key & same_block & not_later)

    jetspec_training_mask_mod.__name__ = f"jetspec_training_p{prefix_length}_b{block_size}"
    return jetspec_training_mask_mod


mask_mod = generate_jetspec_training_mask_mod(PREFIX_LENGTH, BLOCK_SIZE)
