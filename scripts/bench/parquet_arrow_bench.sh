#!/bin/bash
# The Parquet and Arrow benchmark of Docs/Benchmarks.md: 3 runs of each step, wall seconds and
# peak RSS (/usr/bin/time). Run from the package root after
#   swift build -c release --product quiver
# with QUIVER_PYTHON naming a Python that has pyarrow and numpy.
Q=${QUIVER:-.build/release/quiver}
P=${QUIVER_PYTHON:-python3}
S=scripts/bench/parquet_pyarrow.py
D=${DATASET:-../shared/datasets/pkgdesc-minilm}
W=${WORK:-/tmp/quiver-parquet-bench}
mkdir -p "$W/db"
[ -d "$W/db/minilm.quiver" ] || $Q convert "$D/base.fvecs" "$W/db/minilm.quiver" -q
Q=$(realpath "$Q"); S=$(realpath "$S"); D=$(realpath "$D"); cd "$W"
measure() { /usr/bin/time -f "%e s %M KB" "$@" 2>&1 >/dev/null | tail -1; }
uptime
for run in 1 2 3; do
  rm -rf minilm.parquet minilm.arrow py.parquet db/back.quiver db/backa.quiver
  echo "run $run"
  echo " quiver table->parquet: $(measure $Q convert db/minilm.quiver minilm.parquet -q)"
  echo " quiver parquet->table: $(measure $Q convert minilm.parquet db/back.quiver -q)"
  echo " pyarrow fvecs->write_table: $(measure $P $S write $D/base.fvecs py.parquet)"
  echo " pyarrow read_table(ours): $(measure $P $S read minilm.parquet)"
  echo " pyarrow read_table(its own): $(measure $P $S read py.parquet)"
  echo " quiver parquet(pyarrow's)->table: $(rm -rf db/frompy.quiver; measure $Q convert py.parquet db/frompy.quiver -q)"
  echo " quiver table->arrow: $(measure $Q convert db/minilm.quiver minilm.arrow -q)"
  echo " quiver arrow->table: $(measure $Q convert minilm.arrow db/backa.quiver -q)"
done
ls -l minilm.parquet py.parquet minilm.arrow
uptime
