#!/usr/bin/env bash
# Time the duplicate engine against fclones (and jdupes) on a synthetic container,
# warm cache, and record peak memory.
#
#   bench/dupes/bench.sh [--files N] [--seed S] [--runs R] [--no-jdupes]
#
# Commands (all read every regular file under the tree, never following links):
#   ours         target/release/wechat-inspect dupes --any --quiet --format fdupes TREE
#   fclones      fclones group --hidden --no-ignore TREE
#   fclones-ssd  the same with the thread pools and sample sizes fclones picks for an SSD
#                (-t hdd:8 --max-prefix-size 4KiB --max-suffix-size 4KiB): this VM's disk
#                says it is rotational, so plain fclones hashes on one thread here
#   jdupes       jdupes --quiet --recurse --hard-links TREE (byte-compares; skipped by --no-jdupes)
# hyperfine: 2 warm-up runs (page cache, dentries and inodes warm), then R timed runs
# (default 10). Peak RSS: /usr/bin/time -v, 3 runs each, the largest. The load average is
# recorded before and after. Results go to bench/dupes/results/<UTC time>/ (summary.md,
# hyperfine JSON).
set -euo pipefail
cd "$(dirname "$0")/../.."

files=100000 seed=1 runs=10 jd=1
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-jdupes) jd=0; shift ;;
    *) echo "usage: $0 [--files N] [--seed S] [--runs R] [--no-jdupes]" >&2; exit 2 ;;
  esac
done
for t in hyperfine fclones jdupes /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "$t missing (see bench/dupes/README.md)" >&2; exit 2; }
done

nice cargo build --quiet --release --bin wechat-inspect --example dupes_synth
tree=$(bench/dupes/tree.sh "$files" "$seed")
ours="target/release/wechat-inspect dupes --any --quiet --format fdupes $tree"
fcl="fclones group --hidden --no-ignore $tree"
fcl_ssd="fclones group --hidden --no-ignore -t hdd:8 --max-prefix-size 4KiB --max-suffix-size 4KiB $tree"
jdu="jdupes --quiet --recurse --hard-links $tree"
names=(ours fclones fclones-ssd)
cmds=("$ours" "$fcl" "$fcl_ssd")
if [ "$jd" = 1 ]; then
  names+=(jdupes)
  cmds+=("$jdu")
fi

res="bench/dupes/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$res"
load_before=$(cat /proc/loadavg)

args=()
for i in "${!cmds[@]}"; do
  args+=(--command-name "${names[$i]}" "${cmds[$i]}")
done
hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$res/hyperfine.json" "${args[@]}" >&2

: > "$res/rss.txt"
for i in "${!cmds[@]}"; do
  max=0
  for _ in 1 2 3; do
    /usr/bin/time -v -o "$res/time.txt" ${cmds[$i]} >/dev/null 2>&1 || true
    kib=$(awk '/Maximum resident/ {print $6}' "$res/time.txt")
    kib=${kib:-0}
    [ "$kib" -gt "$max" ] && max=$kib
  done
  echo "${names[$i]} $max" >> "$res/rss.txt"
done
rm -f "$res/time.txt"
load_after=$(cat /proc/loadavg)

summary=$(cat "${DUPES_DATA:-bench/data}/dupes-$files-s$seed.summary")
python3 - "$res" "$summary" "$load_before" "$load_after" "$(nproc)" > "$res/summary.md" <<'EOF'
import json, sys
res, summary, before, after, cpus = sys.argv[1:6]
h = json.load(open(f"{res}/hyperfine.json"))["results"]
rss = dict(line.split() for line in open(f"{res}/rss.txt"))
ours = next(r for r in h if r["command"] == "ours")
print(f"Tree: `{summary}`  ")
print(f"Machine: {cpus} CPUs; load average before `{before}`, after `{after}`\n")
print("| command | mean ± σ (s) | median (s) | min (s) | user (s) | sys (s) | × ours (median) | peak RSS (MiB) |")
print("|---|---|---|---|---|---|---|---|")
for r in h:
    name = r["command"]
    print(f"| {name} | {r['mean']:.3f} ± {r['stddev']:.3f} | {r['median']:.3f} | {r['min']:.3f} | "
          f"{r['user']:.3f} | {r['system']:.3f} | {r['median'] / ours['median']:.2f} | "
          f"{int(rss[name]) / 1024:.1f} |")
EOF
cat "$res/summary.md"
echo "results: $res" >&2
