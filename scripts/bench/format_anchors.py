#!/usr/bin/env python3
"""Anchors for `quiver bench format`: pyarrow Parquet (zstd) and pylance on the same columns.

Reads the dataset the way BenchFormatCommand does (id, source, name, text, n_packages from
base_texts.jsonl.gz; vector fixed_size_list<float32>[dim] from base.fvecs), then per column
(and for all columns together): bytes on disk, write MB/s, full-scan MB/s (decoded bytes, same
definition as Quiver's raw_bytes: fixed width = rows x width, strings = data + 4 bytes per row)
and take rows/s of the given row offsets. Prints a JSON array with the keys of the Swift command.
Run with the anchors venv: /work/anchors-venv/bin/python scripts/bench/format_anchors.py --dataset DIR
"""
import argparse, gzip, json, os, shutil, statistics, tempfile, time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import lance


def load(folder, limit):
    records = []
    with gzip.open(os.path.join(folder, "base_texts.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(records) >= limit:
                break
            records.append(json.loads(line))
    raw = np.fromfile(os.path.join(folder, "base.fvecs"), dtype=np.int32)
    dim = int(raw[0])
    vectors = raw.reshape(-1, dim + 1)[:, 1:].view(np.float32)[: len(records)]
    records = records[: len(vectors)]
    flat = pa.array(np.ascontiguousarray(vectors).reshape(-1), type=pa.float32())
    return pa.table({
        "id": pa.array([r["id"] for r in records], type=pa.int64()),
        "source": pa.array([r["source"] for r in records], type=pa.string()),
        "name": pa.array([r["name"] for r in records], type=pa.string()),
        "text": pa.array([r["text"] for r in records], type=pa.string()),
        "n_packages": pa.array([r["n_packages"] for r in records], type=pa.int64()),
        "vector": pa.FixedSizeListArray.from_arrays(flat, dim),
    })


def raw_bytes(table):
    total = 0
    for column in table.columns:
        if pa.types.is_string(column.type):
            total += pc.sum(pc.binary_length(column)).as_py() or 0
            total += 4 * len(column)
        elif pa.types.is_fixed_size_list(column.type):
            total += len(column) * column.type.list_size * column.type.value_type.bit_width // 8
        else:
            total += len(column) * column.type.bit_width // 8
    return total


def directory_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(root, name)) for root, _, names in os.walk(path) for name in names)


def timed(function, repetitions, cpu=None):
    """Median wall seconds; when `cpu` is a list, appends the median process CPU seconds
    (every thread, user + system) to it."""
    samples, cpu_samples = [], []
    for _ in range(repetitions):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        samples.append(time.perf_counter() - start)
        cpu_samples.append(time.process_time() - start_cpu)
    if cpu is not None:
        cpu.append(statistics.median(cpu_samples))
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--rows", type=int)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--take-offsets", help="JSON file with the row offsets to take")
    arguments = parser.parse_args()
    table = load(arguments.dataset, arguments.rows)
    if arguments.take_offsets:
        with open(arguments.take_offsets) as handle:
            offsets = json.load(handle)
    else:
        offsets = list(np.random.default_rng(0).integers(0, table.num_rows, 1000))
    work = tempfile.mkdtemp(prefix="quiver-anchors-")
    results = []
    try:
        for label in table.column_names + ["(all)"]:
            selected = table if label == "(all)" else table.select([label])
            raw = raw_bytes(selected)
            safe = "all" if label == "(all)" else label
            counter = [0]

            def write_parquet():
                # A new file each time, as the Swift side does (ext4 flushes truncated rewrites).
                counter[0] += 1
                path = os.path.join(work, "%s-%d.parquet" % (safe, counter[0]))
                pq.write_table(selected, path, compression="zstd")
                return path

            cpu = []
            write = timed(write_parquet, arguments.repetitions, cpu)
            parquet_path = os.path.join(work, "%s-%d.parquet" % (safe, counter[0]))
            scan = timed(lambda: pq.read_table(parquet_path), arguments.repetitions, cpu)
            parquet_file = pq.ParquetFile(parquet_path)
            take = timed(lambda: pq.read_table(parquet_path).take(offsets), arguments.repetitions)
            results.append({
                "engine": "parquet-zstd", "column": label, "rows": table.num_rows,
                "encoded_bytes": os.path.getsize(parquet_path), "raw_bytes": raw,
                "write_mb_per_second": raw / write / 1e6, "scan_mb_per_second": raw / scan / 1e6,
                "take_rows_per_second": len(offsets) / take,
                "write_mb_per_cpu_second": raw / cpu[0] / 1e6, "scan_mb_per_cpu_second": raw / cpu[1] / 1e6,
                "note": "pyarrow %s, default level, %d row groups; take = read + take" % (pa.__version__, parquet_file.num_row_groups),
            })
            def write_lance():
                counter[0] += 1
                lance.write_dataset(selected, os.path.join(work, "%s-%d.lance" % (safe, counter[0])))

            cpu = []
            write = timed(write_lance, arguments.repetitions, cpu)
            lance_path = os.path.join(work, "%s-%d.lance" % (safe, counter[0]))
            dataset = lance.dataset(lance_path)
            scan = timed(lambda: dataset.to_table(), arguments.repetitions, cpu)
            take = timed(lambda: dataset.take(offsets), arguments.repetitions)
            results.append({
                "engine": "lance", "column": label, "rows": table.num_rows,
                "encoded_bytes": directory_bytes(lance_path), "raw_bytes": raw,
                "write_mb_per_second": raw / write / 1e6, "scan_mb_per_second": raw / scan / 1e6,
                "take_rows_per_second": len(offsets) / take,
                "write_mb_per_cpu_second": raw / cpu[0] / 1e6, "scan_mb_per_cpu_second": raw / cpu[1] / 1e6,
                "note": "pylance %s, dataset.take" % lance.__version__,
            })
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
