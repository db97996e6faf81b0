#!/usr/bin/env bash
# Print the path of the synthetic container for `FILES SEED`, generating it first if it
# is missing: bench/data/dupes-FILES-sSEED (DUPES_DATA moves it), written to a .tmp
# folder and renamed, with the generator's summary line in a .summary file next to it.
# Expects target/release/examples/dupes_synth to be built.
set -euo pipefail
files=$1 seed=$2
data=${DUPES_DATA:-bench/data}
mkdir -p "$data"
tree="$data/dupes-$files-s$seed"
if [ ! -f "$tree.summary" ]; then
  rm -rf "$tree" "$tree.tmp"
  target/release/examples/dupes_synth --files "$files" --seed "$seed" "$tree.tmp" > "$tree.summary.tmp"
  mv "$tree.tmp" "$tree"
  mv "$tree.summary.tmp" "$tree.summary"
fi
cat "$tree.summary" >&2
realpath "$tree"
