#!/usr/bin/env python3
"""Writes the vector-layout fixtures of Fixtures/exchange that make_fixtures.py does not, with
pyarrow and pandas.

Run once (fixtures are never regenerated): python3 make_vector_fixtures.py
- float16-vector.arrow, uint8-vector.arrows: expected.json's float16_vectors and uint8_vectors
  as FixedSizeList<halffloat> (an Arrow IPC file) and FixedSizeList<uint8> (a stream), with an
  int64 `id` column, as float16-vector.parquet and uint8-vector.parquet hold them;
- ragged-list.parquet, ragged-list.arrows: a List<float32> column whose rows have 4, 4 and 3
  elements, which is not a vector (the reader must refuse it naming the column and row 2);
- pandas.parquet: a pandas DataFrame of 6 rows (`id` int64, `label` text, `vector` a float32
  NumPy array per row) written by `DataFrame.to_parquet`, as pandas users export embeddings:
  row i holds label "label i" and vector [i, i + 0.5, -i].
"""
import json
import os

import numpy
import pandas
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def vector_table(kind, values):
    return pa.table({"id": pa.array(range(len(values)), pa.int64()), "vector": pa.array(values, kind)})


def main():
    with open(path("expected.json")) as file:
        expected = json.load(file)
    halves = vector_table(pa.list_(pa.float16(), 4),
                          [[numpy.float16(x) for x in row] for row in expected["float16_vectors"]])
    with ipc.new_file(path("float16-vector.arrow"), halves.schema) as writer:
        writer.write_table(halves)
    bytes_ = vector_table(pa.list_(pa.uint8(), 4), expected["uint8_vectors"])
    with ipc.new_stream(path("uint8-vector.arrows"), bytes_.schema) as writer:
        writer.write_table(bytes_)

    ragged = vector_table(pa.list_(pa.float32()), [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]])
    pq.write_table(ragged, path("ragged-list.parquet"), compression="none")
    with ipc.new_stream(path("ragged-list.arrows"), ragged.schema) as writer:
        writer.write_table(ragged)

    frame = pandas.DataFrame({
        "id": numpy.arange(6, dtype=numpy.int64),
        "label": ["label %d" % row for row in range(6)],
        "vector": [numpy.array([row, row + 0.5, -row], dtype=numpy.float32) for row in range(6)],
    })
    frame.to_parquet(path("pandas.parquet"))


if __name__ == "__main__":
    main()
