#!/usr/bin/env python3
"""A synthetic Parquet file of N embedding rows for the 1 M-row benchmark in Docs/Benchmarks.md.

  python3 make_synthetic_parquet.py BASE.fvecs ROWS OUT.parquet

Rows are the real vectors of BASE.fvecs (pkgdesc-minilm, 384-d) repeated with Gaussian noise of
2 % of each dimension's spread and normalised again, so values and compressibility look like real
embeddings; columns `id` (int64) and `vector` (FixedSizeList<float32>), written by pyarrow with
zstd in row groups of 100,000 rows. Deterministic (seed 7). Needs numpy and pyarrow.
"""
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def main():
    base_path, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    raw = np.fromfile(base_path, dtype=np.int32)
    dimension = int(raw[0])
    base = raw.reshape(-1, dimension + 1)[:, 1:].view(np.float32)
    spread = base.std(axis=0) * 0.02
    rng = np.random.default_rng(7)
    schema = pa.schema([("id", pa.int64()), ("vector", pa.list_(pa.float32(), dimension))])
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for start in range(0, rows, 100_000):
            count = min(100_000, rows - start)
            picked = base[np.arange(start, start + count) % len(base)]
            noisy = picked + rng.standard_normal(picked.shape, dtype=np.float32) * spread
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            vectors = pa.FixedSizeListArray.from_arrays(pa.array(noisy.reshape(-1)), dimension)
            ids = pa.array(np.arange(start, start + count, dtype=np.int64))
            writer.write_table(pa.table({"id": ids, "vector": vectors}, schema=schema))


if __name__ == "__main__":
    main()
