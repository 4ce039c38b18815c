#!/usr/bin/env python3
"""Side-by-side anchors for `quiver bench index` (IVF types), in the same session.

Each configuration runs in a fresh child process so that its peak memory (ru_maxrss, which
includes the loaded base vectors, like Quiver's figure) belongs to it alone. Prints one JSON
object per line with the keys of `quiver bench index --json`.

  /work/anchors-venv/bin/python scripts/bench/ivf_anchor.py faiss-ivfpq \
      --data /work/shared/datasets/pkgdesc-minilm --nlist 316 --m 48 --refine 10 \
      --nprobes 10,20,40,80
  /root/.quiver-anchors/bin/python scripts/bench/ivf_anchor.py faiss-ivfpq --fast-scan \
      --nlist 316 --m 96 --refine 10 --nprobes 20,40,48
  /work/anchors-venv/bin/python scripts/bench/ivf_anchor.py lance-build \
      --data /work/shared/datasets/pkgdesc-minilm [--nlist 316 --m 48]
  /root/.quiver-anchors/bin/python scripts/bench/ivf_anchor.py faiss-hnswsq \
      --data /work/data/gmm-1m --m 16 --ef-construction 200 --efs 32,64,128
"""
import argparse
import json
import os
import resource
import time

import numpy as np

from anchor_common import (
    K, faiss_refined, lance_anchor_table, lance_index_bytes, load, recall_at_k, timed)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def search_sweep(index, Q, gt, settings, apply):
    """Single-thread recall@10 and latency for each of `settings`, set on the index by `apply`;
    yields (setting, recall, qps, p50_ms, p99_ms)."""
    for setting in settings:
        apply(setting)
        found, lat, total = timed(lambda q: index.search(q[None, :], K)[1][0], Q)
        yield setting, recall_at_k(found, gt), len(Q) / total, float(np.percentile(lat, 50)), float(
            np.percentile(lat, 99))


def faiss_ivfpq(args):
    import faiss
    X, Q, gt = load(args.data, "l2")
    n, d = X.shape
    faiss.omp_set_num_threads(os.cpu_count())
    c = cpu_seconds()
    t = time.perf_counter()
    quantizer = faiss.IndexFlatL2(d)
    if args.fast_scan:
        # 4-bit codes in blocks of 32, scanned with SIMD shuffles (FAISS's best IVF point here).
        ivf = faiss.IndexIVFPQFastScan(quantizer, d, args.nlist, args.m, 4)
    else:
        ivf = faiss.IndexIVFPQ(quantizer, d, args.nlist, args.m, args.bits)
    ivf.train(X)
    ivf.add(X)
    build = time.perf_counter() - t
    build_cpu = cpu_seconds() - c
    peak = peak_bytes()
    size = int(faiss.serialize_index(ivf).size)
    index = faiss_refined(ivf, X, args.refine)
    faiss.omp_set_num_threads(1)
    nprobes = [int(v) for v in args.nprobes.split(",")]
    def apply(nprobe):
        ivf.nprobe = nprobe
    for nprobe, recall, qps, p50, p99 in search_sweep(index, Q[:args.queries], gt, nprobes, apply):
        print(json.dumps({
            "library": f"faiss {faiss.__version__}",
            "type": ("IndexIVFPQFastScan" if args.fast_scan else "IndexIVFPQ")
            + ("+IndexRefineFlat" if args.refine else ""),
            "metric": "l2", "nprobes": nprobe, "ef": None, "refine_factor": args.refine,
            "num_partitions": args.nlist, "num_sub_vectors": args.m, "num_bits": 4 if args.fast_scan else args.bits,
            "recall_at_10": recall, "qps": qps, "p50_ms": p50, "p99_ms": p99,
            "median_qps": 1000 / p50,
            "build_seconds": build, "build_cpu_seconds": build_cpu, "index_bytes": size,
            "peak_memory_bytes": peak, "threads": 1}), flush=True)


def faiss_hnswsq(args):
    """FAISS's IndexHNSWSQ (8-bit scalar quantizer, one graph over every row): train + add on
    all cores, then single-thread searches at each efSearch of --efs."""
    import faiss
    X, Q, gt = load(args.data, "l2")
    n, d = X.shape
    faiss.omp_set_num_threads(os.cpu_count())
    c = cpu_seconds()
    t = time.perf_counter()
    index = faiss.IndexHNSWSQ(d, faiss.ScalarQuantizer.QT_8bit, args.m)
    index.hnsw.efConstruction = args.ef_construction
    index.train(X)
    index.add(X)
    build = time.perf_counter() - t
    build_cpu = cpu_seconds() - c
    peak = peak_bytes()
    faiss.omp_set_num_threads(1)
    efs = [int(v) for v in args.efs.split(",")]
    def apply(ef):
        index.hnsw.efSearch = ef
    for ef, recall, qps, p50, p99 in search_sweep(index, Q[:args.queries], gt, efs, apply):
        print(json.dumps({
            "library": f"faiss {faiss.__version__}", "type": "IndexHNSWSQ(QT_8bit)",
            "metric": "l2", "nprobes": None, "ef": ef, "refine_factor": 0, "m": args.m,
            "ef_construction": args.ef_construction, "recall_at_10": recall, "qps": qps,
            "p50_ms": p50, "p99_ms": p99, "build_seconds": build, "build_cpu_seconds": build_cpu,
            "peak_memory_bytes": peak, "threads": 1}), flush=True)


def lance_build(args):
    import lancedb
    from lancedb.index import IvfPq
    with lance_anchor_table(args.data, "lance-ivf-anchor-") as (tbl, root, _, _):
        before_peak = peak_bytes()
        kwargs = {"distance_type": "l2"}
        if args.nlist:
            kwargs["num_partitions"] = args.nlist
        if args.m:
            kwargs["num_sub_vectors"] = args.m
        c = cpu_seconds()
        t = time.perf_counter()
        tbl.create_index("vector", config=IvfPq(**kwargs), replace=True)
        build = time.perf_counter() - t
        build_cpu = cpu_seconds() - c
        size = lance_index_bytes(root)
        print(json.dumps({
            "library": f"lancedb {lancedb.__version__}", "type": "IVF_PQ create_index",
            "metric": "l2", "num_partitions": args.nlist or "default",
            "num_sub_vectors": args.m or "default", "build_seconds": build,
            "build_cpu_seconds": build_cpu,
            "index_bytes": size, "peak_memory_bytes": peak_bytes(),
            "peak_before_build_bytes": before_peak}), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["faiss-ivfpq", "faiss-hnswsq", "lance-build"])
    parser.add_argument("--data", default="/work/shared/datasets/pkgdesc-minilm")
    parser.add_argument("--nlist", type=int, default=None)
    parser.add_argument("--m", type=int, default=None)
    parser.add_argument("--bits", type=int, default=8)
    parser.add_argument("--refine", type=int, default=10)
    parser.add_argument("--fast-scan", action="store_true",
                        help="IndexIVFPQFastScan (4-bit codes, ignores --bits)")
    parser.add_argument("--nprobes", default="10,20,40,80")
    parser.add_argument("--ef-construction", type=int, default=200, help="faiss-hnswsq")
    parser.add_argument("--efs", default="32,64,128", help="faiss-hnswsq: efSearch values")
    parser.add_argument("--queries", type=int, default=1000, help="queries used (first N)")
    args = parser.parse_args()
    if args.what == "faiss-ivfpq":
        args.nlist = args.nlist or 316
        args.m = args.m or 48
        faiss_ivfpq(args)
    elif args.what == "faiss-hnswsq":
        args.m = args.m or 16
        faiss_hnswsq(args)
    else:
        lance_build(args)


if __name__ == "__main__":
    main()
