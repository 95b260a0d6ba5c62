"""flexmask's implementation of attention-gym's `causal_mask`, written from its documented
behaviour: a query sees itself and every earlier key."""


def causal_mask(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx
