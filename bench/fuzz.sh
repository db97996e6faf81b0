#!/usr/bin/env bash
# Run every cargo-fuzz target in fuzz/ for a set time, one after another, niced, and
# print one line per target: runs, corpus size, and whether it found anything.
# Outside CI (it needs nightly Rust and cargo-fuzz: `cargo install cargo-fuzz`).
#
#   bench/fuzz.sh                 # every target, 600 s each
#   bench/fuzz.sh 60              # every target, 60 s each
#   bench/fuzz.sh 600 plist wal   # only these targets
#
# Findings (crashing inputs) land in fuzz/artifacts/<target>/; reproduce one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# The corpora grow in fuzz/corpus/<target>/ (seeded from tests' fixtures on the first
# run, see seed()) and are kept between runs; neither is committed.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

secs=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

# A few valid inputs so the fuzzer starts from real structure.
seed() {
  local t=$1 dir=corpus/$1
  mkdir -p "$dir"
  [ -n "$(ls -A "$dir")" ] && return 0
  local sample=../sample_container
  case $t in
    plist)
      find "$sample" \( -name '*.plist' -o -name '*.archive' \) -size -64k -exec cp {} "$dir"/ \; ;;
    binary_cookies)
      find "$sample" -name '*.binarycookies' -exec cp {} "$dir"/ \; ;;
    url_cache_db)
      # The target takes one self-contained image: each Cache.db with its -wal folded in,
      # made from a copy (sqlite3 would leave a -shm next to the sample's own).
      local tmp n=0
      tmp=$(mktemp -d)
      while IFS= read -r db; do
        n=$((n + 1))
        cp "$db" "$tmp/c$n.db"
        [ ! -e "$db-wal" ] || cp "$db-wal" "$tmp/c$n.db-wal"
        sqlite3 "$tmp/c$n.db" "VACUUM INTO '$PWD/$dir/cache$n.db'" || cp "$db" "$dir/cache$n.db"
      done < <(find "$sample" -name 'Cache.db' -size -1024k)
      rm -rf "$tmp" ;;
    sqlite_header)
      find "$sample" -name '*.db' -size -8M -exec sh -c 'head -c 100 "$1" > "$2/$(basename "$1").head"' _ {} "$dir" \; ;;
    wal)
      # (`-size -1M` would mean empty: find rounds sizes up to whole units.)
      find "$sample" -name '*-wal' -size -1024k -exec cp {} "$dir"/ \; ;;
    report_json)
      ( cd .. && cargo run -q -- scan sample_container --format json --now 2024-05-01T00:00:00Z ) > "$dir/sample.json" || true ;;
    url_cache_rows)
      printf 'https://user:pw@mmbiz.qpic.cn/a/b?x=1\0002024-05-01 10:00:00\000\x05' > "$dir/one" ;;
  esac
}

echo "fuzzing ${#targets[@]} target(s), ${secs} s each; load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)"
nice cargo +nightly fuzz build -O >/dev/null
status=0
for t in "${targets[@]}"; do
  seed "$t"
  log=$(mktemp)
  start=$(date +%s)
  if nice cargo +nightly fuzz run -O "$t" -- -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1; then
    result=clean
  else
    result="FOUND SOMETHING (see fuzz/artifacts/$t and $log)"
    status=1
  fi
  end=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  corpus=$(ls corpus/"$t" | wc -l)
  echo "$t: $((end - start)) s, ${runs} runs, corpus ${corpus}: ${result}"
  [ "$result" = clean ] && rm -f "$log"
done
exit $status
