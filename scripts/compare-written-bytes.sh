#!/bin/bash
# Compares the bytes two `quiver` builds write for the same input (issue #11: the storage layer
# must not change a byte on disk). Usage:
#   scripts/compare-written-bytes.sh OLD_QUIVER NEW_QUIVER [DATASET_FOLDER]
# Writes a table from the first 2,000 vectors, .npy and .jsonl exports, and IVF_PQ, IVF_SQ, HNSW
# and IVF_HNSW_SQ indexes with each binary, then diffs the SHA-256 of every file's content
# (data files have random names, so contents are compared as sorted lists). hnsw.partitions is
# listed apart: the parallel graph build makes it differ between two runs of the same binary.
set -euo pipefail
old=$1 new=$2 dataset=${3:-../shared/datasets/pkgdesc-minilm-10k}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
write() {
  local quiver=$1 out=$2
  mkdir -p "$out"
  head -c $((2000 * (4 + 384 * 4))) "$dataset/base.fvecs" > "$out/in.fvecs"
  "$quiver" convert "$out/in.fvecs" "$out/t.quiver" --quiet > /dev/null 2>&1
  "$quiver" convert "$out/in.fvecs" "$out/out.npy" --quiet > /dev/null 2>&1
  "$quiver" convert "$out/t.quiver" "$out/out.jsonl" --quiet > /dev/null 2>&1
  for type in IVF_PQ IVF_SQ HNSW IVF_HNSW_SQ; do
    "$quiver" index "$out/t.quiver" --type $type --metric l2 --name "${type}_idx" > /dev/null 2>&1
  done
  (cd "$out" && for f in out.npy out.jsonl t.quiver/data/* t.quiver/_indices/*/*; do
    echo "$(sha256sum < "$f" | cut -c1-16) $(basename "$f" | sed 's/^[0-9a-f-]*\.qvf$/data file/')"
  done | sort)
}
write "$old" "$work/old" > "$work/old.txt"
write "$new" "$work/new" > "$work/new.txt"
if diff <(grep -v hnsw.partitions "$work/old.txt") <(grep -v hnsw.partitions "$work/new.txt"); then
  echo "identical: $(grep -vc hnsw.partitions "$work/new.txt") files (hnsw.partitions not compared)"
else
  echo "DIFFERENT" >&2
  exit 1
fi
