# expect: AttributeError
"""The classic sandbox escape: from a tuple up to object, then down to every class."""

classes = ().__class__.__bases__[0].__subclasses__()


def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
