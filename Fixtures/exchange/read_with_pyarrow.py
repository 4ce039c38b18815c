#!/usr/bin/env python3
"""Prints a Parquet or Arrow IPC file's rows as JSON in expected.json's form, read by pyarrow;
checks that pandas reads the same values. Used by Tests/QuiverExchangeTests.

Usage: python3 read_with_pyarrow.py FILE
"""
import datetime
import json
import math
import sys

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.ipc as ipc
import pyarrow.parquet as pq


def plain(value):
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, datetime.datetime):
        delta = value - datetime.datetime(1970, 1, 1, tzinfo=value.tzinfo)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, datetime.date):
        return (value - datetime.date(1970, 1, 1)).days
    if isinstance(value, list):
        return [plain(element) for element in value]
    return value


def main(path):
    if path.endswith(".parquet"):
        table = pq.read_table(path)
    elif path.endswith(".arrows"):
        table = ipc.open_stream(path).read_all()
    else:
        table = feather.read_table(path)
    columns = {name: [plain(value) for value in table.column(name).to_pylist()]
               for name in table.column_names}
    types = {name: str(table.schema.field(name).type) for name in table.column_names}
    if path.endswith(".parquet"):
        import pandas
        frame = pandas.read_parquet(path)
        for name in table.column_names:
            for row, value in enumerate(frame[name]):
                expected = table.column(name)[row].as_py()
                if expected is None:
                    assert value is None or value is pandas.NaT or (
                        isinstance(value, float) and math.isnan(value)), (name, row, value)
                elif hasattr(value, "tolist"):
                    assert [float(x) for x in value.tolist()] == [float(x) for x in expected], (name, row)
                elif isinstance(value, pandas.Timestamp):
                    assert value.to_pydatetime() == expected, (name, row)
                else:
                    assert value == expected, (name, row, value, expected)
    print(json.dumps({"rows": table.num_rows, "columns": columns, "types": types}))


if __name__ == "__main__":
    main(sys.argv[1])
