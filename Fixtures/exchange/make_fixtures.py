#!/usr/bin/env python3
"""Writes the Parquet and Arrow IPC fixtures of Tests/QuiverExchangeTests with pyarrow.

Run once (fixtures are never regenerated): python3 make_fixtures.py
Every file holds the same rows; expected.json lists them in a form the tests compare exactly:
integers as numbers, floats as numbers that are exact in float32, binary as hex, timestamps as
microseconds since the epoch, dates as days since the epoch, vectors as lists of numbers.
"""
import json
import os

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 10
DIMENSION = 4


def nullable(values, every):
    """Values with every `every`-th one (counting from 1) replaced by None."""
    return [None if (row + 1) % every == 0 else value for row, value in enumerate(values)]


def columns():
    rows = range(ROWS)
    return {
        "i8": nullable([row - 5 for row in rows], 4),
        "i16": nullable([(row - 5) * 300 for row in rows], 5),
        "i32": nullable([(row - 5) * 100_000 for row in rows], 3),
        "i64": [(row - 5) * 10_000_000_000 for row in rows],
        "u8": nullable([row * 25 for row in rows], 4),
        "u16": [row * 6000 for row in rows],
        "u32": nullable([row * 400_000_000 for row in rows], 6),
        "u64": [row * 1_800_000_000_000_000_000 for row in rows],
        "f32": nullable([row * 0.25 - 1 for row in rows], 3),
        "f64": [row * 1.5 - 7 for row in rows],
        "flag": nullable([row % 3 == 0 for row in rows], 5),
        "name": nullable(["row %d" % (row % 4) for row in rows], 4),
        "blob": nullable([bytes([row, 255 - row, 0]) for row in rows], 3),
        "ts": nullable([1_700_000_000_000_000 + row * 1_000_001 for row in rows], 4),
        "day": nullable([19_000 + row for row in rows], 5),
        "vector": nullable(
            [[row + element * 0.5 for element in range(DIMENSION)] for row in rows], 7),
    }


def types(vector_type):
    return [
        ("i8", pa.int8()), ("i16", pa.int16()), ("i32", pa.int32()), ("i64", pa.int64()),
        ("u8", pa.uint8()), ("u16", pa.uint16()), ("u32", pa.uint32()), ("u64", pa.uint64()),
        ("f32", pa.float32()), ("f64", pa.float64()), ("flag", pa.bool_()),
        ("name", pa.string()), ("blob", pa.binary()), ("ts", pa.timestamp("us", tz="UTC")),
        ("day", pa.date32()), ("vector", vector_type),
    ]


def table(vector_type=pa.list_(pa.float32(), DIMENSION)):
    values = columns()
    arrays = []
    for name, kind in types(vector_type):
        if name == "day":
            arrays.append(pa.array(values[name], pa.int32()).cast(kind))
        elif name == "ts":
            arrays.append(pa.array(values[name], pa.int64()).cast(kind))
        else:
            arrays.append(pa.array(values[name], kind))
    return pa.table(arrays, names=[name for name, _ in types(vector_type)])


def vector_table(kind, values):
    return pa.table({"id": pa.array(range(len(values)), pa.int64()), "vector": pa.array(values, kind)})


def write_expected():
    values = columns()
    values["blob"] = [None if value is None else value.hex() for value in values["blob"]]
    expected = {
        "rows": ROWS,
        "columns": values,
        "float16_vectors": [[1.0, -2.0, 0.5, 65504.0], [0.25, 0.0, -0.125, 3.0]],
        "uint8_vectors": [[0, 1, 2, 255], [9, 8, 7, 6], [128, 64, 32, 16]],
    }
    with open(os.path.join(HERE, "expected.json"), "w") as file:
        json.dump(expected, file, indent=1)
    return expected


def main():
    expected = write_expected()
    fixed = table()
    path = lambda name: os.path.join(HERE, name)
    # Every codec, dictionary pages on (the default), three row groups of 4, 4 and 2 rows.
    for codec in ["none", "snappy", "gzip", "zstd"]:
        pq.write_table(fixed, path("types-%s.parquet" % codec), compression=codec, row_group_size=4)
    # Plain pages only, and data page v2.
    pq.write_table(fixed, path("plain.parquet"), use_dictionary=False, compression="none")
    pq.write_table(fixed, path("page-v2.parquet"), data_page_version="2.0", compression="zstd",
                   row_group_size=4)
    # DELTA_BINARY_PACKED integers and BYTE_STREAM_SPLIT floats.
    pq.write_table(
        fixed, path("delta-split.parquet"), use_dictionary=False, compression="none",
        column_encoding={"i8": "DELTA_BINARY_PACKED", "i16": "DELTA_BINARY_PACKED",
                         "i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED",
                         "u32": "DELTA_BINARY_PACKED", "u64": "DELTA_BINARY_PACKED",
                         "day": "DELTA_BINARY_PACKED", "ts": "DELTA_BINARY_PACKED",
                         "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT",
                         "vector": "BYTE_STREAM_SPLIT"})
    # The vector as a variable-size list of constant length (how pandas and Polars write it).
    pq.write_table(table(pa.list_(pa.float32())), path("list-vector.parquet"), compression="snappy",
                   row_group_size=4)
    # float16 and uint8 vectors.
    pq.write_table(vector_table(pa.list_(pa.float16(), 4),
                                [[__import__("numpy").float16(x) for x in row]
                                 for row in expected["float16_vectors"]]),
                   path("float16-vector.parquet"))
    pq.write_table(vector_table(pa.list_(pa.uint8(), 4), expected["uint8_vectors"]),
                   path("uint8-vector.parquet"))
    # Arrow IPC: file, stream, Feather v2 (uncompressed), and zstd-compressed bodies; batches of 4.
    batches = fixed.to_batches(max_chunksize=4)
    with ipc.new_file(path("types.arrow"), fixed.schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
    with ipc.new_stream(path("types.arrows"), fixed.schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
    feather.write_feather(fixed, path("types.feather"), compression="uncompressed", chunksize=4)
    options = ipc.IpcWriteOptions(compression="zstd")
    with ipc.new_file(path("types-zstd.arrow"), fixed.schema, options=options) as writer:
        for batch in batches:
            writer.write_batch(batch)
    with ipc.new_stream(path("list-vector.arrows"), table(pa.list_(pa.float32())).schema) as writer:
        for batch in table(pa.list_(pa.float32())).to_batches(max_chunksize=4):
            writer.write_batch(batch)


if __name__ == "__main__":
    main()
