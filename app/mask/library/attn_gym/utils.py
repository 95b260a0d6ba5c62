"""flexmask's implementation of `attn_gym.utils.cdiv`, written from its documented behaviour."""


def cdiv(a: int, b: int) -> int:
    """Ceiling integer division: how many blocks of `b` cover `a` (for positive `b`)."""
    return (a + b - 1) // b
