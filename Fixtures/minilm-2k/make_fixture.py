#!/usr/bin/env python3
"""Builds Fixtures/minilm-2k from ../shared/datasets/pkgdesc-minilm-10k.

Takes the first 2,000 base vectors and the first 100 queries, and computes the exact top-100
neighbours of each query for the l2, cosine and dot metrics with float64 arithmetic. Ties are
broken by the smaller base id (a stable sort on the distance after ordering by id).

Distances follow QuiverKernels.DistanceMetric:
  l2     = squared Euclidean distance
  cosine = 1 - cos(a, b)   (1 for a zero vector)
  dot    = 1 - a.b

Run from the package root:
  /work/anchors-venv/bin/python Fixtures/minilm-2k/make_fixture.py [SOURCE_DIR]
Fixtures are written once; do not regenerate them unless the README says why.
"""
import os
import sys

import numpy as np

BASE_COUNT = 2000
QUERY_COUNT = 100
K = 100


def read_fvecs(path, count):
    raw = np.fromfile(path, dtype=np.int32)
    dim = int(raw[0])
    rows = raw.reshape(-1, dim + 1)
    assert (rows[:, 0] == dim).all(), path
    return rows[:count, 1:].copy().view(np.float32)


def write_fvecs(path, matrix):
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    n, dim = matrix.shape
    out = np.empty((n, dim + 1), dtype=np.int32)
    out[:, 0] = dim
    out[:, 1:] = matrix.view(np.int32)
    out.tofile(path)


def write_ivecs(path, matrix):
    matrix = np.ascontiguousarray(matrix, dtype=np.int32)
    n, dim = matrix.shape
    out = np.empty((n, dim + 1), dtype=np.int32)
    out[:, 0] = dim
    out[:, 1:] = matrix
    out.tofile(path)


def distances(metric, queries, base):
    q = queries.astype(np.float64)
    b = base.astype(np.float64)
    if metric == "l2":
        return ((q[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    dots = q @ b.T
    if metric == "dot":
        return 1.0 - dots
    qn = np.linalg.norm(q, axis=1)[:, None]
    bn = np.linalg.norm(b, axis=1)[None, :]
    denom = qn * bn
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.where(denom > 0, dots / np.where(denom > 0, denom, 1), 0.0)
    return 1.0 - cos


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    source = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        here, "..", "..", "..", "shared", "datasets", "pkgdesc-minilm-10k")
    if not os.path.exists(os.path.join(source, "base.fvecs")):
        source = "/work/shared/datasets/pkgdesc-minilm-10k"
    base = read_fvecs(os.path.join(source, "base.fvecs"), BASE_COUNT)
    queries = read_fvecs(os.path.join(source, "query.fvecs"), QUERY_COUNT)
    assert base.shape == (BASE_COUNT, 384) and queries.shape == (QUERY_COUNT, 384)
    write_fvecs(os.path.join(here, "base.fvecs"), base)
    write_fvecs(os.path.join(here, "query.fvecs"), queries)
    ids = np.arange(BASE_COUNT)
    for metric in ("l2", "cosine", "dot"):
        dist = distances(metric, queries, base)
        # lexsort: last key is primary; ties on distance fall back to the smaller id.
        order = np.stack([np.lexsort((ids, row))[:K] for row in dist])
        write_ivecs(os.path.join(here, f"groundtruth_{metric}.ivecs"), order)
        top = np.take_along_axis(dist, order, axis=1)
        write_fvecs(os.path.join(here, f"groundtruth_{metric}.dist.fvecs"), top.astype(np.float32))
        print(metric, "done; mean 10th distance", float(top[:, 9].mean()))


if __name__ == "__main__":
    main()
