# expect: ModuleNotFoundError
"""Importing os to run a shell command."""

import os

os.system("x")


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
