#!/usr/bin/env python3
"""NumPy anchor for exact search: `X @ q` + top-10 per query, one BLAS thread.

  OPENBLAS_NUM_THREADS=1 /root/.quiver-anchors/bin/python scripts/bench/numpy_exact.py \
      ../shared/datasets/pkgdesc-minilm --queries 50

L2 ranking as ‖x‖² − 2 x·q (the norms computed once, outside the timing). Prints one JSON line.
"""
import argparse
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    return raw.reshape(-1, dim + 1)[:, 1:].copy().view(dtype)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    X = np.ascontiguousarray(read_vecs(os.path.join(args.data, "base.fvecs"), np.float32))
    Q = read_vecs(os.path.join(args.data, "query.fvecs"), np.float32)[: args.queries]
    gt = read_vecs(os.path.join(args.data, "groundtruth_l2.ivecs"), np.int32)
    norms = (X * X).sum(axis=1)
    for q in Q[:10]:
        X @ q
    latencies = []
    hits = 0
    start = time.perf_counter()
    for i, q in enumerate(Q):
        s = time.perf_counter()
        scores = norms - 2 * (X @ q)
        top = np.argpartition(scores, 10)[:10]
        top = top[np.argsort(scores[top])]
        latencies.append((time.perf_counter() - s) * 1000)
        hits += len(set(top.tolist()) & set(gt[i, :10].tolist()))
    total = time.perf_counter() - start
    print(json.dumps({
        "library": f"numpy {np.__version__}", "type": "X @ q + top-10", "threads": 1,
        "queries": len(Q), "recall_at_10": hits / (10 * len(Q)), "qps": len(Q) / total,
        "p50_ms": float(np.percentile(latencies, 50)),
        "gigabytes_per_second": X.nbytes / 1e9 / (total / len(Q))}))


if __name__ == "__main__":
    main()
