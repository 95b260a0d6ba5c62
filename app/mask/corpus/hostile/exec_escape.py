# expect: NameError
"""exec() of a string inside mask_mod."""


def mask_mod(b, h, q_idx, kv_idx):
    exec("import os; os.system('x')")
    return q_idx >= kv_idx
