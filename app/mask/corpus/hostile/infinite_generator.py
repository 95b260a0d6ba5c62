# expect: NotSupportedError
"""list() over a generator that never stops."""


def naturals():
    n = 0
    while True:
        yield n
        n += 1


ALL = list(naturals())


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
