#!/usr/bin/env python3
"""Writes the small fixtures of `quiver convert`'s tests with numpy, csv and json.

Run once from this folder with numpy installed (python3 make_fixtures.py); the outputs are
checked in and never regenerated (the tests compare Quiver's output with these bytes).

Every vector file holds the same 6 x 4 values (`VECTORS` below, or its uint8 / int32 / float16
counterpart), so a conversion between any two formats can be checked byte for byte.
"""
import csv
import json

import numpy as np

rng = np.random.default_rng(20261125)

# float32 vectors with awkward values: negative zero, a subnormal, the largest finite float32,
# values with no short decimal form, and plain ones.
VECTORS = rng.standard_normal((6, 4)).astype(np.float32)
VECTORS[0, 0] = -0.0
VECTORS[1, 1] = np.float32(1e-40)  # subnormal
VECTORS[2, 2] = np.finfo(np.float32).max
VECTORS[3, 3] = np.float32(0.1)
BYTES = rng.integers(0, 256, size=(6, 4), dtype=np.uint8)
INTS = rng.integers(-(2**31), 2**31, size=(6, 4), dtype=np.int64).astype(np.int32)
HALVES = VECTORS.astype(np.float16)
HALVES[2, 2] = np.float16(65504.0)  # float32 max overflows float16; keep it finite


def write_vecs(path, array, dtype):
    """fvecs / bvecs / ivecs: per vector an int32 little-endian dimension, then the values."""
    with open(path, "wb") as out:
        for row in array:
            out.write(np.int32(len(row)).astype("<i4").tobytes())
            out.write(row.astype(dtype).tobytes())


write_vecs("vectors.fvecs", VECTORS, "<f4")
write_vecs("vectors.bvecs", BYTES, "u1")
write_vecs("vectors.ivecs", INTS, "<i4")

np.save("vectors_float32.npy", VECTORS)
np.save("vectors_float16.npy", HALVES)
np.save("vectors_uint8.npy", BYTES)
np.save("vectors_int32.npy", INTS)
np.save("vectors_fortran.npy", np.asfortranarray(VECTORS))  # rejected: not C order
np.save("vectors_float64.npy", VECTORS.astype(np.float64))  # rejected: unsupported dtype

# A table with the vector column as a JSON list in a quoted field, every Python csv quoting
# case (comma, quote, newline inside a field), an empty field (null) and booleans as Python
# prints them.
ROWS = [
    (1, "apple", 1.5, True, "fruit, red"),
    (2, 'say "hi"', 10.0, False, "multi\nline"),
    (3, "", -2.25, True, ""),
    (4, "pear", 0.1, False, "plain"),
    (5, "kiwi", 1e-07, True, "x"),
    (6, "fig", 123456789.0, False, "y"),
]
with open("table.csv", "w", newline="") as out:
    writer = csv.writer(out)
    writer.writerow(["id", "name", "price", "in_stock", "note", "vector"])
    for (row, vector) in zip(ROWS, VECTORS):
        identifier, name, price, in_stock, note = row
        writer.writerow(
            [identifier, name or None, price, in_stock, note, json.dumps([float(v) for v in vector])]
        )

# JSON Lines: one object per line, a nested object (flattened to dotted names), a null, and the
# vector as an array.
with open("table.jsonl", "w") as out:
    for (row, vector) in zip(ROWS, VECTORS):
        identifier, name, price, in_stock, note = row
        record = {
            "id": identifier,
            "name": name or None,
            "price": price,
            "in_stock": in_stock,
            "meta": {"note": note, "rank": identifier * 10},
            "vector": [float(v) for v in vector],
        }
        out.write(json.dumps(record) + "\n")
