#!/usr/bin/env python3
"""Anchors for IVF_RQ (`quiver bench index --type IVF_RQ`), in the same session (issue #14).

  faiss-ivfrq: FAISS IndexIVFRaBitQ (nb_bits bits per dimension, qb-bit queries), optionally
               behind IndexRefineFlat (exact re-rank of k × refine candidates).
  lance-ivfrq: LanceDB's IvfRq index through table.search (refine_factor re-ranks exactly).

Prints one JSON object per nprobes setting with the keys of `quiver bench index --json`; one
thread per query, recall@10 against the dataset's l2 ground truth.

  /root/.quiver-anchors/bin/python scripts/bench/rabitq_anchor.py faiss-ivfrq \
      --data ../shared/datasets/pkgdesc-minilm --nlist 316 --bits 4 --refine 5 --nprobes 20,40
  /root/.quiver-anchors/bin/python scripts/bench/rabitq_anchor.py lance-ivfrq \
      --data ../shared/datasets/pkgdesc-minilm --nlist 316 --bits 1 --refine 5 --nprobes 20,40
"""
import argparse
import json
import os
import time

import numpy as np

from anchor_common import (
    K, faiss_refined, lance_anchor_table, lance_index_bytes, load, recall_at_k, timed)


def report(library, kind, args, nprobe, found, gt, lat, total, build, size):
    recall = recall_at_k(found, gt)
    print(json.dumps({
        "library": library, "type": kind, "metric": "l2", "nprobes": nprobe,
        "refine_factor": args.refine, "num_partitions": args.nlist, "num_bits": args.bits,
        "recall_at_10": float(recall), "qps": len(found) / total,
        "p50_ms": float(np.percentile(lat, 50)), "median_qps": 1000 / float(np.percentile(lat, 50)),
        "build_seconds": build, "index_bytes": size, "threads": 1}), flush=True)


def faiss_ivfrq(args):
    import faiss
    X, Q, gt = load(args.data, "l2")
    n, d = X.shape
    faiss.omp_set_num_threads(os.cpu_count())
    t = time.perf_counter()
    quantizer = faiss.IndexFlatL2(d)
    ivf = faiss.IndexIVFRaBitQ(quantizer, d, args.nlist, faiss.METRIC_L2, True, args.bits)
    ivf.qb = args.query_bits
    ivf.train(X)
    ivf.add(X)
    build = time.perf_counter() - t
    size = int(faiss.serialize_index(ivf).size)
    index = faiss_refined(ivf, X, args.refine)
    faiss.omp_set_num_threads(1)
    for nprobe in [int(v) for v in args.nprobes.split(",")]:
        ivf.nprobe = nprobe
        found, lat, total = timed(lambda q: index.search(q[None, :], K)[1][0], Q)
        kind = f"IndexIVFRaBitQ(qb={args.query_bits})" + ("+IndexRefineFlat" if args.refine else "")
        report(f"faiss {faiss.__version__}", kind, args, nprobe, found, gt, lat, total, build, size)


def lance_ivfrq(args):
    import lancedb
    from lancedb.index import IvfRq
    with lance_anchor_table(args.data, "lance-rq-anchor-") as (tbl, root, Q, gt):
        t = time.perf_counter()
        tbl.create_index(
            "vector",
            config=IvfRq(distance_type="l2", num_partitions=args.nlist, num_bits=args.bits),
            replace=True)
        build = time.perf_counter() - t
        size = lance_index_bytes(root)
        for nprobe in [int(v) for v in args.nprobes.split(",")]:
            def search(q):
                s = tbl.search(q).limit(K).nprobes(nprobe).select(["id"])
                if args.refine:
                    s = s.refine_factor(args.refine)
                return s.to_arrow()["id"].to_numpy()
            found, lat, total = timed(search, Q)
            report(f"lancedb {lancedb.__version__}", "IVF_RQ table.search", args, nprobe, found,
                   gt, lat, total, build, size)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["faiss-ivfrq", "lance-ivfrq"])
    parser.add_argument("--data", default="../shared/datasets/pkgdesc-minilm")
    parser.add_argument("--nlist", type=int, default=316)
    parser.add_argument("--bits", type=int, default=1)
    parser.add_argument("--query-bits", type=int, default=8)
    parser.add_argument("--refine", type=int, default=0)
    parser.add_argument("--nprobes", default="20")
    args = parser.parse_args()
    {"faiss-ivfrq": faiss_ivfrq, "lance-ivfrq": lance_ivfrq}[args.mode](args)


if __name__ == "__main__":
    main()
