"""A stand-in for `torch` that runs flexmask's PyTorch export on NumPy, without PyTorch.

The export defines `mask_mod` (and maybe `score_mod`) and calls `create_block_mask` and
`flex_attention`. Here those calls are recorded and stubbed, and `mask_mod` is evaluated the way
create_block_mask's vmap feeds it: on index tensors broadcast over [B, H, Q_LEN, KV_LEN].

Protocol (used by app/mask/pytorchExport.test.ts): one JSON object on stdin,
  {"cases": [{"id", "code", "B", "H", "Q", "KV", "scores": null | [B*H*Q*KV floats],
              "listsAsTensors": bool (for flexmask source rather than its export)}]}
and one JSON object on stdout,
  {"results": [{"id", "error", "mask": "0110...", "scores", "blockMaskCalls"}]}
with the dense mask in row-major [B, H, Q, KV] order.
"""

import inspect
import json
import math
import sys
import traceback
import types

import numpy as np


class Tensor(np.ndarray):
    """An ndarray with the few torch.Tensor methods mask code calls."""

    def clamp(self, min=None, max=None):
        return clamp(self, min, max)

    def abs(self):
        return as_tensor(np.abs(self))

    def to(self, *args, **kwargs):
        dtype = kwargs.get("dtype", args[0] if args and isinstance(args[0], type) else None)
        return as_tensor(self.astype(dtype)) if dtype is not None else self

    def cuda(self, *args, **kwargs):
        return self

    def cpu(self):
        return self

    def int(self):
        return as_tensor(self.astype(np.int64))

    def long(self):
        return as_tensor(self.astype(np.int64))

    def float(self):
        return as_tensor(self.astype(np.float32))

    def bool(self):
        return as_tensor(self.astype(np.bool_))

    def numpy(self):
        return np.asarray(self)


def as_tensor(value, dtype=None):
    return np.asarray(value, dtype=dtype).view(Tensor)


def clamp(x, min=None, max=None):
    x = as_tensor(x)
    if min is not None:
        x = np.maximum(x, min)
    if max is not None:
        x = np.minimum(x, max)
    return as_tensor(x)


def tensor(data, dtype=None, device=None, requires_grad=False):
    return as_tensor(data, dtype=dtype)


def elementwise(fn):
    return lambda *args, **kwargs: as_tensor(fn(*args))


class _Stub:
    """What create_block_mask / flex_attention return: records nothing, does nothing."""

    def __init__(self, kind, **info):
        self.kind = kind
        self.info = info

    def __getattr__(self, name):
        return lambda *args, **kwargs: self

    def __repr__(self):
        return f"<{self.kind} stub>"


block_mask_calls = []


def _create_block_mask_signature(mask_mod, B, H, Q_LEN, KV_LEN, device="cuda", BLOCK_SIZE=128,
                                 _compile=False):
    pass


def create_block_mask(*args, **kwargs):
    bound = inspect.signature(_create_block_mask_signature).bind(*args, **kwargs)
    bound.apply_defaults()
    call = {k: v for k, v in bound.arguments.items() if k != "mask_mod"}
    call["BLOCK_SIZE"] = (
        list(call["BLOCK_SIZE"]) if isinstance(call["BLOCK_SIZE"], (tuple, list))
        else call["BLOCK_SIZE"]
    )
    call["device"] = str(call["device"])
    block_mask_calls.append(call)
    return _Stub("BlockMask", **call)


def flex_attention(query, key, value, score_mod=None, block_mask=None, scale=None,
                   enable_gqa=False, return_lse=False, kernel_options=None):
    out = np.zeros(np.shape(query)[:-1] + np.shape(value)[-1:])
    if return_lse:
        return as_tensor(out), as_tensor(np.zeros(np.shape(query)[:-1]))
    return as_tensor(out)


def noop_mask(b, h, q_idx, kv_idx):
    return as_tensor(True)


def and_masks(*mask_mods):
    def combined(b, h, q_idx, kv_idx):
        result = as_tensor(True)
        for mod in mask_mods:
            result = result & mod(b, h, q_idx, kv_idx)
        return result

    return combined


def or_masks(*mask_mods):
    def combined(b, h, q_idx, kv_idx):
        result = as_tensor(False)
        for mod in mask_mods:
            result = result | mod(b, h, q_idx, kv_idx)
        return result

    return combined


def _random(*shape, **kwargs):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return as_tensor(np.zeros(shape, dtype=np.float32))


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def install():
    """Registers the fake torch (and the submodules an export imports) in sys.modules."""
    flex = _module(
        "torch.nn.attention.flex_attention",
        create_block_mask=create_block_mask,
        flex_attention=flex_attention,
        noop_mask=noop_mask,
        and_masks=and_masks,
        or_masks=or_masks,
        BlockMask=_Stub,
        _mask_mod_signature=object,
        _score_mod_signature=object,
    )
    attention = _module("torch.nn.attention", flex_attention=flex)
    functional = _module("torch.nn.functional")
    nn = _module("torch.nn", attention=attention, functional=functional)
    cuda = _module("torch.cuda", is_available=lambda: False)
    torch = _module(
        "torch",
        Tensor=Tensor,
        IntTensor=Tensor,
        BoolTensor=Tensor,
        tensor=tensor,
        as_tensor=tensor,
        where=lambda c, x, y: as_tensor(np.where(c, x, y)),
        abs=elementwise(np.abs),
        clamp=clamp,
        minimum=elementwise(np.minimum),
        maximum=elementwise(np.maximum),
        tanh=elementwise(np.tanh),
        exp=elementwise(np.exp),
        log=elementwise(np.log),
        sqrt=elementwise(np.sqrt),
        arange=lambda *a, **k: as_tensor(np.arange(*a)),
        randn=_random,
        rand=_random,
        zeros=_random,
        ones=lambda *s, **k: as_tensor(np.ones_like(_random(*s))),
        manual_seed=lambda seed: None,
        device=lambda name: name,
        compile=lambda fn=None, **kwargs: fn if fn is not None else (lambda f: f),
        no_grad=lambda: _NoGrad(),
        bool=np.bool_,
        int32=np.int32,
        int64=np.int64,
        long=np.int64,
        float16=np.float16,
        bfloat16=np.float32,
        float32=np.float32,
        float64=np.float64,
        float=np.float32,
        nn=nn,
        cuda=cuda,
        __version__="0.0-numpy-shim",
    )
    return torch


class _NoGrad:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def index_grids(B, H, Q, KV):
    """The index tensors vmap hands mask_mod, as broadcastable [B, H, Q, KV] grids."""
    return (
        as_tensor(np.arange(B, dtype=np.int64)[:, None, None, None]),
        as_tensor(np.arange(H, dtype=np.int64)[None, :, None, None]),
        as_tensor(np.arange(Q, dtype=np.int64)[None, None, :, None]),
        as_tensor(np.arange(KV, dtype=np.int64)[None, None, None, :]),
    )


def lists_to_tensors(namespace):
    """flexmask reads a top-level list literal as a lookup tensor; PyTorch code would have
    written torch.tensor(...) around it. The defs look globals up when called, so swapping the
    values after the module ran is enough."""
    for name, value in list(namespace.items()):
        if isinstance(value, list):
            namespace[name] = as_tensor(value)


def run_case(case):
    block_mask_calls.clear()
    shape = (case["B"], case["H"], case["Q"], case["KV"])
    namespace = {"__name__": "__main__"}
    exec(compile(case["code"], f"<{case['id']}>", "exec"), namespace)
    if case.get("listsAsTensors"):
        lists_to_tensors(namespace)
    b, h, q, kv = index_grids(*shape)
    mask = np.broadcast_to(np.asarray(namespace["mask_mod"](b, h, q, kv), dtype=np.bool_), shape)
    scores = None
    if case.get("scores") is not None:
        score_mod = namespace.get("score_mod")
        raw = as_tensor(np.asarray(case["scores"], dtype=np.float64).reshape(shape))
        modified = raw if score_mod is None else score_mod(raw, b, h, q, kv)
        scores = [
            None if not math.isfinite(x) else x
            for x in np.broadcast_to(np.asarray(modified, dtype=np.float64), shape).ravel().tolist()
        ]
    return {
        "mask": "".join("1" if x else "0" for x in mask.ravel().tolist()),
        "scores": scores,
        "blockMaskCalls": list(block_mask_calls),
    }


def main():
    install()
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        try:
            results.append({"id": case["id"], "error": None, **run_case(case)})
        except Exception:  # report per case, so one broken export does not hide the others
            results.append({"id": case["id"], "error": traceback.format_exc(limit=4)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
