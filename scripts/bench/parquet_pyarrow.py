#!/usr/bin/env python3
"""pyarrow's side of the Parquet benchmark in Docs/Benchmarks.md ("Parquet and Arrow").

  python3 parquet_pyarrow.py write BASE.fvecs OUT.parquet   # fvecs -> FixedSizeList table -> zstd Parquet
  python3 parquet_pyarrow.py read FILE.parquet              # pq.read_table, vectors to a contiguous array
  python3 parquet_pyarrow.py rewrite IN.parquet OUT.parquet  # pq.read_table, then pq.write_table zstd

Prints the seconds the step took and the file size; run under /usr/bin/time -v for peak memory.
"""
import os
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq


def read_fvecs(path):
    raw = np.fromfile(path, dtype=np.int32)
    dimension = int(raw[0])
    return raw.reshape(-1, dimension + 1)[:, 1:].view(np.float32).copy(), dimension


def main():
    mode, path = sys.argv[1], sys.argv[2]
    start = time.perf_counter()
    if mode == "rewrite":
        table = pq.read_table(path)
        read = time.perf_counter() - start
        pq.write_table(table, sys.argv[3], compression="zstd")
        size = os.path.getsize(sys.argv[3])
        print("read %.3f s, write %.3f s" % (read, time.perf_counter() - start - read))
    elif mode == "write":
        vectors, dimension = read_fvecs(path)
        table = pa.table({"vector": pa.FixedSizeListArray.from_arrays(
            pa.array(vectors.reshape(-1)), dimension)})
        pq.write_table(table, sys.argv[3], compression="zstd")
        size = os.path.getsize(sys.argv[3])
    else:
        table = pq.read_table(path)
        column = table.column(0).combine_chunks()
        flat = column.flatten().to_numpy()
        assert flat.size == table.num_rows * (flat.size // max(table.num_rows, 1))
        size = os.path.getsize(path)
    print("%s %.3f s, %d rows, %d bytes" % (mode, time.perf_counter() - start, table.num_rows, size))


if __name__ == "__main__":
    main()
