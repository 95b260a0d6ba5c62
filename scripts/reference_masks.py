"""CPython reference for flexmask's corpus: runs whole mask files as PyTorch would, on the NumPy
torch stand-in (scripts/torch_shim.py), and reports the dense mask and scores.

Each program runs as a module named __main__, with `torch` the shim and `attn_gym` /
`transformers` imported from flexmask's own implementations in app/mask/library/ (fresh for every
program). Then `mask_mod` and `score_mod` are evaluated ONE ELEMENT AT A TIME over the whole
[B, H, Q, KV] grid, which is what vmap means per element: b, h, q_idx and kv_idx are 0-d int64
traced tensors and score a 0-d float64 traced tensor, so `intervals[i][0]` and
`torch.dot(row_a, row_b)` mean what they mean under vmap, and Python control flow on a traced
value raises RuntimeError as vmap does.

Programs run sandboxed the way flexmask's evaluator runs them: names that reach outside the
program (`__import__`, eval, exec, open, globals, ...) are not defined (NameError, raised
only when the code that names them runs), dunder attributes other than __name__ / __doc__ /
__qualname__ / __init__ / __call__ / __module__ raise AttributeError, and only torch, attn_gym,
transformers and a few pure standard modules can be imported (ModuleNotFoundError otherwise).
A program that runs longer than its time limit reports a LimitError.

Protocol: one JSON object on stdin,
  {"programs": [{"id", "code", "B", "H", "Q", "KV", "scores": null | [B*H*Q*KV floats],
                 "timeout": seconds (optional, default 60)}]}
and one JSON object on stdout,
  {"results": [{"id", "error": null | traceback text, "errorKind": null | "NameError" | ...,
                "mask": "0101..." | null, "scores": [...] | null}]}
with the mask and scores in row-major [B, H, Q, KV] order, scores in float64, non-finite scores as
the strings "inf", "-inf" and "nan", and scores null when the program has no score_mod (or none
were sent). Without a mask_mod the mask is all ones.

For a look at masks by eye: python3 scripts/reference_masks.py --show FILE.py ... draws each
file's mask at the shape its `# shape: B=.. H=.. Q=.. KV=..` header gives.
"""

import ast
import builtins
import importlib.abc
import importlib.machinery
import json
import math
import os
import re
import signal
import sys
import traceback

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import torch_shim  # noqa: E402

LIBRARY = os.path.normpath(os.path.join(HERE, "..", "app", "mask", "library"))
LIBRARY_PACKAGES = ("attn_gym", "transformers")
ALLOWED_IMPORTS = {
    "torch",
    "attn_gym",
    "transformers",
    "__future__",
    "collections",
    "dataclasses",
    "enum",
    "functools",
    "itertools",
    "math",
    "numbers",
    "operator",
    "random",
    "typing",
}
REFUSED_NAMES = {
    "__builtins__",
    "__import__",
    "__loader__",
    "__spec__",
    "breakpoint",
    "compile",
    "delattr",
    "eval",
    "exec",
    "exit",
    "globals",
    "help",
    "input",
    "locals",
    "memoryview",
    "open",
    "quit",
    "setattr",
    "vars",
}
ALLOWED_DUNDERS = {"__name__", "__doc__", "__qualname__", "__module__", "__init__", "__call__"}
DEFAULT_TIMEOUT_S = 60
SHAPE_HEADER = re.compile(r"^#\s*shape:\s*B=(\d+)\s+H=(\d+)\s+Q=(\d+)\s+KV=(\d+)", re.MULTILINE)


class LibraryFinder(importlib.abc.MetaPathFinder):
    """Resolves `attn_gym` and `transformers` to app/mask/library/ (their submodules follow from
    the packages' __path__)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in LIBRARY_PACKAGES:
            return importlib.machinery.PathFinder.find_spec(fullname, [LIBRARY])
        return None


def _forget_library():
    for name in list(sys.modules):
        if name.split(".")[0] in LIBRARY_PACKAGES:
            del sys.modules[name]


# ---------------------------------------------------------------------------------------------
# the sandbox


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level != 0 or name.split(".")[0] not in ALLOWED_IMPORTS:
        raise ModuleNotFoundError(f"No module named '{name}'", name=name)
    return builtins.__import__(name, globals, locals, fromlist, level)


def _refuse_name(name):
    raise NameError(f"name '{name}' is not defined", name=name)


def _refuse_attribute(value, name):
    raise AttributeError(f"'{type(value).__name__}' object has no attribute '{name}'")


SANDBOX_BUILTINS = {k: v for k, v in vars(builtins).items() if k not in REFUSED_NAMES}
SANDBOX_BUILTINS["__import__"] = _guarded_import  # what `import` statements call


def _guarded_getattr(value, name, *default):
    # flexmask has getattr but never hands out Python's internals through it.
    if name.startswith("__") and name.endswith("__") and name not in ALLOWED_DUNDERS:
        _refuse_attribute(value, name)
    return getattr(value, name, *default)


SANDBOX_BUILTINS["getattr"] = _guarded_getattr


class _Sandbox(ast.NodeTransformer):
    """Rewrites reads of refused names and dunder attributes into calls that raise, so they fail
    only when (and if) the code holding them runs."""

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in REFUSED_NAMES:
            call = ast.Call(
                func=ast.Name(id="__flexmask_refuse_name__", ctx=ast.Load()),
                args=[ast.Constant(node.id)],
                keywords=[],
            )
            return ast.copy_location(call, node)
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        name = node.attr
        if (
            isinstance(node.ctx, ast.Load)
            and name.startswith("__")
            and name.endswith("__")
            and name not in ALLOWED_DUNDERS
        ):
            call = ast.Call(
                func=ast.Name(id="__flexmask_refuse_attribute__", ctx=ast.Load()),
                args=[node.value, ast.Constant(name)],
                keywords=[],
            )
            return ast.copy_location(call, node)
        return node


class ReferenceTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise ReferenceTimeout("the program ran past its time limit")


# ---------------------------------------------------------------------------------------------
# evaluation


def _encode_score(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def evaluate(namespace, shape, scores):
    mask_mod = namespace.get("mask_mod")
    score_mod = namespace.get("score_mod")
    if mask_mod is None and score_mod is None:
        raise NameError("name 'mask_mod' is not defined", name="mask_mod")
    bits, modified = torch_shim.per_element(mask_mod, score_mod, shape, scores)
    mask = "1" * math.prod(shape) if bits is None else "".join("1" if x else "0" for x in bits)
    return mask, None if modified is None else [_encode_score(x) for x in modified]


def run_program(program):
    _forget_library()
    shape = (program["B"], program["H"], program["Q"], program["KV"])
    tree = _Sandbox().visit(ast.parse(program["code"], filename=f"<{program['id']}>"))
    ast.fix_missing_locations(tree)
    namespace = {
        "__name__": "__main__",
        "__builtins__": SANDBOX_BUILTINS,
        "__flexmask_refuse_name__": _refuse_name,
        "__flexmask_refuse_attribute__": _refuse_attribute,
    }
    exec(compile(tree, f"<{program['id']}>", "exec"), namespace)
    return evaluate(namespace, shape, program.get("scores"))


def run_with_limits(program):
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, program.get("timeout") or DEFAULT_TIMEOUT_S)
    try:
        with np.errstate(all="ignore"):
            mask, scores = run_program(program)
        return {"error": None, "errorKind": None, "mask": mask, "scores": scores}
    except (ReferenceTimeout, MemoryError) as error:
        kind = "LimitError"
        text = f"LimitError: {error}"
    except Exception as error:  # reported per program, so one failure does not hide the others
        kind = type(error).__name__
        text = traceback.format_exc(limit=-6)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {"error": text, "errorKind": kind, "mask": None, "scores": None}


def main():
    torch_shim.install()
    sys.meta_path.insert(0, LibraryFinder())
    if sys.argv[1:2] == ["--show"]:
        show(sys.argv[2:])
        return
    request = json.load(sys.stdin)
    results = [{"id": p["id"], **run_with_limits(p)} for p in request["programs"]]
    json.dump({"results": results}, sys.stdout, allow_nan=False)


def show(paths):
    for path in paths:
        with open(path) as file:
            code = file.read()
        found = SHAPE_HEADER.search(code)
        B, H, Q, KV = (int(g) for g in found.groups()) if found else (1, 1, 16, 16)
        scores = [0.0] * (B * H * Q * KV)
        result = run_with_limits(
            {"id": path, "code": code, "B": B, "H": H, "Q": Q, "KV": KV, "scores": scores}
        )
        print(f"== {path}  B={B} H={H} Q={Q} KV={KV}")
        if result["error"]:
            print(result["error"])
            continue
        mask = result["mask"]
        for b in range(B):
            for h in range(H):
                start = (b * H + h) * Q * KV
                print(f"-- b={b} h={h}  ({mask[start : start + Q * KV].count('1')} ones)")
                for q in range(Q):
                    row = mask[start + q * KV : start + (q + 1) * KV]
                    print("   " + "".join("#" if c == "1" else "." for c in row))
        if result["scores"] is not None:
            first = result["scores"][:KV]
            print(
                "   score_mod(0, b=0, h=0, q=0, kv):",
                [round(s, 4) if isinstance(s, float) else s for s in first],
            )


if __name__ == "__main__":
    main()
