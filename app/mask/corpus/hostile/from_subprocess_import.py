# expect: ModuleNotFoundError
"""from subprocess import run, inside the mask file."""

from subprocess import run

run(["echo", "hi"])


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
