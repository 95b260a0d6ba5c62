"""flexmask's own `attn_gym` package: the mask and score mod generators of attention-gym
(https://github.com/meta-pytorch/attention-gym), re-implemented from their documented behaviour so a
file that imports them runs in the playground. Only the parts that build a mask_mod or score_mod
are here: no visualisation, benchmarking or kernels.
"""

from attn_gym import masks, mods
from attn_gym.utils import cdiv

__all__ = ["cdiv", "masks", "mods"]
