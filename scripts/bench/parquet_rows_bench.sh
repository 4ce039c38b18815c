#!/bin/bash
# The 1 M-row Parquet benchmark of Docs/Benchmarks.md: a synthetic file written by pyarrow
# (scripts/bench/make_synthetic_parquet.py) into a table and back, next to pyarrow reading and
# rewriting the same file; wall seconds and peak RSS (/usr/bin/time), 2 runs. Run from the package
# root after `swift build -c release --product quiver`, with QUIVER_PYTHON naming a Python that
# has pyarrow and numpy.
Q=${QUIVER:-.build/release/quiver}
P=${QUIVER_PYTHON:-python3}
S=scripts/bench/parquet_pyarrow.py
D=${DATASET:-../shared/datasets/pkgdesc-minilm}
ROWS=${ROWS:-1000000}
W=${WORK:-/tmp/quiver-parquet-rows-bench}
mkdir -p "$W/db"
[ -f "$W/synthetic.parquet" ] || $P scripts/bench/make_synthetic_parquet.py "$D/base.fvecs" "$ROWS" "$W/synthetic.parquet"
Q=$(realpath "$Q"); S=$(realpath "$S"); cd "$W"
measure() { /usr/bin/time -f "%e s %M KB" "$@" 2>&1 >/dev/null | tail -1; }
uptime
for run in 1 2; do
  rm -rf db/rows.quiver ours.parquet py.parquet
  echo "run $run"
  echo " quiver parquet->table: $(measure $Q convert synthetic.parquet db/rows.quiver -q)"
  echo " quiver table->parquet: $(measure $Q convert db/rows.quiver ours.parquet -q)"
  echo " pyarrow read_table: $(measure $P $S read synthetic.parquet)"
  echo " pyarrow read_table+write_table: $(measure $P $S rewrite synthetic.parquet py.parquet)"
done
ls -l synthetic.parquet ours.parquet py.parquet
uptime
