#!/usr/bin/env python3
"""LanceDB side of the end-to-end search benchmark (Docs/Benchmarks.md, "End-to-end search").

Same data, table shape (id int64, bucket int32 = id % 100, vector float32[384]), index parameters
and query points as scripts/bench/QuiverQueryBench (quiver-query-bench), so the two can be run
one after the other and compared:

  /work/anchors-venv/bin/python scripts/bench/lancedb_end_to_end.py ../shared/datasets/pkgdesc-minilm \
      [--queries 1000] [--types IVF_PQ,IVF_HNSW_SQ] [--json] \
      [--uri s3://bucket/prefix] [--points 'nprobes=32 refine_factor=5;ef=32']

With --uri the table goes to that database (an s3:// one reads the endpoint and keys from
AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION) and is left there; each
index's first query through a new connection (a new session: no cached index) is reported as
cold_query_ms. --points measures only the listed settings (no filtered points unless listed).

Single-query latency is measured one query per call through the lancedb Python API
(tbl.search(q).limit(10).nprobes(n).refine_factor(r).select(["id"]).to_arrow()), batch
throughput with one multi-vector query.
"""
import argparse, json, os, shutil, sys, tempfile, time

# Lance warns once per query that `_distance` is projected although not selected; keep stderr
# readable.
os.environ.setdefault("LANCE_LOG", "error")
os.environ.setdefault("RUST_LOG", "error")

import numpy as np
import pyarrow as pa
import lancedb
from lancedb.index import IvfPq, HnswSq


def read_vecs(path, dtype, limit=None):
    raw = np.fromfile(path, dtype=np.int32)
    dim = raw[0]
    rows = raw.reshape(-1, dim + 1)[:, 1:]
    if limit is not None:
        rows = rows[:limit]
    return rows.view(dtype) if dtype == np.float32 else rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dataset")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--types", default="IVF_PQ,IVF_HNSW_SQ")
    parser.add_argument("--exact-queries", type=int, default=50,
                        help="queries of the exact (bypass_vector_index) point and its batch")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--uri", help="database URI (default: a temporary folder, removed after)")
    parser.add_argument("--points", help="';'-separated settings to measure, e.g. 'ef=32'")
    args = parser.parse_args()
    points = None if args.points is None else set(p.strip() for p in args.points.split(";"))
    storage_options = None
    if args.uri and args.uri.startswith("s3://"):
        storage_options = {
            "endpoint": os.environ["AWS_ENDPOINT_URL"], "allow_http": "true",
            "aws_access_key_id": os.environ["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": os.environ["AWS_SECRET_ACCESS_KEY"],
            "region": os.environ.get("AWS_REGION", "us-east-1"),
        }

    base = read_vecs(os.path.join(args.dataset, "base.fvecs"), np.float32)
    queries = read_vecs(os.path.join(args.dataset, "query.fvecs"), np.float32, args.queries)
    truth = read_vecs(os.path.join(args.dataset, "groundtruth_l2.ivecs"), np.int32, args.queries)[:, :10]
    n, dim = base.shape

    folder = None if args.uri else tempfile.mkdtemp(prefix="lancedb-e2e-")
    try:
        db = lancedb.connect(args.uri or folder, storage_options=storage_options)
        start = time.perf_counter()
        table = pa.table({
            "id": pa.array(np.arange(n, dtype=np.int64)),
            "bucket": pa.array((np.arange(n) % 100).astype(np.int32)),
            "vector": pa.FixedSizeListArray.from_arrays(pa.array(base.reshape(-1)), dim),
        })
        tbl = db.create_table("bench", table)
        print(f"table write {time.perf_counter() - start:.2f} s, {n} rows", file=sys.stderr)

        def report(point, text):
            print(json.dumps(point) if args.json else text, flush=True)

        def measure_cold(kind, params, configure):
            begin = time.perf_counter()
            fresh = lancedb.connect(args.uri or folder, storage_options=storage_options,
                                    session=lancedb.Session())
            cold = fresh.open_table("bench")
            opened = time.perf_counter()
            configure(cold.search(queries[0]).distance_type("l2").limit(10)).select(["id"]).to_arrow()
            done = time.perf_counter()
            report({"library": "lancedb", "type": kind, "parameters": params,
                    "open_ms": (opened - begin) * 1000, "cold_query_ms": (done - opened) * 1000},
                   f"lancedb {kind} {params}: new connection opened in {(opened - begin) * 1000:.1f} ms, "
                   f"first query {(done - opened) * 1000:.1f} ms")

        def measure(kind, params, build, configure, filter_text=None, count=None):
            if points is not None and (filter_text or params not in points):
                return
            qs = queries[: (count or len(queries))]
            for q in qs[: min(20, len(qs) // 5)]:
                configure(tbl.search(q).distance_type("l2").limit(10)).select(["id"]).to_arrow()
            latencies, recall, min_rows = [], 0.0, 10**9
            wall = time.perf_counter()
            for i, q in enumerate(qs):
                begin = time.perf_counter()
                search = configure(tbl.search(q).distance_type("l2").limit(10))
                if filter_text:
                    search = search.where(filter_text.replace("{i}", str(i % 100)), prefilter=True)
                ids = search.select(["id"]).to_arrow()["id"].to_numpy()
                latencies.append(time.perf_counter() - begin)
                min_rows = min(min_rows, len(ids))
                recall += len(set(ids.tolist()) & set(truth[i].tolist())) / 10
            elapsed = time.perf_counter() - wall
            latencies.sort()
            batch_qps = None
            if filter_text is None:
                begin = time.perf_counter()
                configure(tbl.search(qs).distance_type("l2").limit(10)).select(["id"]).to_arrow()
                batch_qps = len(qs) / (time.perf_counter() - begin)
            point = {
                "library": "lancedb", "type": kind, "parameters": params, "filter": filter_text,
                "recall_at_10": None if filter_text else recall / len(qs),
                "qps": len(qs) / elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
                "p99_ms": latencies[min(len(latencies) - 1, len(latencies) * 99 // 100)] * 1000,
                "batch_qps": batch_qps, "build_seconds": build, "min_rows_returned": min_rows,
            }
            r = "n/a" if point["recall_at_10"] is None else f"{point['recall_at_10']:.3f}"
            b = "" if batch_qps is None else f" batch QPS {batch_qps:.0f}"
            report(point, f"lancedb {kind} {params}{' where ' + filter_text if filter_text else ''}: recall@10 {r} "
                          f"QPS {point['qps']:.0f} p50 {point['p50_ms']:.3f} ms p99 {point['p99_ms']:.3f} ms{b} "
                          f"build {build:.1f} s, min rows {min_rows}")

        for kind in filter(None, args.types.split(",")):
            start = time.perf_counter()
            if kind == "IVF_PQ":
                tbl.create_index("vector", config=IvfPq(distance_type="l2", num_partitions=256, num_sub_vectors=96), replace=True)
            elif kind == "IVF_HNSW_SQ":
                tbl.create_index("vector", config=HnswSq(distance_type="l2", m=20, ef_construction=300), replace=True)
            else:
                raise SystemExit(f"unknown type {kind}")
            build = time.perf_counter() - start
            print(f"{kind} build {build:.1f} s", file=sys.stderr)
            if kind == "IVF_PQ":
                measure_cold(kind, "nprobes=32 refine_factor=5", lambda s: s.nprobes(32).refine_factor(5))
                for nprobes in (16, 32, 64, 128):
                    for refine in (5, 10):
                        measure(kind, f"nprobes={nprobes} refine_factor={refine}", build,
                                lambda s, n=nprobes, r=refine: s.nprobes(n).refine_factor(r))
                for f in ("bucket = 7", "bucket = {i}"):
                    measure(kind, "nprobes=64 refine_factor=5", build,
                            lambda s: s.nprobes(64).refine_factor(5), filter_text=f)
            else:
                measure_cold(kind, "ef=32", lambda s: s.ef(32))
                for ef in (16, 32, 64, 128):
                    # LanceDB requires ef >= k * refine_factor with a refine factor.
                    measure(kind, f"ef={ef}", build, lambda s, e=ef: s.ef(e))
                    if ef >= 50:
                        measure(kind, f"ef={ef} refine_factor=5", build, lambda s, e=ef: s.ef(e).refine_factor(5))
                for f in ("bucket = 7", "bucket = {i}"):
                    measure(kind, "ef=64 refine_factor=5", build, lambda s: s.ef(64).refine_factor(5), filter_text=f)
        measure("exact", "bypass_vector_index", 0, lambda s: s.bypass_vector_index(),
                count=args.exact_queries)
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
