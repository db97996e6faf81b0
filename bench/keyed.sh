#!/usr/bin/env bash
# Benchmark `wechat-inspect dbs --key-file` (the page engine in src/readers/sqlite) on
# large SQLCipher 4 message databases against SQLCipher 4 itself (PyPI
# sqlcipher3-binary). Results: bench/keyed.md.
#
#   bench/keyed.sh               build, generate missing databases, time, measure peak memory
#   bench/keyed.sh --runs 10     timed runs per command (default 5)
#   BENCH_DATA=dir bench/keyed.sh   keep the generated databases in dir/keyed (default bench/data/keyed)
#
# Databases (made once by bench/make_keyed_db.py, git-ignored):
#   message_1g.db   1 GiB, no WAL          (timing)
#   message_2g.db   2 GiB, no WAL          (peak memory)
#   message_wal.db  ~256 MiB + a ~2 GiB -wal of committed frames (peak memory, WAL streaming)
# Needs: python3 with sqlcipher3 (pip install sqlcipher3-binary), hyperfine, GNU time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
RUNS=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) RUNS="${2:?--runs needs a number}"; shift ;;
        -h | --help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

DATA="${BENCH_DATA:-$ROOT/bench/data}/keyed"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/wechat-inspect"
OUT="$ROOT/bench/results/keyed-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$DATA" "$OUT"

python3 -c 'import sqlcipher3' || { echo "pip install sqlcipher3-binary" >&2; exit 2; }
cargo build --release --bin wechat-inspect

gen() { # name size_mib extra-args...
    local db="$DATA/$1"; shift
    [[ -f $db && -f $db.keys.json ]] || python3 bench/make_keyed_db.py "$db" "$@"
}
gen message_1g.db 1024
gen message_2g.db 2048 --seed 2
gen message_wal.db 2304 --wal-mib 2048 --seed 3

{
    echo "date: $(date -u +%FT%TZ)"
    echo "commit: $(git rev-parse --short HEAD)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
    echo "sqlcipher3: $(python3 -c 'import sqlcipher3; c = sqlcipher3.connect(":memory:"); print(c.execute("PRAGMA cipher_version").fetchone()[0])')"
    echo "load before: $(cat /proc/loadavg)"
} | tee "$OUT/env.txt"

# `dbs` reads folders: each database alone in one (hard links, no copy).
alone() { # name -> folder holding that database and its -wal
    local dir="$DATA/alone/${1%.db}"
    mkdir -p "$dir"
    for f in "$DATA/$1" "$DATA/$1-wal"; do
        if [[ -f $f ]]; then ln -f "$f" "$dir/"; fi
    done
    echo "$dir"
}
# ours DB [flags]: the command line timed and measured (rows mode unless --all-pages).
ours() {
    local db="$1"; shift
    echo "$BIN dbs $(alone "$(basename "$db")") --any --quiet --format json --key-file $db.keys.json $*"
}

DB1="$DATA/message_1g.db"
hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/time-1g.json" \
    -n "ours --all-pages (every page, 2 threads)" "$(ours "$DB1" --all-pages -j 2)" \
    -n "ours --all-pages (1 thread)" "$(ours "$DB1" --all-pages -j 1)" \
    -n "ours rows (2 threads)" "$(ours "$DB1" -j 2)" \
    -n "ours rows (1 thread)" "$(ours "$DB1" -j 1)" \
    -n "sqlcipher count(*)" "python3 bench/sqlcipher_count.py $DB1 $DB1.keys.json" \
    -n "sqlcipher count(*) NOT INDEXED" "python3 bench/sqlcipher_count.py $DB1 $DB1.keys.json --not-indexed" \
    -n "python3 + import sqlcipher3 (baseline)" "python3 -c 'import sqlcipher3'" \
    | tee "$OUT/time-1g.txt"
echo "load after timing: $(cat /proc/loadavg)" | tee -a "$OUT/env.txt"

# Peak memory (max RSS) and what was read.
for db in message_1g.db message_2g.db message_wal.db; do
    for mode in "--all-pages" ""; do
        # shellcheck disable=SC2046 # the command line is split on purpose
        /usr/bin/time -f "$db ${mode:-rows}: %e s, max RSS %M KiB" \
            $(ours "$DATA/$db" $mode) 2>&1 >/dev/null | tee -a "$OUT/memory.txt"
    done
done
/usr/bin/time -f "sqlcipher count(*) message_2g.db: %e s, max RSS %M KiB" \
    python3 bench/sqlcipher_count.py "$DATA/message_2g.db" "$DATA/message_2g.db.keys.json" 2>&1 | tee -a "$OUT/memory.txt"
echo "load after: $(cat /proc/loadavg)" | tee -a "$OUT/env.txt"
echo "results in $OUT"
