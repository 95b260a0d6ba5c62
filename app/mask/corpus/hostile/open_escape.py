# expect: NameError
"""Reading a file from disk to size the window."""

WINDOW = len(open("/etc/passwd").read()) % 8


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx - kv_idx <= WINDOW
