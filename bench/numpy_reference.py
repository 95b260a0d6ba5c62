"""The machine's reference point for `npm run bench`: dense float32 attention in NumPy.

Times softmax(q k^T * scale) v over every query and key (no mask: a dense kernel's work) for one
shape, on the same cores the browser uses, and prints one JSON object: the median wall time of
the timed runs and the FLOPs counted as flexmask's bench counts them (every Q x KV element costs
2 D for q.k and 2 DV for the weighted sum of v), so the two GFLOP/s figures compare directly.
"""

import argparse
import json
import time

import numpy as np


def attention(q, k, v, scale):
    scores = np.matmul(q, np.swapaxes(k, -1, -2)) * np.float32(scale)
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return np.matmul(scores, v)


def main():
    parser = argparse.ArgumentParser()
    for name, default in [("B", 1), ("H", 2), ("S", 2048), ("D", 64), ("DV", 64), ("runs", 5)]:
        parser.add_argument(f"--{name}", type=int, default=default)
    a = parser.parse_args()
    rng = np.random.default_rng(0)
    q = rng.standard_normal((a.B, a.H, a.S, a.D), dtype=np.float32)
    k = rng.standard_normal((a.B, a.H, a.S, a.D), dtype=np.float32)
    v = rng.standard_normal((a.B, a.H, a.S, a.DV), dtype=np.float32)
    scale = 1 / np.sqrt(a.D)
    attention(q, k, v, scale)  # warm-up
    times = []
    for _ in range(a.runs):
        start = time.perf_counter()
        attention(q, k, v, scale)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    flops = a.B * a.H * a.S * a.S * (2 * a.D + 2 * a.DV)
    print(json.dumps({"S": a.S, "B": a.B, "H": a.H, "D": a.D, "DV": a.DV,
                      "medianMs": times[len(times) // 2], "flops": flops,
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main()
