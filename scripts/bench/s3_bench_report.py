#!/usr/bin/env python3
"""Summarises a scripts/bench/s3-bench results folder as the Markdown tables of
Docs/Benchmarks.md, "Tables on S3 (issue 13)":

  python3 scripts/bench/s3_bench_report.py RESULTS_DIR
"""
import json, os, re, sys


def load(path):
    with open(path) as handle:
        return json.load(handle)


def lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [json.loads(line) for line in handle if line.strip().startswith("{")]


def requests(counts):
    total = sum(counts.values())
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))
    return f"{total} ({kinds})" if counts else "0"


def main():
    results = sys.argv[1]
    times = {}
    with open(os.path.join(results, "times")) as handle:
        for line in handle:
            name, wall, cpu, rss = line.split()
            times[name] = (float(wall), float(cpu), int(rss))
    lance = lines(os.path.join(results, "lancedb-s3.json"))
    lance_write = None
    log = os.path.join(results, "lancedb-s3.log")
    if os.path.exists(log):
        match = re.search(r"table write ([0-9.]+) s", open(log).read())
        lance_write = float(match.group(1)) if match else None

    print("| | IVF_PQ local | IVF_PQ S3 | IVF_HNSW_SQ local | IVF_HNSW_SQ S3 |")
    print("|---|---|---|---|---|")
    types = ("IVF_PQ", "IVF_HNSW_SQ")
    row = lambda label, cells: print(f"| {label} | " + " | ".join(cells) + " |")
    row("`quiver convert` base.fvecs, wall s",
        [f"{times[f'convert-{w}-{t}'][0]:.1f}" for t in types for w in ("local", "s3")])
    row("`quiver index`, wall s (CPU s)",
        [f"{times[f'index-{w}-{t}'][0]:.1f} ({times[f'index-{w}-{t}'][1]:.1f})"
         for t in types for w in ("local", "s3")])
    benches = {}
    for t in types:
        benches[t] = {
            "local": load(os.path.join(results, f"bench-local-{t}.json")),
            "cold": load(os.path.join(results, f"bench-s3-cold-{t}.json")),
            "cached": load(os.path.join(results, f"bench-s3-cached-{t}.json")),
        }
    cells = []
    for t in types:
        for kind in ("local", "cold"):
            first = benches[t][kind][0]
            cells.append(f"{first['open_ms']:.1f} + {first['first_query_ms']:.1f} ms, "
                         f"{requests(first['open_requests'])} + {requests(first['first_query_requests'])}")
    row("open + first query, empty cache folder: ms, requests", cells)
    cells = []
    for t in types:
        first = benches[t]["cached"][0]
        cells += ["–", f"{first['open_ms']:.1f} + {first['first_query_ms']:.1f} ms, "
                       f"{requests(first['open_requests'])} + {requests(first['first_query_requests'])}"]
    row("the same in a new process, cache folder warm", cells)
    for position in range(len(benches["IVF_PQ"]["local"])):
        cells, labels = [], []
        for t in types:
            for kind in ("local", "cold"):
                point = benches[t][kind][position]
                cells.append(f"{point['recall_at_10']:.3f} / {point['qps']:,.0f} / {point['p50_ms']:.3f}")
            point = benches[t]["local"][position]
            labels.append(f"nprobes {point['nprobes']}, refine {point['refine_factor']}"
                          if t == "IVF_PQ" else f"ef {point['ef']}")
        row(f"warm, 1 thread ({' / '.join(labels)}): recall@10 / QPS / p50 ms", cells)
    cells = []
    for t in types:
        for position in (0,):
            local, remote = benches[t]["local"][position], benches[t]["cold"][position]
            cells += ["", f"S3 ÷ local QPS {remote['qps'] / local['qps']:.2f}"]
    row("warm QPS ratio (first point)", cells)

    if lance:
        print()
        print("| LanceDB 0.40 on the same bucket | IVF_PQ | IVF_HNSW_SQ |")
        print("|---|---|---|")
        if lance_write is not None:
            row("table write (create_table), s", [f"{lance_write:.1f}", "(same table)"])
        builds = {p["type"]: p["build_seconds"] for p in lance if "build_seconds" in p}
        row("create_index, wall s", [f"{builds.get(t, float('nan')):.1f}" for t in types])
        colds = {p["type"]: p for p in lance if "cold_query_ms" in p}
        row("new connection: open + first query, ms",
            [f"{colds[t]['open_ms']:.1f} + {colds[t]['cold_query_ms']:.1f} ({colds[t]['parameters']})"
             if t in colds else "–" for t in types])
        for t in types:
            for p in lance:
                if p.get("type") == t and "qps" in p:
                    print(f"| warm, 1 thread, {t} {p['parameters']}: recall@10 / QPS / p50 ms | "
                          f"{p['recall_at_10']:.3f} / {p['qps']:,.0f} / {p['p50_ms']:.3f} | |")

    print()
    print("| commits (appends of 10 rows, 100 versions) | local (fsync) | S3 |")
    print("|---|---|---|")
    for writers in (1, 4):
        local = load(os.path.join(results, f"commits-local-{writers}.json"))[0]
        remote = load(os.path.join(results, f"commits-s3-{writers}.json"))[0]
        row(f"{writers} writer{'s' if writers > 1 else ''}: commits/s",
            [f"{local['commits_per_second']:.1f}", f"{remote['commits_per_second']:.1f}"])


if __name__ == "__main__":
    main()
