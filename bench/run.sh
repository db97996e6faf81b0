#!/usr/bin/env bash
# Benchmark `wechat-inspect scan` against du, diskus, dua and dust on synthetic WeChat trees.
#
#   bench/run.sh                 full run: 300k and 1M trees, 10 and 5 timed runs, RSS, strace
#   bench/run.sh --quick         smoke check: 30k and 100k trees, 3 runs, 1 warmup
#   bench/run.sh --only 300k     only the small tree (--only 1m: the large one; --only meta: metadata overhead)
#   bench/run.sh --no-meta       skip the metadata-overhead step (--no-perf: skip the perf profile)
#   bench/run.sh --runs 20       override the number of timed runs
#   bench/run.sh --max-load 2.5  before each timed block, wait (up to 10 min) for the 1-min load to drop below 2.5
#   bench/run.sh --markdown [DIR]  print a Markdown summary of a results folder (default: the newest); runs nothing
#
# Issue 14 (any of these runs only the modes named, not the steps above; ratios come from alternating rounds):
#   bench/run.sh --peers         warm: scan (default and each -j of --jobs) vs du, diskus, pdu, dua, dust; 300k and 1M
#   bench/run.sh --cold          the same on the 300k tree in an ext4 image on a direct-I/O loop device, remounted
#                                before every run (needs root: losetup and mount); checks that the runs are cold
#   bench/run.sh --links         half-linked 300k tree vs the peers; memory per hard-linked entry (--links all vs none)
#   bench/run.sh --rss-3m        peak RSS of the scan at 3M files
#   bench/run.sh --formats       scan --format html and hosts against scan --format json
#   bench/run.sh --issue14       all five
#   bench/run.sh --rounds 7      alternating rounds per block (default 7)
#   bench/run.sh --jobs "2 8 16" the -j values timed next to the default (default: 2 4 6 8 12 16 24 32 64)
#   bench/run.sh --link-files N  size of the --links all/none pair (default 1000000; --quick: 100000)
#   bench/run.sh --nice -10      run each timed command at this niceness (root for < 0): on a busy shared
#                                machine the other jobs then take less of the CPU from the measured one
#   WECHAT_INSPECT=path bench/run.sh   benchmark that binary instead of target/release/wechat-inspect
#   BENCH_DATA=dir bench/run.sh  read (and generate missing) synth trees in dir instead of bench/data
#
# Trees are generated once into bench/data/ (git-ignored) by `examples/synth.rs` with a fixed seed
# and reused. Results (hyperfine JSON, env, RSS, strace, perf, summary.txt, summary.md) go to
# bench/results/. See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

QUICK=0
ONLY=""
RUNS=""
META=1
PERF=1
MAX_LOAD=""
MARKDOWN=""
SEED="${BENCH_SEED:-1}"
PEER_VERSIONS=(diskus@0.9.0 dua-cli@3.0.0 du-dust@1.2.7 parallel-disk-usage@0.24.0)
# Issue 14 modes (off unless named).
M_PEERS=0
M_COLD=0
M_LINKS=0
M_RSS3M=0
M_FORMATS=0
ROUNDS=7
JOBS="2 4 6 8 12 16 24 32 64"
LINK_FILES=""
NICE=""

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --only) ONLY="${2:?--only needs 300k, 1m or meta}"; shift ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift ;;
        --no-meta) META=0 ;;
        --no-perf) PERF=0 ;;
        --max-load) MAX_LOAD="${2:?--max-load needs a number}"; shift ;;
        --peers) M_PEERS=1 ;;
        --cold) M_COLD=1 ;;
        --links) M_LINKS=1 ;;
        --rss-3m) M_RSS3M=1 ;;
        --formats) M_FORMATS=1 ;;
        --issue14) M_PEERS=1 M_COLD=1 M_LINKS=1 M_RSS3M=1 M_FORMATS=1 ;;
        --rounds) ROUNDS="${2:?--rounds needs a number}"; shift ;;
        --jobs) JOBS="${2:?--jobs needs a list such as \"2 8 16\"}"; shift ;;
        --link-files) LINK_FILES="${2:?--link-files needs a number}"; shift ;;
        --nice) NICE="${2:?--nice needs a number from -20 to 19}"; shift ;;
        --markdown)
            MARKDOWN=latest
            if [[ $# -gt 1 && $2 != -* ]]; then MARKDOWN="$2"; shift; fi
            ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$ONLY" in "" | 300k | 1m | meta) ;; *) echo "--only takes 300k, 1m or meta" >&2; exit 2 ;; esac
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a positive number" >&2; exit 2; }
for j in $JOBS; do [[ $j =~ ^[1-9][0-9]*$ ]] || { echo "--jobs takes positive numbers, such as \"2 8 16\"" >&2; exit 2; }; done
[[ -z $LINK_FILES || $LINK_FILES =~ ^[0-9]*[02468]$ ]] || { echo "--link-files takes an even number" >&2; exit 2; }
[[ -z $NICE || $NICE =~ ^-?[0-9]+$ ]] || { echo "--nice takes a number from -20 to 19" >&2; exit 2; }
ISSUE14=$((M_PEERS | M_COLD | M_LINKS | M_RSS3M | M_FORMATS))
[[ $ONLY == meta ]] && META=1

# Tree slots: "300k" (small) and "1m" (large). --quick scales both down 10x.
if [[ $QUICK == 1 ]]; then
    declare -A FILES=([300k]=30000 [1m]=100000 [3m]=300000)
    declare -A NRUNS=([300k]=3 [1m]=3)
    LINK_FILES="${LINK_FILES:-100000}"
    WARMUP=1
    META_RUNS=5
    META_BASES=(30000)
else
    declare -A FILES=([300k]=300000 [1m]=1000000 [3m]=3000000)
    declare -A NRUNS=([300k]=10 [1m]=5)
    LINK_FILES="${LINK_FILES:-1000000}"
    WARMUP=2
    META_RUNS=20
    META_BASES=(30000 300000)
fi
SLOTS=()
for s in 300k 1m; do [[ -z $ONLY || $ONLY == "$s" ]] && SLOTS+=("$s"); done
[[ -z $ONLY || $ONLY == meta ]] || META=0

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${WECHAT_INSPECT:-$TARGET/release/wechat-inspect}"
SYNTH="$TARGET/release/examples/synth"
# Synth trees (may live elsewhere, e.g. shared between worktrees); the metadata trees are always
# built under bench/data/ of this checkout.
DATA="${BENCH_DATA:-$ROOT/bench/data}"
WORK="$ROOT/bench/data"
# Metadata trees: the same databases and plists over a dense 30k-file tree (1 database per ~70
# files) and, in a full run, the 300k tree (about a real container's density).

log() { printf '\n== %s\n' "$*" >&2; }
# Median of tab-separated column $1 of file $2.
column_median() {
    cut -f"$1" "$2" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# "walk W ms, metadata pass M ms = P % of the walk" from lines of "walk_ms<TAB>meta_ms" (medians).
meta_share() {
    local w m
    w="$(column_median 1 "$1")"
    m="$(column_median 2 "$1")"
    awk -v w="$w" -v m="$m" 'BEGIN {printf "walk %.1f ms, databases and plists %.1f ms = %.1f %% of the walk", w, m, 100 * m / w}'
}
have() { command -v "$1" >/dev/null 2>&1; }
# 1/5/15-minute load averages: this is a shared machine, so record how busy it was.
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
# 300000 -> 300k, 1000000 -> 1m.
size_label() { local n=$(($1 / 1000)); if ((n >= 1000)); then echo "$((n / 1000))m"; else echo "${n}k"; fi; }
# Tree of $1 files; $2 = the synth --links mode (some, the default, has no suffix).
tree_dir() {
    local suffix=""
    [[ ${2:-some} == some ]] || suffix="-links-$2"
    echo "$DATA/synth-$(size_label "$1")$suffix"
}
# Resolved path: `du -s LINK` would measure the symlink itself, not the tree behind it.
real() { readlink -f "$1"; }

# --- markdown ------------------------------------------------------------------------------------
# A Markdown block for BENCHMARKS.md from a results folder (no measurements are run).
markdown() {
    local dir=$1 slot f ours name med cpu ratio target
    [[ -f $dir/env.txt ]] || { echo "no env.txt in $dir" >&2; return 1; }
    local files300 files1m
    files300="$(sed -nE 's/^tree 300k: synth: ([0-9]+) files.*/\1/p' "$dir/env.txt")"
    files1m="$(sed -nE 's/^tree 1m: synth: ([0-9]+) files.*/\1/p' "$dir/env.txt")"
    echo "<!-- generated by bench/run.sh --markdown ${dir#"$ROOT"/} -->"
    echo
    echo "Run \`${dir#"$ROOT"/}\`: $(sed -n 's/^commit: //p' "$dir/env.txt"), $(sed -n 's/^cpu: //p' "$dir/env.txt"),"
    echo "$(sed -n 's/^mem: //p' "$dir/env.txt") RAM, $(sed -n 's/^uname: //p' "$dir/env.txt"), $(sed -n 's/^fs: //p' "$dir/env.txt");"
    echo "load averages: $(grep '^load' "$dir/env.txt" | sed 's/^load //' | paste -sd';' | sed 's/;/; /g')."
    for slot in 300k 1m; do
        f="$dir/hyperfine-$slot.json"
        [[ -f $f ]] || continue
        ours="$(jq -r '.results[] | select(.command == "wechat-inspect") | .median' "$f")"
        echo
        printf '**%s tree** (%s files; warm cache, %s timed runs): median wall seconds, mean CPU seconds, our ratio\n\n' \
            "$slot" "$([[ $slot == 300k ]] && echo "$files300" || echo "$files1m")" \
            "$(jq -r '.results[0].times | length' "$f")"
        echo "| tool | median s | stddev s | CPU s | ours ÷ tool | target | met? |"
        echo "|---|---|---|---|---|---|---|"
        for name in $(jq -r '.results[].command' "$f"); do
            read -r med sd cpu < <(jq -r --arg n "$name" '.results[] | select(.command == $n) |
                "\(.median * 1000 | round / 1000) \(.stddev * 1000 | round / 1000) \((.user + .system) * 1000 | round / 1000)"' "$f")
            ratio="-"
            [[ -n $ours && $name != wechat-inspect ]] &&
                ratio="$(jq -rn --argjson a "$ours" --argjson b "$(jq -r --arg n "$name" '.results[] | select(.command == $n) | .median' "$f")" '$a / $b * 100 | round / 100')"
            target="" met=""
            if [[ $slot == 300k && $name == du ]]; then target="≤ 0.70"; fi
            if [[ $slot == 300k && $name == diskus ]]; then target="≤ 1.00"; fi
            if [[ -n $target && $ratio != - ]]; then
                met="$(awk -v r="$ratio" -v t="${target#≤ }" 'BEGIN {print (r <= t) ? "yes" : "**no**"}')"
            fi
            echo "| $name | $med | $sd | $cpu | $ratio | $target | $met |"
        done
    done
    if [[ -f $dir/hyperfine-300k.json && -f $dir/hyperfine-1m.json ]]; then
        echo
        echo "**Scaling** (median 1M ÷ median 300k; the file ratio is 3.33; target for us ≤ 3.6):"
        echo
        echo "| tool | 1M ÷ 300k |"
        echo "|---|---|"
        for name in $(jq -r '.results[].command' "$dir/hyperfine-1m.json"); do
            local a b
            a="$(jq -r --arg n "$name" '.results[] | select(.command == $n) | .median' "$dir/hyperfine-1m.json")"
            b="$(jq -r --arg n "$name" '.results[] | select(.command == $n) | .median' "$dir/hyperfine-300k.json")"
            ratio="$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}')"
            met=""
            [[ $name == wechat-inspect ]] && met=" ($(awk -v r="$ratio" 'BEGIN {print (r <= 3.6) ? "met" : "**missed**"}'))"
            echo "| $name | $ratio$met |"
        done
    fi
    for f in "$dir"/rss-*.tsv; do
        [[ -f $f ]] || continue
        echo
        echo "**Peak RSS** on the $(basename "$f" .tsv | sed 's/^rss-//') tree (GNU time, one run; target for us on 1M ≤ 50 MiB):"
        echo
        echo "| tool | peak RSS |"
        echo "|---|---|"
        awk -F'\t' '{m = $2 / 1024; s = sprintf("%.1f MiB", m);
            if ($1 == "wechat-inspect") s = s ((m <= 50) ? " (met)" : " (**missed**)"); print "| " $1 " | " s " |"}' "$f"
    done
    local k
    for f in "$dir"/meta*.tsv; do
        [[ -f $f && $f != *-timings.tsv ]] || continue
        k="$(basename "$f" .tsv | sed -n 's/^meta-//p')" # empty for runs before the 300k meta tree
        echo
        echo "**Metadata overhead** ($(sed -n "s/^meta tree${k:+ $k}: //p" "$dir/env.txt")):"
        echo
        echo "| variant | median s | stddev s | vs inert tree | target ≤ 15 % |"
        echo "|---|---|---|---|---|"
        awk -F'\t' 'NR > 1 {m = ""; if ($1 == "scan") {v = $4; sub(/ %/, "", v); m = (v + 0 <= 15) ? "met" : "**missed**"}
            print "| " $1 " | " $2 " | " $3 " | " $4 " | " m " |"}' "$f"
        if [[ -s $dir/meta-$k-timings.tsv ]]; then
            echo
            echo "Inside the process (\`scan --timings\`, $(wc -l <"$dir/meta-$k-timings.tsv") runs, medians):" \
                "$(meta_share "$dir/meta-$k-timings.tsv")"
        fi
    done
    for f in "$dir"/strace-*-breakdown.tsv; do
        [[ -f $f ]] || continue
        echo
        echo "**Syscalls** under \`strace -c -f\` on the $(basename "$f" -breakdown.tsv | sed 's/^strace-//') tree" \
            "($(sed -n 's/^strace entries: //p' "$dir/env.txt")), calls per file entry and per directory:"
        echo
        echo "| tool | syscall | calls | per file | per dir |"
        echo "|---|---|---|---|---|"
        awk -F'\t' 'NR > 1 {print "| " $1 " | " $2 " | " $3 " | " $4 " | " $5 " |"}' "$f"
    done
    for f in "$dir"/perf-*-top.txt; do
        [[ -f $f ]] || continue
        echo
        echo "**perf** top entries, our scan of the $(basename "$f" -top.txt | sed 's/^perf-//') tree (self time, all threads):"
        echo
        echo '```text'
        cat "$f"
        echo '```'
    done
    if compgen -G "$dir/ab-*.jsonl" >/dev/null || [[ -f $dir/mem-peak.tsv || -f $dir/mem-links.tsv ]]; then
        markdown14 "$dir"
    fi
}

# --- issue 14: alternating rounds, cold cache, hard-link trees, RSS at 3M, formats --------------
# Every command of a block runs once per round, the order rotating from round to round, so that
# a change in the machine's load reaches every command alike; ratios are taken within a round
# (paired) and their median is reported. Each run is one `hyperfine -N --runs 1` (in the cold
# block with `--prepare` = the remount), one JSON line per run in ab-<block>.jsonl.

die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 2; }

# Mounts and loop devices this run made; all of them go away on any exit (EXIT/INT/TERM trap).
MOUNTS=()
LOOPS=()
ATTACHED=""
cleanup() {
    local m l
    for m in "${MOUNTS[@]}"; do
        if mountpoint -q "$m"; then
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "bench/run.sh: could not unmount $m" >&2
        fi
    done
    for l in "${LOOPS[@]}"; do
        losetup -d "$l" 2>/dev/null || echo "bench/run.sh: could not detach $l" >&2
    done
    MOUNTS=()
    LOOPS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# attach IMAGE [losetup options]: a free loop device for IMAGE, in $ATTACHED (not a subshell,
# so the trap knows it).
attach() {
    local img=$1
    shift
    ATTACHED="$(losetup --find --show "$@" "$img")" ||
        die "losetup could not attach $img to a loop device (none free, or loop devices are not available here)."
    LOOPS+=("$ATTACHED")
}
detach() {
    local dev=$1 l keep=()
    losetup -d "$dev"
    for l in "${LOOPS[@]}"; do [[ $l == "$dev" ]] || keep+=("$l"); done
    LOOPS=("${keep[@]}")
}
mount_tracked() { # device mountpoint [mount options]
    mount -t ext4 ${3:+-o "$3"} "$1" "$2" || die "could not mount $1 on $2."
    [[ " ${MOUNTS[*]} " == *" $2 "* ]] || MOUNTS+=("$2")
}

need_cold_tools() {
    [[ $(id -u) == 0 ]] ||
        die "--cold needs root: it attaches an ext4 image to a loop device (losetup) and mounts it. Run it as root, or leave out --cold."
    local t
    for t in losetup mount umount mountpoint mkfs.ext4 fincore dd; do
        have "$t" || die "--cold needs $t (packages util-linux, mount, e2fsprogs, coreutils)."
    done
    [[ -e /dev/loop-control ]] || modprobe loop 2>/dev/null || true
    [[ -e /dev/loop-control ]] || die "--cold needs loop devices, and this kernel offers none (no /dev/loop-control)."
}

# The ext4 image with the synth tree of $1 files (built once, reused like the trees): sets
# COLD_IMG, COLD_MNT and COLD_TREE (the tree's path once mounted).
cold_image() {
    local files=$1 size inodes dev
    COLD_IMG="$WORK/cold-$(size_label "$files").img"
    COLD_MNT="$WORK/cold-mnt"
    COLD_TREE="$COLD_MNT/tree"
    mkdir -p "$COLD_MNT"
    mountpoint -q "$COLD_MNT" && die "$COLD_MNT is mounted already (another bench run?); unmount it first."
    [[ -f $COLD_IMG && -f $COLD_IMG.summary ]] && return
    log "building $COLD_IMG: ext4 image with the synth tree of $files files"
    rm -f "$COLD_IMG" "$COLD_IMG.summary"
    # Sparse image: one 4 KiB block per non-empty file plus folders; 1.2 inodes per file.
    size=$((files * 16 * 1024 + 512 * 1024 * 1024))
    inodes=$((files * 6 / 5 + 10000))
    truncate -s "$size" "$COLD_IMG"
    # Inode tables and journal written now, so no background initialisation runs during timing.
    mkfs.ext4 -q -F -N "$inodes" -E lazy_itable_init=0,lazy_journal_init=0 -L wi-bench-cold "$COLD_IMG"
    attach "$COLD_IMG"
    dev=$ATTACHED
    mount_tracked "$dev" "$COLD_MNT"
    "$SYNTH" --files "$files" --seed "$SEED" "$COLD_TREE" | tee "$COLD_IMG.summary.tmp"
    umount "$COLD_MNT"
    detach "$dev"
    mv "$COLD_IMG.summary.tmp" "$COLD_IMG.summary"
}

# Attach the image read-only with direct I/O (its pages never enter the page cache), mount it
# read-only, and write the remount script that hyperfine runs before every cold run.
COLD_DEV=""
REMOUNT=""
cold_attach() {
    local name
    # Drop our image's own pages from the page cache (no other file is touched).
    dd if="$COLD_IMG" iflag=nocache count=0 status=none
    cold_evidence "after dropping the image's own pages"
    attach "$COLD_IMG" --direct-io=on --read-only
    COLD_DEV=$ATTACHED
    name=${COLD_DEV#/dev/}
    [[ $(cat "/sys/block/$name/loop/dio" 2>/dev/null) == 1 ]] ||
        die "the kernel did not turn on direct I/O for $COLD_DEV, so the image would be read through the page cache and no run would be cold."
    mount_tracked "$COLD_DEV" "$COLD_MNT" ro
    REMOUNT="$OUT/remount.sh"
    cat >"$REMOUNT" <<EOF
#!/usr/bin/env bash
# Written by bench/run.sh --cold, run by hyperfine before every cold run. Unmounting the
# read-only ext4 image evicts its dentries and inodes, and the last close of the loop device
# drops its block cache; direct I/O keeps the image file out of the page cache.
set -e
t0=\$(date +%s%N)
umount $(printf %q "$COLD_MNT")
t1=\$(date +%s%N)
mount -t ext4 -o ro $(printf %q "$COLD_DEV") $(printf %q "$COLD_MNT")
t2=\$(date +%s%N)
printf '%s\t%s\t%s\n' \$(((t1 - t0) / 1000)) \$(((t2 - t1) / 1000)) "\${1:-after a run}" >>$(printf %q "$OUT/remount-us.tsv")
cat /sys/block/$name/stat >$(printf %q "$OUT/.loopstat")
EOF
    {
        echo "cold image: $COLD_IMG ($(du -h "$COLD_IMG" | cut -f1) used of $(du -h --apparent-size "$COLD_IMG" | cut -f1)), $(head -1 "$COLD_IMG.summary")"
        echo "cold device: $COLD_DEV, direct I/O $(cat "/sys/block/$name/loop/dio"), read-only $(cat "/sys/block/$name/ro"), read-ahead $(cat "/sys/block/$name/queue/read_ahead_kb") KiB, scheduler $(cat "/sys/block/$name/queue/scheduler" 2>/dev/null)"
        echo "cold backing: $(df -T "$(real "$COLD_IMG")" | awk 'NR == 2 {print $1 " " $2}'), $(lsblk -dno NAME,ROTA,MODEL "$(df "$(real "$COLD_IMG")" | awk 'NR == 2 {print $1}')" 2>/dev/null | tr -s ' ')"
    } >>"$OUT/env.txt"
}
# /sys/block/<dev>/stat fields: 1 read I/Os, 3 sectors read, 4 ms spent reading (summed over
# requests), 10 ms busy, 11 ms weighted by requests in flight.
loopstat() { cat "/sys/block/${COLD_DEV#/dev/}/stat"; }
stat_delta() { # before after → JSON fields
    jq -cn --arg a "$1" --arg b "$2" '($a | [splits(" +")] | map(select(. != "") | tonumber)) as $x |
        ($b | [splits(" +")] | map(select(. != "") | tonumber)) as $y |
        {rd_ios: ($y[0] - $x[0]), rd_kib: (($y[2] - $x[2]) / 2), rd_ms: ($y[3] - $x[3]), busy_ms: ($y[9] - $x[9]), queue_ms: ($y[10] - $x[10])}'
}
# Pages of the image file in the page cache (fincore), and the system's Buffers/Cached.
cold_evidence() { # label
    echo "cold evidence $1: image pages cached $(fincore -bno RES "$COLD_IMG" 2>/dev/null || echo ?) B; $(awk '/^(Buffers|Cached):/ {printf "%s %.0f MiB ", $1, $2 / 1024}' /proc/meminfo)" >>"$OUT/env.txt"
}

# Command lists: name<TAB>command with $D for the tree.
peer_cmds() {
    printf 'du\tdu -s $D\n'
    printf 'diskus\tdiskus $D\n'
    printf 'pdu\tpdu -H -q block-size -d 1 -b plain $D\n'
    printf 'dua\tdua aggregate $D\n'
    printf 'dust\tdust -d 0 -P -c -b $D\n'
}
ours_cmds() { # [jobs...]
    local q j
    q="$(printf %q "$BIN") $OURS_ARGS"
    printf 'wechat-inspect\t%s $D\n' "$q"
    for j in "$@"; do printf 'wechat-inspect -j %s\t%s -j %s $D\n' "$j" "$q" "$j"; done
}

# One hyperfine run of one command; appends a JSON line to $out. Globals: cold, prep.
run_one() { # name command round position idx
    local name=$1 cmd=$2 load before="" io="{}" hf="$OUT/.hf.json" args=(-N -i --runs 1 --style none --export-json "$OUT/.hf.json")
    load="$(cut -d' ' -f1 /proc/loadavg)"
    local pre=()
    [[ -n $NICE ]] && pre=(nice -n "$NICE")
    [[ $prep == 1 ]] && args+=(--prepare "bash $REMOUNT")
    [[ $cold == 1 && $prep == 0 ]] && before="$(loopstat)"
    "${pre[@]}" hyperfine "${args[@]}" -n "$name" "$cmd" </dev/null >/dev/null
    if [[ $cold == 1 ]]; then
        [[ $prep == 1 ]] && before="$(cat "$OUT/.loopstat")"
        io="$(stat_delta "$before" "$(loopstat)")"
    fi
    jq -c --arg n "$name" --argjson r "$3" --argjson p "$4" --argjson i "$5" --argjson l "$load" \
        --argjson io "$io" --arg s "${state:-}" \
        '.results[0] | {name: $n, idx: $i, round: $r, pos: $p, load1: $l, wall: .times[0], user: .user,
            sys: .system, code: .exit_codes[0]} + $io + (if $s == "" then {} else {state: $s} end)' "$hf" >>"$out"
    rm -f "$hf"
}

# ab_block BLOCK warm|cold DIR < commands: ROUNDS rounds (warm: after one discarded round).
ab_block() {
    local block=$1 mode=$2 dir=$3 names=() cmds=() name cmd n r k i
    local out="$OUT/ab-$block.jsonl"
    local cold=0 prep=0 state=""
    [[ $mode == cold ]] && cold=1 prep=1
    while IFS=$'\t' read -r name cmd; do
        names+=("$name")
        cmds+=("$(expand "$cmd" "$dir")")
    done
    n=${#names[@]}
    : >"$out"
    # Exit codes first (ours: 0 or 1 = issues listed; peers: 0); for a warm block this also
    # warms the caches.
    for ((i = 0; i < n; i++)); do
        local rc=0
        bash -c "${cmds[i]} >/dev/null 2>&1" || rc=$?
        if [[ ${names[i]} == wechat-inspect* || ${names[i]} == scan* || ${names[i]} == hosts* ]] && ((rc <= 1)); then continue; fi
        ((rc == 0)) || die "${names[i]} exited with $rc on $dir: ${cmds[i]}"
    done
    echo "load before $block: $(loadavg)" >>"$OUT/env.txt"
    log "$block: $n commands x $ROUNDS alternating rounds ($mode) on $dir"
    for ((r = 1; r <= ROUNDS; r++)); do
        wait_load
        for ((k = 0; k < n; k++)); do
            # Rotate the order every round, and run it backwards every other round.
            if ((r % 2)); then i=$(((k + r) % n)); else i=$(((n - 1 - k + r) % n)); fi
            run_one "${names[i]}" "${cmds[i]}" "$r" "$k" "$i"
        done
        printf '  round %d/%d done, load %s\n' "$r" "$ROUNDS" "$(loadavg)" >&2
    done
    echo "load after $block: $(loadavg)" >>"$OUT/env.txt"
    ab_table "$out" | tee "$OUT/ab-$block.txt" >&2
}

# Per command of a block: medians, and ratios paired within each round (this ÷ the block's
# first command, ÷ du, ÷ diskus).
AB_JQ='
def median: sort | if length == 0 then null elif length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r($d): if . == null then null else (. * $d | round) / $d end;
map(select(.state != "second")) as $runs
| ($runs | map(select(.idx == 0)) | .[0].name) as $ref
| ($runs | group_by(.round) | map(map({key: .name, value: .wall}) | from_entries)) as $rounds
| def paired($a; $b): [$rounds[] | select(.[$a] != null and .[$b] != null) | .[$a] / .[$b]]
    | if length == 0 then null else {med: (median | r(1000)), min: (min | r(1000)), max: (max | r(1000))} end;
$runs | group_by(.idx) | map(
  . as $c | $c[0].name as $n | {
    name: $n, idx: $c[0].idx, n: length,
    wall: (map(.wall) | median | r(1000)), wall_min: (map(.wall) | min | r(1000)), wall_max: (map(.wall) | max | r(1000)),
    cpu: (map(.user + .sys) | median | r(1000)),
    load: (map(.load1) | median | r(100)), load_min: (map(.load1) | min), load_max: (map(.load1) | max),
    codes: (map(.code) | unique),
    vs_ref: paired($n; $ref), vs_du: paired($n; "du"), vs_diskus: paired($n; "diskus"),
    rd_mib: (if $c[0].rd_kib == null then null else map(.rd_kib / 1024) | median | r(10) end),
    rd_mib_min: (if $c[0].rd_kib == null then null else map(.rd_kib / 1024) | min | r(10) end),
    busy: (if $c[0].busy_ms == null then null else map(.busy_ms / (.wall * 1000)) | median | r(100) end),
    depth: (if $c[0].queue_ms == null then null else map(.queue_ms / (.wall * 1000)) | median | r(10) end),
    lat: (if $c[0].rd_ms == null then null else map(select(.rd_ios > 0) | .rd_ms / .rd_ios) | median | r(100) end)
  }) | sort_by(.idx)'
ab_summary() { jq -s "$AB_JQ" "$1"; }
ratio_txt() { jq -r 'if . == null then "-" else "\(.med) (\(.min)–\(.max))" end'; }
# The Markdown table of one block.
ab_table() { # jsonl
    local s ref
    s="$(ab_summary "$1")"
    ref="$(jq -r '.[0].name' <<<"$s")"
    if jq -e '.[0].rd_mib != null' <<<"$s" >/dev/null; then
        echo "| command | median s | min–max s | CPU s | ÷ \`$ref\` | ÷ \`du -s\` | ÷ \`diskus\` | read MiB | disk busy | requests in flight | ms per read |"
        echo "|---|---|---|---|---|---|---|---|---|---|---|"
    else
        echo "| command | median s | min–max s | CPU s | ÷ \`$ref\` | ÷ \`du -s\` | ÷ \`diskus\` |"
        echo "|---|---|---|---|---|---|---|"
    fi
    jq -r 'def rt: if . == null then "-" else "\(.med) (\(.min)–\(.max))" end;
        .[] | "| `\(.name)` | \(.wall) | \(.wall_min)–\(.wall_max) | \(.cpu) | " +
            (if .idx == 0 then "1" else (.vs_ref | rt) end) + " | " + (.vs_du | rt) + " | " + (.vs_diskus | rt) + " |" +
            (if .rd_mib == null then "" else " \(.rd_mib) | \(.busy * 100 | round) % | \(.depth) | \(.lat) |" end)' <<<"$s"
    jq -r '"\nLoad (1-min average at each run): median \(map(.load) | sort | .[length / 2 | floor]), " +
        "range \(map(.load_min) | min)–\(map(.load_max) | max); rounds: \(.[0].n); exit codes: " +
        (map("\(.name) \(.codes | map(tostring) | join("/"))") | join(", ")) + "."' <<<"$s"
}

# Cold-ness check: the same command twice, remounted before the first run only. The second run
# finds every dentry, inode and folder block cached: it must read (almost) nothing and be much
# faster, and the first must read what a cold run reads.
cold_check() { # dir
    local dir=$1 name cmd out="$OUT/ab-cold-check.jsonl" r cold=1 prep state k=0
    : >"$out"
    for ((r = 1; r <= 3; r++)); do
        while IFS=$'\t' read -r name cmd; do
            cmd="$(expand "$cmd" "$dir")"
            prep=1 state=cold run_one "$name" "$cmd" "$r" 0 "$k"
            prep=0 state=second run_one "$name" "$cmd" "$r" 1 "$k"
        done < <(ours_cmds 16; peer_cmds | head -2)
    done
}
cold_check_table() { # jsonl
    echo "| command | cold run s | second run s | second ÷ cold | read MiB, cold | read MiB, second | read requests, cold | second |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -sr 'def median: sort | if length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
        def r($d): (. * $d | round) / $d;
        group_by(.name)[] | . as $c | ($c | map(select(.state == "cold"))) as $a | ($c | map(select(.state == "second"))) as $b |
        "| `\($c[0].name)` | \($a | map(.wall) | median | r(1000)) | \($b | map(.wall) | median | r(1000)) | " +
        "\([$a, $b] | transpose | map(.[1].wall / .[0].wall) | median | r(100)) | \($a | map(.rd_kib / 1024) | median | r(10)) | " +
        "\($b | map(.rd_kib / 1024) | median | r(10)) | \($a | map(.rd_ios) | median) | \($b | map(.rd_ios) | median) |"' "$1"
}

# Peak RSS (GNU time) of $2, run $3 times; appends "label<TAB>round<TAB>KiB<TAB>wall s" to $1.
rss_runs() { # tsv label command
    local kb
    kb="$({ /usr/bin/time -f 'RSS %M %e' bash -c "exec $3 >/dev/null 2>&1" 2>&1 >/dev/null || true; } | awk '/^RSS/ {print $2 "\t" $3}')"
    printf '%s\t%s\t%s\n' "$2" "$4" "$kb" >>"$1"
}
med_col() { # tsv label column
    awk -F'\t' -v l="$2" -v c="$3" '$1 == l {print $c}' "$1" | sort -g |
        awk '{v[NR] = $1} END {if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# Entries with two or more links, from a tree's synth summary.
linked_entries() { sed -nE 's/.* ([0-9]+) entries with 2\+ links.*/\1/p' "$1.summary" | head -1; }

run_peers() { # warm: 300k and 1M, the default and each -j, and the peers
    local s dir
    for s in 300k 1m; do
        generate "${FILES[$s]}"
        dir="$(real "$(tree_dir "${FILES[$s]}")")"
        echo "tree $(size_label "${FILES[$s]}"): $(head -1 "$(tree_dir "${FILES[$s]}").summary")" >>"$OUT/env.txt"
        ab_block "warm-$(size_label "${FILES[$s]}")" warm "$dir" < <(ours_cmds $JOBS; peer_cmds)
    done
    # Peak RSS of one run of each command on the large tree (each worker has its own accumulator).
    local name cmd tsv="$OUT/mem-jobs.tsv"
    : >"$tsv"
    log "peak RSS of each command on $dir"
    while IFS=$'\t' read -r name cmd; do
        rss_runs "$tsv" "$name" "$(expand "$cmd" "$dir")" 1
    done < <(ours_cmds $JOBS; peer_cmds)
    cat "$tsv" >&2
}

run_cold() {
    local files=${FILES[300k]}
    need_cold_tools
    cold_image "$files"
    cold_evidence "before attaching"
    cold_attach
    log "cold check: a remounted run and an immediate second run"
    cold_check "$COLD_TREE"
    cold_check_table "$OUT/ab-cold-check.jsonl" | tee "$OUT/ab-cold-check.txt" >&2
    ab_block "cold-$(size_label "$files")" cold "$COLD_TREE" < <(ours_cmds $JOBS; peer_cmds)
    cold_evidence "after the cold runs"
    # The remount alone, as often again as there were cold runs (their own times are in the log too).
    log "remount times (umount + mount)"
    local i
    for ((i = 0; i < 10; i++)); do bash "$REMOUNT" alone; done
    umount "$COLD_MNT"
    detach "$COLD_DEV"
}

run_links() {
    local half none all
    # Half the media hard-linked: timed against the peers (warm).
    generate "${FILES[300k]}" half
    half="$(tree_dir "${FILES[300k]}" half)"
    echo "tree half-linked: $(head -1 "$half.summary")" >>"$OUT/env.txt"
    ab_block "links-half-$(size_label "${FILES[300k]}")" warm "$(real "$half")" < <(ours_cmds; peer_cmds)
    # Memory per hard-linked entry: every file with a second link against a link-free tree of
    # the same number of entries, alternating, peak RSS by GNU time.
    generate "$LINK_FILES" none
    generate "$LINK_FILES" all
    none="$(tree_dir "$LINK_FILES" none)"
    all="$(tree_dir "$LINK_FILES" all)"
    echo "tree link-free: $(head -1 "$none.summary")" >>"$OUT/env.txt"
    echo "tree all-linked: $(head -1 "$all.summary")" >>"$OUT/env.txt"
    local q r tsv="$OUT/mem-links.tsv"
    q="$(printf %q "$BIN") $OURS_ARGS"
    : >"$tsv"
    echo "load before mem-links: $(loadavg)" >>"$OUT/env.txt"
    log "peak RSS: link-free vs every file with a second link ($LINK_FILES entries), $ROUNDS rounds"
    for ((r = 1; r <= ROUNDS; r++)); do
        rss_runs "$tsv" none "$q $(printf %q "$(real "$none")")" "$r"
        rss_runs "$tsv" all "$q $(printf %q "$(real "$all")")" "$r"
    done
    echo "load after mem-links: $(loadavg)" >>"$OUT/env.txt"
    printf 'entries\t%s\nlinks\t%s\n' "$(linked_entries "$all")" "$(grep -oE '\(([0-9]+) hard links' "$all.summary" | grep -oE '[0-9]+')" >"$OUT/links-count.tsv"
    cat "$tsv" >&2
}

run_rss3m() {
    local f=${FILES[3m]} dir q r tsv="$OUT/mem-peak.tsv"
    generate "$f"
    dir="$(tree_dir "$f")"
    echo "tree peak RSS: $(head -1 "$dir.summary")" >>"$OUT/env.txt"
    q="$(printf %q "$BIN") $OURS_ARGS $(printf %q "$(real "$dir")")"
    : >"$tsv"
    echo "load before mem-peak: $(loadavg)" >>"$OUT/env.txt"
    log "peak RSS at $f files, 3 runs"
    for ((r = 1; r <= 3; r++)); do rss_runs "$tsv" wechat-inspect "$q" "$r"; done
    echo "load after mem-peak: $(loadavg)" >>"$OUT/env.txt"
    cat "$tsv" >&2
}

run_formats() {
    local dir b
    generate "${FILES[300k]}"
    dir="$(real "$(tree_dir "${FILES[300k]}")")"
    b="$(printf %q "$BIN")"
    printf 'scan --format json\t%s scan --quiet --format json -o /dev/null $D\n' "$b" >"$OUT/.formats"
    printf 'scan --format html\t%s scan --quiet --format html -o /dev/null $D\n' "$b" >>"$OUT/.formats"
    printf 'hosts\t%s hosts --quiet --format json -o /dev/null $D\n' "$b" >>"$OUT/.formats"
    ab_block "formats-$(size_label "${FILES[300k]}")" warm "$dir" <"$OUT/.formats"
    rm -f "$OUT/.formats"
    # What --timings shows for each (the HTML report's extra walk is not a phase of its own).
    "$BIN" scan --quiet --timings --format json -o /dev/null "$dir" 2>&1 >/dev/null | grep '^timings' | sed 's/^/json: /' >"$OUT/formats-timings.txt" || true
    "$BIN" scan --quiet --timings --format html -o /dev/null "$dir" 2>&1 >/dev/null | grep '^timings' | sed 's/^/html: /' >>"$OUT/formats-timings.txt" || true
}

# --- issue 14: Markdown -------------------------------------------------------------------------
# target row: label measured target(number) unit(x|B|MiB) load
target_row() { # label value limit load
    local met
    if [[ -z $2 || $2 == null ]]; then
        echo "| $1 | not measured | | |"
        return
    fi
    met="$(awk -v v="$2" -v t="$3" 'BEGIN {print (v <= t) ? "met" : "**missed**"}')"
    echo "| $1 | $2 | $met | $4 |"
}
block_val() { # dir block name field(vs_du.med ...)
    [[ -f $1/ab-$2.jsonl ]] || return 0
    ab_summary "$1/ab-$2.jsonl" | jq -r --arg n "$3" ".[] | select(.name == \$n) | .$4 // empty"
}
block_load() { # dir block
    [[ -f $1/ab-$2.jsonl ]] || return 0
    jq -sr 'map(.load1) | sort | "\(.[length / 2 | floor]) (\(min)–\(max))"' "$1/ab-$2.jsonl"
}
rss_load() { # dir name
    sed -n "s/^load before $2: //p; s/^load after $2: //p" "$1/env.txt" | cut -d' ' -f1 | paste -sd'/' | sed 's|/| → |'
}
# Files in a tree, from its synth summary line in env.txt ("tree LABEL: synth: N files ...").
env_files() { sed -nE "s/^$2: synth: ([0-9]+) files.*/\1/p" "$1/env.txt" | head -1; }
markdown14() { # dir
    local dir=$1 v f none all entries links per perlink ld b l
    echo
    echo "Peers: $(sed -n 's/^du: //p' "$dir/env.txt"), $(sed -n 's/^diskus: //p' "$dir/env.txt"), $(sed -n 's/^pdu: //p' "$dir/env.txt")," \
        "$(sed -n 's/^dua: //p' "$dir/env.txt"), $(sed -n 's/^dust: //p' "$dir/env.txt"); $(sed -n 's/^hyperfine: //p' "$dir/env.txt");" \
        "$(sed -n 's/^issue 14 modes: //p' "$dir/env.txt")."
    echo
    echo "**Issue 14 targets** (ratios: medians of per-round ratios from alternating rounds; load: the 1-min load average at each run, median (min–max)):"
    echo
    echo "| target | measured | met? | load |"
    echo "|---|---|---|---|"
    for b in cold warm; do
        for l in 30k 100k 300k 1m; do
            [[ -f $dir/ab-$b-$l.jsonl ]] || continue
            ld="$(block_load "$dir" "$b-$l")"
            target_row "$b $l: scan ≤ 0.8× \`diskus\`" "$(block_val "$dir" "$b-$l" wechat-inspect vs_diskus.med)" 0.8 "$ld"
            target_row "$b $l: scan ≤ 0.6× \`du -s\`" "$(block_val "$dir" "$b-$l" wechat-inspect vs_du.med)" 0.6 "$ld"
        done
    done
    if [[ -f $dir/mem-links.tsv ]]; then
        none="$(med_col "$dir/mem-links.tsv" none 3)"
        all="$(med_col "$dir/mem-links.tsv" all 3)"
        entries="$(awk -F'\t' '$1 == "entries" {print $2}' "$dir/links-count.tsv")"
        links="$(awk -F'\t' '$1 == "links" {print $2}' "$dir/links-count.tsv")"
        per="$(awk -v a="$all" -v n="$none" -v e="$entries" 'BEGIN {printf "%.0f", (a - n) * 1024 / e}')"
        perlink="$(awk -v a="$all" -v n="$none" -v e="$links" 'BEGIN {printf "%.0f", (a - n) * 1024 / e}')"
        target_row "memory per hard-linked entry ≤ 100 B ($(size_label "$entries") entries; $perlink B per extra link)" "$per" 100 "$(rss_load "$dir" mem-links)"
    fi
    if [[ -f $dir/mem-peak.tsv ]]; then
        v="$(awk -F'\t' '{print $3}' "$dir/mem-peak.tsv" | sort -g | tail -1)"
        target_row "peak RSS ≤ 32 MiB at $(size_label "$(env_files "$dir" "tree peak RSS")") files (MiB, largest of $(wc -l <"$dir/mem-peak.tsv") runs)" \
            "$(awk -v k="$v" 'BEGIN {printf "%.1f", k / 1024}')" 32 "$(rss_load "$dir" mem-peak)"
    fi
    for f in "$dir"/ab-formats-*.jsonl; do
        [[ -f $f ]] || continue
        b="$(basename "$f" .jsonl | sed 's/^ab-//')"
        ld="$(block_load "$dir" "$b")"
        target_row "\`scan --format html\` ≤ 1.1× the JSON scan (${b#formats-})" "$(block_val "$dir" "$b" "scan --format html" vs_ref.med)" 1.1 "$ld"
        target_row "\`hosts\` ≤ 0.2× the scan (${b#formats-})" "$(block_val "$dir" "$b" hosts vs_ref.med)" 0.2 "$ld"
    done
    for f in "$dir"/ab-*.jsonl; do
        [[ -f $f ]] || continue
        b="$(basename "$f" .jsonl | sed 's/^ab-//')"
        echo
        case $b in
            cold-check)
                echo "**Cold check** (each command: remount, run, run again at once; 3 times, medians; read = what the loop device delivered during the run):"
                echo
                cold_check_table "$f"
                continue
                ;;
            cold-*) echo "**Cold cache, ${b#cold-} tree** (ext4 image on a direct-I/O loop device, remounted before every run; read MiB, disk busy and requests in flight from the loop device's counters during the run):" ;;
            warm-*) echo "**Warm cache, ${b#warm-} tree** (one discarded round first):" ;;
            links-half-*) echo "**Half the media hard-linked, ${b#links-half-} tree** (warm; $(sed -nE 's/^tree half-linked: synth: ([0-9]+) files \(([0-9]+) hard links.*: ([0-9]+) entries with 2\+ links.*/\1 entries, \2 extra links, \3 entries with 2+ links/p' "$dir/env.txt")):" ;;
            formats-*) echo "**Report formats and \`hosts\`, ${b#formats-} tree** (warm):" ;;
            *) echo "**$b**:" ;;
        esac
        echo
        ab_table "$f"
    done
    if [[ -s $dir/remount-us.tsv ]]; then
        # Column 3 (runs from 2026-11-29 19:40 UTC on): "after a run" (hyperfine's prepare) or "alone"
        # (back to back after the cold block); older files have only the first two columns.
        echo
        echo "**Remount** (not part of any time above): $(awk -F'\t' '{k = ($3 == "") ? "all" : $3; n[k]++; u[k] = u[k] " " $1; m[k] = m[k] " " $2}
            function med(s,  a, c, i, j, t) {c = split(s, a, " "); for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] + 0 < a[i] + 0) {t = a[i]; a[i] = a[j]; a[j] = t}; return a[int((c + 1) / 2)] / 1000}
            END {sep = ""; for (k in n) {printf "%s%s (%d): umount median %.1f ms, mount median %.1f ms", sep, k, n[k], med(u[k]), med(m[k]); sep = "; "}}' "$dir/remount-us.tsv")."
        grep '^cold ' "$dir/env.txt" | sed 's/^/- /'
    fi
    if [[ -f $dir/mem-links.tsv ]]; then
        echo
        echo "**Memory per hard-linked entry**: peak RSS of the scan (GNU time, $(grep -c '^none' "$dir/mem-links.tsv") alternating runs each, medians):" \
            "link-free tree $(awk -v k="$none" 'BEGIN {printf "%.1f", k / 1024}') MiB, every file with a second link" \
            "$(awk -v k="$all" 'BEGIN {printf "%.1f", k / 1024}') MiB; $entries entries with two links ($links extra links):" \
            "$per bytes per hard-linked entry, $perlink per extra link."
        sed -n 's/^tree link-free: /- link-free: /p; s/^tree all-linked: /- all-linked: /p' "$dir/env.txt"
    fi
    if [[ -f $dir/mem-peak.tsv ]]; then
        echo
        echo "**Peak RSS at $(size_label "$(env_files "$dir" "tree peak RSS")") files** (each run: peak RSS, wall time):" \
            "$(awk -F'\t' '{printf "%s%.1f MiB (%.2f s)", (NR > 1 ? ", " : ""), $3 / 1024, $4}' "$dir/mem-peak.tsv")."
        sed -n 's/^tree peak RSS: /- /p' "$dir/env.txt"
    fi
    if [[ -s $dir/mem-jobs.tsv ]]; then
        echo
        echo "**Peak RSS by command** on the $(sed -nE 's/^tree ([0-9]+[km]): .*/\1/p' "$dir/env.txt" | tail -1) tree (GNU time, one warm run each):"
        echo
        echo "| command | peak RSS | wall s |"
        echo "|---|---|---|"
        awk -F'\t' '{printf "| `%s` | %.1f MiB | %s |\n", $1, $3 / 1024, $4}' "$dir/mem-jobs.tsv"
    fi
    if [[ -s $dir/formats-timings.txt ]]; then
        echo
        echo '`--timings` of one JSON and one HTML scan:'
        echo
        echo '```text'
        cat "$dir/formats-timings.txt"
        echo '```'
    fi
}

if [[ -n $MARKDOWN ]]; then
    if [[ $MARKDOWN == latest ]]; then
        MARKDOWN="$(find "$ROOT/bench/results" -mindepth 1 -maxdepth 1 -type d | sort | tail -1)"
    fi
    markdown "$(real "$MARKDOWN")"
    exit
fi

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/$STAMP"
mkdir -p "$DATA" "$WORK" "$OUT"

# On a shared machine: wait (at most 10 min) until the 1-min load is below --max-load.
wait_load() {
    [[ -n $MAX_LOAD ]] || return 0
    local i
    for ((i = 0; i < 60; i++)); do
        awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$MAX_LOAD" 'BEGIN {exit !(l < m)}' && return 0
        ((i == 0)) && log "waiting for load < $MAX_LOAD (now $(loadavg))"
        sleep 10
    done
    log "load still $(loadavg) after 10 min; going on"
}

# --- tools ---------------------------------------------------------------------------------------
ensure_tools() {
    local apt_pkgs=()
    have hyperfine || apt_pkgs+=(hyperfine)
    [[ -x /usr/bin/time ]] || apt_pkgs+=(time)
    have strace || apt_pkgs+=(strace)
    have jq || apt_pkgs+=(jq)
    [[ $META == 0 ]] || have sqlite3 || apt_pkgs+=(sqlite3)
    if [[ ${#apt_pkgs[@]} -gt 0 ]]; then
        log "apt-get install ${apt_pkgs[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
    fi
    # Debian 12 packages none of diskus/dua/dust/pdu, so they come from crates.io (pinned versions).
    local crates=()
    have diskus || crates+=("${PEER_VERSIONS[0]}")
    have dua || crates+=("${PEER_VERSIONS[1]}")
    have dust || crates+=("${PEER_VERSIONS[2]}")
    have pdu || crates+=("${PEER_VERSIONS[3]}")
    if [[ ${#crates[@]} -gt 0 ]]; then
        log "cargo install --locked ${crates[*]}"
        cargo install --locked "${crates[@]}"
    fi
    # perf must match the running kernel, so it is not installed here; the profile is skipped without it.
    have perf || { PERF=0; log "note: no perf; skipping the profile"; }
}

# Our scanner is benchmarked only once the binary has a `scan` subcommand.
have_scan() { [[ -x $BIN ]] && "$BIN" --help 2>&1 | grep -qE '^\s+scan\b' && "$BIN" scan --help >/dev/null 2>&1; }

# --- data ----------------------------------------------------------------------------------------
generate() { # files [links mode]
    local files=$1 links=${2:-some} dir tmp
    dir="$(tree_dir "$files" "$links")"
    if [[ -d $dir && -f $dir.summary ]]; then return; fi
    tmp="$dir.tmp"
    rm -rf "$tmp" "$dir"
    log "generating $dir ($files files, seed $SEED, links $links)"
    local t0=$SECONDS
    "$SYNTH" --files "$files" --seed "$SEED" --links "$links" "$tmp" | tee "$dir.summary.tmp"
    mv "$tmp" "$dir"
    echo "generated in $((SECONDS - t0)) s; disk used: $(du -sh "$dir" | cut -f1)" | tee -a "$dir.summary.tmp"
    mv "$dir.summary.tmp" "$dir.summary"
}

# Regular-file entries and directories of a tree, from its synth summary line.
tree_files() { grep -oE '^synth: [0-9]+ files' "$1.summary" | grep -oE '[0-9]+'; }
tree_dirs() { grep -oE '[0-9]+ dirs' "$1.summary" | grep -oE '[0-9]+'; }

# A tree "with hundreds of databases": a copy of the 30k synth tree plus META_DBS real plaintext
# SQLite databases (sqlite3 CLI: three tables, an index, 50-4000 rows; every third left in WAL
# mode with its -wal/-shm) and META_PLISTS plists (half XML, half binary), in the 3.x Message
# folders and 4.x db_storage. Its twin `<name>-inert` is the same tree with every database,
# sidecar and plist renamed to `<name>.inert`: same entries and sizes, but nothing for the
# metadata pass (which has no off switch) and no head reads for them.
META_DBS=300
META_PLISTS=100
make_db() { # path page_size rows wal(0|1)
    {
        [[ $4 == 1 ]] && echo ".dbconfig no_ckpt_on_close on"
        cat <<SQL
PRAGMA page_size=$2;
CREATE TABLE MSG(mesLocalID INTEGER PRIMARY KEY, msgCreateTime INTEGER, msgContent TEXT, messageType INTEGER, msgStatus INTEGER);
CREATE INDEX MSG_time ON MSG(msgCreateTime);
CREATE TABLE Contact(userName TEXT PRIMARY KEY, nickName TEXT, remark TEXT, type INTEGER);
CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $3)
INSERT INTO MSG SELECT i, 1600000000 + i * 97, 'message body number ' || i || ' ' || hex(randomblob(8)), i % 50, 2 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $3 / 10 + 5)
INSERT INTO Contact SELECT 'wxid_' || hex(randomblob(6)), 'nick ' || i, '', i % 3 FROM c;
INSERT INTO kv VALUES ('version', x'0102030405'), ('last', x'ff');
SQL
        if [[ $4 == 1 ]]; then
            echo "PRAGMA journal_mode=WAL;"
            echo "INSERT INTO MSG(msgCreateTime, msgContent, messageType, msgStatus) VALUES (1760000000, 'in the wal', 1, 2);"
            echo "UPDATE kv SET v = x'00' WHERE k = 'last';"
        fi
    } | sqlite3 "$1" >/dev/null
}
make_meta_tree() { # base-files
    local files=$1 base dst tmp i d n=0 ps
    base="$(real "$(tree_dir "$files")")"
    dst="$WORK/meta-$((files / 1000))k"
    [[ -d $dst && -f $dst.summary && -d $dst-inert && -f $dst-inert.summary ]] && return
    log "building $dst and $dst-inert from $base ($META_DBS databases, $META_PLISTS plists)"
    rm -rf "$dst.tmp" "$dst" "$dst-inert.tmp" "$dst-inert"
    tmp="$dst.tmp"
    cp -a --sparse=always "$base" "$tmp"
    local dirs=()
    while IFS= read -r d; do dirs+=("$d"); done < <(
        find "$tmp/Data/Library/Application Support/com.tencent.xinWeChat" -mindepth 3 -maxdepth 3 -type d -name Message | sort
        find "$tmp/Data/Documents/xwechat_files" -mindepth 2 -maxdepth 2 -type d -name db_storage | sort
    )
    ((${#dirs[@]} > 0)) || { echo "no Message or db_storage folders in $base" >&2; return 1; }
    for ((i = 0; i < META_DBS; i++)); do
        d="${dirs[i % ${#dirs[@]}]}"
        if [[ $d == */db_storage ]]; then
            mkdir -p "$d/bench"
            d="$d/bench" ps=4096
        else
            ps=1024
        fi
        make_db "$(printf '%s/bench_%03d.db' "$d" "$i")" "$ps" $((50 + (i * 7919) % 3951)) $((i % 3 == 0 ? 1 : 0))
        n=$((n + 1))
    done
    # plists: XML by hand; binary via python3's plistlib when there is one (XML otherwise).
    for ((i = 0; i < META_PLISTS; i++)); do
        d="${dirs[i % ${#dirs[@]}]}"
        printf '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict>\n\t<key>name</key>\n\t<string>bench %d</string>\n\t<key>count</key>\n\t<integer>%d</integer>\n\t<key>list</key>\n\t<array>\n\t\t<string>a</string>\n\t\t<string>b</string>\n\t\t<true/>\n\t</array>\n</dict>\n</plist>\n' \
            "$i" "$i" >"$(printf '%s/bench_%03d.plist' "$d" "$i")"
    done
    if have python3; then
        python3 - "$tmp" <<'PY'
import pathlib, plistlib, sys
root = pathlib.Path(sys.argv[1])
for p in sorted(root.rglob("bench_*.plist"))[1::2]:
    i = int(p.stem.split("_")[1])
    p.write_bytes(plistlib.dumps({"name": f"bench {i}", "count": i, "nested": {"list": list(range(i % 20)), "data": bytes(16)}}, fmt=plistlib.FMT_BINARY))
PY
    fi
    # the inert twin
    cp -a --sparse=always "$tmp" "$dst-inert.tmp"
    find "$dst-inert.tmp" -type f \( -name '*.db' -o -name '*.sqlite' -o -name '*.sqlite3' -o -name '*.plist' \
        -o -name '*.archive' -o -name '*-wal' -o -name '*-shm' -o -name '*-journal' \) -exec sh -c 'for f; do mv "$f" "$f.inert"; done' sh {} +
    local summary
    summary="meta: synth-$((files / 1000))k + $n databases ($(find "$tmp" -name 'bench_*.db-wal' | wc -l) with WAL) + $META_PLISTS plists; $(find "$tmp" -type f | wc -l) files"
    mv "$tmp" "$dst"
    mv "$dst-inert.tmp" "$dst-inert"
    echo "$summary" | tee "$dst.summary"
    echo "$summary, databases/plists/sidecars renamed *.inert" >"$dst-inert.summary"
}

# --- measurements --------------------------------------------------------------------------------
# name<TAB>command, in table order. $D is replaced with the (quoted) tree path.
# `scan` exits 1 when the report lists issues, which the synthetic trees always produce (their
# sparse databases and plists have real headers over zero-filled bodies); hyperfine therefore
# runs with -i, and check_commands makes sure beforehand that nothing exits with anything else.
OURS_ARGS="scan --quiet --format json -o /dev/null"
commands() {
    if have_scan; then
        printf 'wechat-inspect\t%q %s $D\n' "$BIN" "$OURS_ARGS"
        # The opt-in .dat scheme survey: one more open + read per .dat image.
        printf 'wechat-inspect+dat-schemes\t%q %s --dat-schemes $D\n' "$BIN" "$OURS_ARGS"
    fi
    printf 'du\tdu -s $D\n'
    printf 'diskus\tdiskus $D\n'
    printf 'dua\tdua aggregate $D\n'
    printf 'dust\tdust -d 0 -P -c -b $D\n'
}
expand() { local cmd=$1 dir=$2; printf '%s' "${cmd//\$D/$(printf %q "$dir")}"; }

# Run each command once; ours may exit 0 or 1 (issues), the peers must exit 0.
check_commands() {
    local dir=$1 name cmd rc
    while IFS=$'\t' read -r name cmd; do
        rc=0
        bash -c "$(expand "$cmd" "$dir") >/dev/null 2>/dev/null" || rc=$?
        if [[ $name == wechat-inspect* && $rc -le 1 ]] || [[ $rc == 0 ]]; then continue; fi
        echo "$name exited with $rc on $dir: $(expand "$cmd" "$dir")" >&2
        return 1
    done < <(commands)
}

bench_tree() {
    local slot=$1 dir=$2 runs=$3 args=() name cmd
    dir="$(real "$dir")"
    while IFS=$'\t' read -r name cmd; do
        args+=(-n "$name" "$(expand "$cmd" "$dir")")
    done < <(commands)
    check_commands "$dir"
    wait_load
    log "hyperfine $slot: $dir (warmup $WARMUP, runs $runs)"
    echo "load before $slot: $(loadavg)" >>"$OUT/env.txt"
    hyperfine --style basic -i --warmup "$WARMUP" --runs "$runs" \
        --export-json "$OUT/hyperfine-$slot.json" --export-markdown "$OUT/hyperfine-$slot.md" "${args[@]}"
    echo "load after $slot: $(loadavg)" >>"$OUT/env.txt"
}

# Metadata overhead: scan vs scan --no-row-counts on the tree with hundreds of real databases,
# against a scan of its inert twin (the metadata pass has no off switch).
bench_meta() { # base-files
    local k dir inert ours
    k="$(($1 / 1000))k"
    dir="$(real "$WORK/meta-$k")"
    inert="$dir-inert"
    have_scan || { log "no scan subcommand; skipping the metadata overhead"; return; }
    echo "meta tree $k: $(cat "$dir.summary")" >>"$OUT/env.txt"
    # What the metadata pass found in each tree (the inert twin must have nothing).
    local db pl
    for d in "$dir" "$inert"; do
        "$BIN" scan --quiet --format json -o "$OUT/meta-report.json" "$d" || true
        db="$(jq '.databases | length' "$OUT/meta-report.json")"
        pl="$(jq '.plists | length' "$OUT/meta-report.json")"
        echo "meta $(basename "$d"): $db databases, $pl plists in the report" | tee -a "$OUT/env.txt" >&2
    done
    rm -f "$OUT/meta-report.json"
    ours="$(printf %q "$BIN") scan --quiet --format json -o /dev/null"
    wait_load
    log "hyperfine meta: $dir (warmup 3, runs $META_RUNS)"
    echo "load before meta $k: $(loadavg)" >>"$OUT/env.txt"
    hyperfine --style basic -i --warmup 3 --runs "$META_RUNS" \
        --export-json "$OUT/hyperfine-meta-$k.json" --export-markdown "$OUT/hyperfine-meta-$k.md" \
        -n "scan" "$ours $(printf %q "$dir")" \
        -n "scan --no-row-counts" "$ours --no-row-counts $(printf %q "$dir")" \
        -n "scan, inert twin" "$ours $(printf %q "$inert")"
    echo "load after meta $k: $(loadavg)" >>"$OUT/env.txt"
    jq -r '(.results[] | select(.command == "scan, inert twin") | .median) as $b |
        ["variant", "median_s", "stddev_s", "vs_inert"],
        (.results[] | [.command, (.median * 1000 | round / 1000), (.stddev * 1000 | round / 1000),
            (if .command == "scan, inert twin" then "baseline"
             else ((.median / $b - 1) * 1000 | round / 10 | tostring) + " %" end)]) | @tsv' \
        "$OUT/hyperfine-meta-$k.json" >"$OUT/meta-$k.tsv"
    # The same cost measured inside one process (--timings), which the machine's noise
    # between hyperfine blocks does not reach: the metadata pass against the walk.
    local i line walk meta
    : >"$OUT/meta-$k-timings.tsv"
    for ((i = 0; i < META_RUNS; i++)); do
        line="$("$BIN" scan --quiet --timings --format json -o /dev/null "$dir" 2>&1 >/dev/null | grep '^timings:')" || true
        walk="$(sed -nE 's/.*walk ([0-9.]+) ms.*/\1/p' <<<"$line")"
        meta="$(sed -nE 's/.*databases and plists ([0-9.]+) ms.*/\1/p' <<<"$line")"
        [[ -n $walk && -n $meta ]] && printf '%s\t%s\n' "$walk" "$meta" >>"$OUT/meta-$k-timings.tsv"
    done
}

# Peak RSS of one run of each tool (GNU time -v), on the given tree.
rss_tree() {
    local slot=$1 dir=$2 name cmd kb
    dir="$(real "$dir")"
    log "peak RSS on $slot ($dir)"
    : >"$OUT/rss-$slot.tsv"
    while IFS=$'\t' read -r name cmd; do
        # (our scan exits 1 on the synthetic trees' issues; GNU time passes that on)
        kb="$({ /usr/bin/time -v bash -c "exec $(expand "$cmd" "$dir") >/dev/null" 2>&1 >/dev/null || true; } |
            awk -F': ' '/Maximum resident set size/ {print $2}')"
        printf '%s\t%s\n' "$name" "$kb" | tee -a "$OUT/rss-$slot.tsv"
    done < <(commands)
}

# Syscalls per file entry under `strace -c -f`, for our scan and for du; the breakdown gives
# each syscall's count per file entry and per directory.
strace_tree() {
    local slot=$1 dir=$2 files dirs name cmd total
    files="$(tree_files "$dir")"
    dirs="$(tree_dirs "$dir")"
    dir="$(real "$dir")"
    log "strace -c -f on $slot ($files files, $dirs dirs)"
    echo "strace entries: $files file entries, $dirs directories" >>"$OUT/env.txt"
    : >"$OUT/strace-$slot.tsv"
    printf 'tool\tsyscall\tcalls\tper_file\tper_dir\n' >"$OUT/strace-$slot-breakdown.tsv"
    while IFS=$'\t' read -r name cmd; do
        [[ $name == wechat-inspect || $name == du ]] || continue
        strace -c -f -o "$OUT/strace-$slot-$name.txt" bash -c "exec $(expand "$cmd" "$dir") >/dev/null" || true
        total="$(awk '$NF == "total" {print $4}' "$OUT/strace-$slot-$name.txt")"
        printf '%s\t%s\t%s\n' "$name" "$total" "$(awk -v t="$total" -v f="$files" 'BEGIN {printf "%.2f", t / f}')" |
            tee -a "$OUT/strace-$slot.tsv"
        # syscalls by count, down to 0.01 per directory
        awk -v n="$name" -v f="$files" -v d="$dirs" '$1 ~ /^[0-9.]+$/ && $NF != "total" && $4 / d >= 0.01 {
                printf "%s\t%s\t%s\t%.3f\t%.2f\n", n, $NF, $4, $4 / f, $4 / d}' "$OUT/strace-$slot-$name.txt" |
            sort -t$'\t' -k3,3nr >"$OUT/strace-$slot-$name.tsv"
        sed 's/^/    /' "$OUT/strace-$slot-$name.tsv" >&2
        cat "$OUT/strace-$slot-$name.tsv" >>"$OUT/strace-$slot-breakdown.tsv"
        rm -f "$OUT/strace-$slot-$name.tsv"
        printf '%s\ttotal\t%s\t%.3f\t%.2f\n' "$name" "$total" "$(awk -v t="$total" -v f="$files" 'BEGIN {print t / f}')" \
            "$(awk -v t="$total" -v d="$dirs" 'BEGIN {print t / d}')" >>"$OUT/strace-$slot-breakdown.tsv"
    done < <(commands)
}

# perf profile of our scan (three scans in one recording): the top 20 symbols by self time, and
# the split by binary (kernel vs us vs libc). perf.data itself is large and is deleted.
perf_tree() {
    local slot=$1 dir=$2 cmd
    have_scan || return 0
    dir="$(real "$dir")"
    cmd="$(printf %q "$BIN") $OURS_ARGS $(printf %q "$dir")"
    log "perf record on $slot ($dir)"
    perf record -q -F 1999 -o "$OUT/perf-$slot.data" -- bash -c "for i in 1 2 3; do $cmd; done; true" 2>/dev/null || true
    # (sed, not head: head would close the pipe early and pipefail would stop the script)
    perf report -i "$OUT/perf-$slot.data" --stdio --no-children --sort dso,symbol --percent-limit 0.3 2>/dev/null |
        awk '!/^#/ && NF >= 4 && n < 20 {n++; p = $1; d = $2; $1 = $2 = $3 = ""; sub(/^ +/, ""); sub(/[ -]+$/, "");
            printf "%7s  %-18s %s\n", p, d, $0}' >"$OUT/perf-$slot-top.txt" || true
    {
        echo "by binary:"
        perf report -i "$OUT/perf-$slot.data" --stdio --no-children --sort dso 2>/dev/null |
            awk '!/^#/ && NF >= 2 && n < 6 {n++; printf "%7s  %s\n", $1, $2}' || true
    } >>"$OUT/perf-$slot-top.txt"
    rm -f "$OUT/perf-$slot.data" "$OUT/perf-$slot.data.old"
    cat "$OUT/perf-$slot-top.txt" >&2
}

median() { jq -r --arg n "$2" '.results[] | select(.command == $n) | .median' "$1"; }

summary() {
    log "summary (medians, warm cache; ratio = wechat-inspect / peer, < 1 means we are faster)"
    local slot f ours name
    for slot in "${SLOTS[@]}"; do
        f="$OUT/hyperfine-$slot.json"
        [[ -f $f ]] || continue
        ours="$(median "$f" wechat-inspect)"
        printf '\n%s: %s files (%s)\n' "$slot" "${FILES[$slot]}" "$(tree_dir "${FILES[$slot]}" | sed "s|^$ROOT/||")"
        printf '  %-15s %10s %10s %10s %8s\n' tool median_s stddev_s cpu_s ratio
        for name in $(jq -r '.results[].command' "$f"); do
            jq -r --arg n "$name" --arg ours "$ours" '.results[] | select(.command == $n) |
                [$n, (.median * 1000 | round / 1000), (.stddev * 1000 | round / 1000),
                 ((.user + .system) * 1000 | round / 1000),
                 (if $ours == "" then "-" else ($ours | tonumber) / .median * 100 | round / 100 end)] |
                @tsv' "$f" | awk -F'\t' '{printf "  %-15s %10s %10s %10s %8s\n", $1, $2, $3, $4, $5}'
        done
    done
    if [[ -f $OUT/hyperfine-300k.json && -f $OUT/hyperfine-1m.json ]]; then
        printf '\nscaling: median(1m tree) / median(300k tree); files ratio %s\n' \
            "$(awk -v a="${FILES[1m]}" -v b="${FILES[300k]}" 'BEGIN {printf "%.2f", a / b}')"
        for name in $(jq -r '.results[].command' "$OUT/hyperfine-1m.json"); do
            printf '  %-15s %s\n' "$name" \
                "$(awk -v a="$(median "$OUT/hyperfine-1m.json" "$name")" \
                    -v b="$(median "$OUT/hyperfine-300k.json" "$name")" 'BEGIN {printf "%.2f", a / b}')"
        done
    fi
    local k
    for f in "$OUT"/meta-*.tsv; do
        [[ -f $f && $f != *-timings.tsv ]] || continue
        k="$(basename "$f" .tsv | sed 's/^meta-//')"
        printf '\nmetadata overhead (%s)\n' "$(sed -n "s/^meta tree $k: //p" "$OUT/env.txt")"
        awk -F'\t' '{printf "  %-22s %10s %10s %10s\n", $1, $2, $3, $4}' "$f"
        [[ -s $OUT/meta-$k-timings.tsv ]] && printf '  in process (--timings): %s\n' "$(meta_share "$OUT/meta-$k-timings.tsv")"
    done
    for f in "$OUT"/rss-*.tsv; do
        [[ -f $f ]] || continue
        printf '\npeak RSS, KiB (%s)\n' "$(basename "$f" .tsv)"
        sed 's/^/  /' "$f"
    done
    for f in "$OUT"/strace-*.tsv; do
        [[ -f $f && $f != *-breakdown.tsv ]] || continue
        printf '\nsyscalls under strace -c -f (%s): tool, total, per file\n' "$(basename "$f" .tsv)"
        sed 's/^/  /' "$f"
    done
    printf '\nload averages (1/5/15 min) around each hyperfine block\n'
    grep '^load' "$OUT/env.txt" | sed 's/^/  /'
    printf '\nresults in %s\n' "${OUT#"$ROOT"/}"
}

record_env() {
    {
        echo "date: $STAMP"
        echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || echo ' (modified)')"
        echo "uname: $(uname -srm)"
        echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown) x $(nproc)"
        echo "mem: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo unknown)"
        echo "fs: $(df -T "$(real "$DATA")" | awk 'NR == 2 {print $2}')"
        echo "load at start: $(loadavg)"
        echo "mode: $([[ $QUICK == 1 ]] && echo quick || echo full), warmup $WARMUP, seed $SEED"
        for s in "${SLOTS[@]}"; do echo "tree $s: $(head -1 "$(tree_dir "${FILES[$s]}").summary")"; done
        echo "hyperfine: $(hyperfine --version)"
        echo "du: $(du --version | head -1)"
        echo "diskus: $(diskus --version)"
        echo "dua: $(dua --version)"
        echo "dust: $(dust --version)"
        echo "pdu: $(pdu --version 2>/dev/null || echo none)"
        [[ $META == 0 ]] || echo "sqlite3: $(sqlite3 --version | cut -d' ' -f1)"
        [[ $PERF == 0 ]] || echo "perf: $(perf --version)"
        if have_scan; then echo "wechat-inspect: $("$BIN" --version 2>&1 | head -1), $OURS_ARGS (threads: default)"; else echo "wechat-inspect: no scan subcommand yet, skipped"; fi
    } >"$OUT/env.txt"
    cat "$OUT/env.txt" >&2
}

# --- main ----------------------------------------------------------------------------------------
if [[ $ISSUE14 == 1 ]]; then
    META=0
    PERF=0
    SLOTS=()
    # Fail with a sentence before any long work.
    if [[ $M_COLD == 1 ]]; then need_cold_tools; fi
    ensure_tools
    log "cargo build --release"
    cargo build --release --bin wechat-inspect --example synth
    have_scan || die "$BIN has no scan subcommand, so there is nothing to measure for issue 14."
    record_env
    echo "issue 14 modes:$([[ $M_COLD == 1 ]] && echo ' cold')$([[ $M_PEERS == 1 ]] && echo ' peers')$([[ $M_FORMATS == 1 ]] && echo ' formats')$([[ $M_LINKS == 1 ]] && echo ' links')$([[ $M_RSS3M == 1 ]] && echo ' rss-3m'); rounds $ROUNDS; jobs $JOBS; nproc $(nproc); timed commands at niceness ${NICE:-0}" >>"$OUT/env.txt"
    if [[ $M_COLD == 1 ]]; then run_cold; fi
    if [[ $M_PEERS == 1 ]]; then run_peers; fi
    if [[ $M_FORMATS == 1 ]]; then run_formats; fi
    if [[ $M_LINKS == 1 ]]; then run_links; fi
    if [[ $M_RSS3M == 1 ]]; then run_rss3m; fi
    markdown "$OUT" >"$OUT/summary.md"
    cat "$OUT/summary.md"
    log "Markdown summary in ${OUT#"$ROOT"/}/summary.md (bench/run.sh --markdown prints it again)"
    exit 0
fi
ensure_tools
log "cargo build --release"
cargo build --release --bin wechat-inspect --example synth
have_scan || log "note: $BIN has no 'scan' subcommand yet; benchmarking the peers only"

for s in "${SLOTS[@]}"; do generate "${FILES[$s]}"; done
if [[ $META == 1 ]]; then
    for b in "${META_BASES[@]}"; do
        generate "$b"
        make_meta_tree "$b"
    done
fi
record_env

for s in "${SLOTS[@]}"; do
    bench_tree "$s" "$(tree_dir "${FILES[$s]}")" "${RUNS:-${NRUNS[$s]}}"
done
if [[ $META == 1 ]]; then
    for b in "${META_BASES[@]}"; do bench_meta "$b"; done
fi
if ((${#SLOTS[@]} > 0)); then
    # Peak RSS on the largest tree of this run; strace and perf on the smallest (strace is slow).
    rss_tree "${SLOTS[-1]}" "$(tree_dir "${FILES[${SLOTS[-1]}]}")"
    strace_tree "${SLOTS[0]}" "$(tree_dir "${FILES[${SLOTS[0]}]}")"
    [[ $PERF == 0 ]] || perf_tree "${SLOTS[0]}" "$(tree_dir "${FILES[${SLOTS[0]}]}")"
fi
summary | tee "$OUT/summary.txt"
markdown "$OUT" >"$OUT/summary.md"
log "Markdown summary in ${OUT#"$ROOT"/}/summary.md (bench/run.sh --markdown prints it again)"
