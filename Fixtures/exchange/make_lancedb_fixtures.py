#!/usr/bin/env python3
"""Writes the files of Fixtures/exchange that LanceDB and lance produce, for Tests/QuiverExchangeTests.

Run once with a Python that has lancedb, pylance and pyarrow (fixtures are never regenerated):
    python3 make_lancedb_fixtures.py
A LanceDB table is created from rows in two `add` calls (two lance fragments), then exported
the ways people hand LanceDB data to other tools:
- lancedb.parquet: `table.to_arrow()` written by `pq.write_table` (snappy, row groups of 5);
- lancedb.feather: the same Arrow table written by `feather.write_feather` (zstd);
- lance.arrows: `lance.dataset(...).to_batches()` (the fragments' batches as lance scans them)
  written as an Arrow IPC stream.
lancedb.json lists the rows as pyarrow reads them back from lancedb.parquet, in expected.json's
form (timestamps as microseconds, dates as days, float16 and vectors as numbers).
"""
import datetime
import json
import os
import shutil
import tempfile

import lance
import numpy
import lancedb
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
DIMENSION = 8

SCHEMA = pa.schema([
    ("id", pa.int64()),
    ("item", pa.string()),
    ("price", pa.float64()),
    ("score", pa.float16()),
    ("added", pa.timestamp("us", tz="UTC")),
    ("day", pa.date32()),
    ("vector", pa.list_(pa.float32(), DIMENSION)),
    ("half", pa.list_(pa.float16(), 4)),
])


def rows(start, count):
    result = []
    for row in range(start, start + count):
        result.append({
            "id": row,
            "item": None if row % 4 == 3 else "item %d" % row,
            "price": None if row % 5 == 4 else row * 1.25,
            "score": None if row % 6 == 5 else numpy.float16(row / 8),
            "added": datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
            + datetime.timedelta(seconds=row * 3601, microseconds=row),
            "day": datetime.date(2024, 1, 1) + datetime.timedelta(days=row),
            "vector": [row + element * 0.125 for element in range(DIMENSION)],
            "half": [row * 0.5, -row, 0.25, 1.0],
        })
    return result


def plain(value):
    if isinstance(value, datetime.datetime):
        delta = value - datetime.datetime(1970, 1, 1, tzinfo=value.tzinfo)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, datetime.date):
        return (value - datetime.date(1970, 1, 1)).days
    if isinstance(value, numpy.floating):
        return float(value)
    if isinstance(value, list):
        return [plain(element) for element in value]
    return value


def main():
    folder = tempfile.mkdtemp()
    try:
        database = lancedb.connect(folder)
        table = database.create_table("items", data=pa.Table.from_pylist(rows(0, 7), SCHEMA))
        table.add(pa.Table.from_pylist(rows(7, 5), SCHEMA))
        exported = table.to_arrow()
        pq.write_table(exported, os.path.join(HERE, "lancedb.parquet"), compression="snappy",
                       row_group_size=5)
        feather.write_feather(exported, os.path.join(HERE, "lancedb.feather"), compression="zstd")
        dataset = lance.dataset(os.path.join(folder, "items.lance"))
        with ipc.new_stream(os.path.join(HERE, "lance.arrows"), dataset.schema) as writer:
            for batch in dataset.to_batches():
                writer.write_batch(batch)
        back = pq.read_table(os.path.join(HERE, "lancedb.parquet"))
        expected = {
            "rows": back.num_rows,
            "fragments": len(dataset.get_fragments()),
            "types": {field.name: str(field.type) for field in back.schema},
            "columns": {name: [plain(value) for value in back.column(name).to_pylist()]
                        for name in back.column_names},
        }
        with open(os.path.join(HERE, "lancedb.json"), "w") as file:
            json.dump(expected, file, indent=1)
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
