#!/usr/bin/env bash
# Benchmark `wechat-inspect scan` against du, diskus, dua and dust on synthetic WeChat trees.
#
#   bench/run.sh                 full run: 300k and 1M trees, 10 and 5 timed runs, RSS, strace
#   bench/run.sh --quick         smoke check: 30k and 100k trees, 3 runs, 1 warmup
#   bench/run.sh --only 300k     only the small tree (--only 1m: only the large one)
#   bench/run.sh --runs 20       override the number of timed runs
#   WECHAT_INSPECT=path bench/run.sh   benchmark that binary instead of target/release/wechat-inspect
#
# Trees are generated once into bench/data/ (git-ignored) by `examples/synth.rs` with a fixed seed
# and reused. Results (hyperfine JSON, env, RSS, strace) go to bench/results/. See bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

QUICK=0
ONLY=""
RUNS=""
SEED="${BENCH_SEED:-1}"
PEER_VERSIONS=(diskus@0.9.0 dua-cli@3.0.0 du-dust@1.2.7)

usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --only) ONLY="${2:?--only needs 300k or 1m}"; shift ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$ONLY" in "" | 300k | 1m) ;; *) echo "--only takes 300k or 1m" >&2; exit 2 ;; esac

# Tree slots: "300k" (small) and "1m" (large). --quick scales both down 10x.
if [[ $QUICK == 1 ]]; then
    declare -A FILES=([300k]=30000 [1m]=100000)
    declare -A NRUNS=([300k]=3 [1m]=3)
    WARMUP=1
else
    declare -A FILES=([300k]=300000 [1m]=1000000)
    declare -A NRUNS=([300k]=10 [1m]=5)
    WARMUP=2
fi
SLOTS=()
for s in 300k 1m; do [[ -z $ONLY || $ONLY == "$s" ]] && SLOTS+=("$s"); done

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${WECHAT_INSPECT:-$TARGET/release/wechat-inspect}"
SYNTH="$TARGET/release/examples/synth"
DATA="$ROOT/bench/data"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/results/$STAMP"
mkdir -p "$DATA" "$OUT"

log() { printf '\n== %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
# 1/5/15-minute load averages: this is a shared machine, so record how busy it was.
loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
tree_dir() { local n=$(($1 / 1000)); if ((n >= 1000)); then echo "$DATA/synth-$((n / 1000))m"; else echo "$DATA/synth-${n}k"; fi; }

# --- tools ---------------------------------------------------------------------------------------
ensure_tools() {
    local apt_pkgs=()
    have hyperfine || apt_pkgs+=(hyperfine)
    [[ -x /usr/bin/time ]] || apt_pkgs+=(time)
    have strace || apt_pkgs+=(strace)
    have jq || apt_pkgs+=(jq)
    if [[ ${#apt_pkgs[@]} -gt 0 ]]; then
        log "apt-get install ${apt_pkgs[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_pkgs[@]}" >/dev/null
    fi
    # Debian 12 packages none of diskus/dua/dust, so they come from crates.io (pinned versions).
    local crates=()
    have diskus || crates+=("${PEER_VERSIONS[0]}")
    have dua || crates+=("${PEER_VERSIONS[1]}")
    have dust || crates+=("${PEER_VERSIONS[2]}")
    if [[ ${#crates[@]} -gt 0 ]]; then
        log "cargo install --locked ${crates[*]}"
        cargo install --locked "${crates[@]}"
    fi
}

# Our scanner is benchmarked only once the binary has a `scan` subcommand.
have_scan() { [[ -x $BIN ]] && "$BIN" --help 2>&1 | grep -qE '^\s+scan\b' && "$BIN" scan --help >/dev/null 2>&1; }

# --- data ----------------------------------------------------------------------------------------
generate() {
    local files=$1 dir tmp
    dir="$(tree_dir "$files")"
    if [[ -d $dir && -f $dir.summary ]]; then return; fi
    tmp="$dir.tmp"
    rm -rf "$tmp" "$dir"
    log "generating $dir ($files files, seed $SEED)"
    local t0=$SECONDS
    "$SYNTH" --files "$files" --seed "$SEED" "$tmp" | tee "$dir.summary.tmp"
    mv "$tmp" "$dir"
    echo "generated in $((SECONDS - t0)) s; disk used: $(du -sh "$dir" | cut -f1)" | tee -a "$dir.summary.tmp"
    mv "$dir.summary.tmp" "$dir.summary"
}

# Regular-file entries and directories of a tree, from its synth summary line.
tree_files() { grep -oE '^synth: [0-9]+ files' "$1.summary" | grep -oE '[0-9]+'; }
tree_dirs() { grep -oE '[0-9]+ dirs' "$1.summary" | grep -oE '[0-9]+'; }

# --- measurements --------------------------------------------------------------------------------
# name<TAB>command, in table order. $D is replaced with the (quoted) tree path.
commands() {
    if have_scan; then printf 'wechat-inspect\t%q scan --quiet --format json -o /dev/null $D\n' "$BIN"; fi
    printf 'du\tdu -s $D\n'
    printf 'diskus\tdiskus $D\n'
    printf 'dua\tdua aggregate $D\n'
    printf 'dust\tdust -d 0 -P -c -b $D\n'
}

bench_tree() {
    local slot=$1 dir=$2 runs=$3 args=() name cmd
    while IFS=$'\t' read -r name cmd; do
        args+=(-n "$name" "${cmd//\$D/$(printf %q "$dir")}")
    done < <(commands)
    log "hyperfine $slot: $dir (warmup $WARMUP, runs $runs)"
    echo "load before $slot: $(loadavg)" >>"$OUT/env.txt"
    hyperfine --style basic --warmup "$WARMUP" --runs "$runs" \
        --export-json "$OUT/hyperfine-$slot.json" --export-markdown "$OUT/hyperfine-$slot.md" "${args[@]}"
    echo "load after $slot: $(loadavg)" >>"$OUT/env.txt"
}

# Peak RSS of one run of each tool (GNU time -v), on the given tree.
rss_tree() {
    local slot=$1 dir=$2 name cmd kb
    log "peak RSS on $slot ($dir)"
    : >"$OUT/rss-$slot.tsv"
    while IFS=$'\t' read -r name cmd; do
        kb="$(/usr/bin/time -v bash -c "exec ${cmd//\$D/$(printf %q "$dir")} >/dev/null" 2>&1 >/dev/null |
            awk -F': ' '/Maximum resident set size/ {print $2}')"
        printf '%s\t%s\n' "$name" "$kb" | tee -a "$OUT/rss-$slot.tsv"
    done < <(commands)
}

# Syscalls per file entry under `strace -c -f`, for our scan and for du.
strace_tree() {
    local slot=$1 dir=$2 files name cmd total
    files="$(tree_files "$dir")"
    log "strace -c -f on $slot ($files files, $(tree_dirs "$dir") dirs)"
    : >"$OUT/strace-$slot.tsv"
    while IFS=$'\t' read -r name cmd; do
        [[ $name == wechat-inspect || $name == du ]] || continue
        strace -c -f -o "$OUT/strace-$slot-$name.txt" bash -c "exec ${cmd//\$D/$(printf %q "$dir")} >/dev/null"
        total="$(awk '$NF == "total" {print $4}' "$OUT/strace-$slot-$name.txt")"
        printf '%s\t%s\t%s\n' "$name" "$total" "$(awk -v t="$total" -v f="$files" 'BEGIN {printf "%.2f", t / f}')" |
            tee -a "$OUT/strace-$slot.tsv"
        # top syscalls by count
        awk '$1 ~ /^[0-9.]+$/ && $NF != "total" {print $NF, $4}' "$OUT/strace-$slot-$name.txt" |
            sort -k2,2nr | head -6 | sed 's/^/    /'
    done < <(commands)
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
    for f in "$OUT"/rss-*.tsv; do
        [[ -f $f ]] || continue
        printf '\npeak RSS, KiB (%s)\n' "$(basename "$f" .tsv)"
        sed 's/^/  /' "$f"
    done
    for f in "$OUT"/strace-*.tsv; do
        [[ -f $f ]] || continue
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
        echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "uname: $(uname -srm)"
        echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || echo unknown) x $(nproc)"
        echo "mem: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || echo unknown)"
        echo "fs: $(df -T "$DATA" | awk 'NR == 2 {print $2}')"
        echo "load at start: $(loadavg)"
        echo "mode: $([[ $QUICK == 1 ]] && echo quick || echo full), warmup $WARMUP, seed $SEED"
        for s in "${SLOTS[@]}"; do echo "tree $s: $(head -1 "$(tree_dir "${FILES[$s]}").summary")"; done
        echo "hyperfine: $(hyperfine --version)"
        echo "du: $(du --version | head -1)"
        echo "diskus: $(diskus --version)"
        echo "dua: $(dua --version)"
        echo "dust: $(dust --version)"
        if have_scan; then echo "wechat-inspect: $("$BIN" --version 2>&1 | head -1)"; else echo "wechat-inspect: no scan subcommand yet, skipped"; fi
    } >"$OUT/env.txt"
    cat "$OUT/env.txt" >&2
}

# --- main ----------------------------------------------------------------------------------------
ensure_tools
log "cargo build --release"
cargo build --release --bin wechat-inspect --example synth
have_scan || log "note: $BIN has no 'scan' subcommand yet; benchmarking the peers only"

for s in "${SLOTS[@]}"; do generate "${FILES[$s]}"; done
record_env

for s in "${SLOTS[@]}"; do
    bench_tree "$s" "$(tree_dir "${FILES[$s]}")" "${RUNS:-${NRUNS[$s]}}"
done
# Peak RSS on the largest tree of this run; strace on the smallest (strace is slow).
rss_tree "${SLOTS[-1]}" "$(tree_dir "${FILES[${SLOTS[-1]}]}")"
strace_tree "${SLOTS[0]}" "$(tree_dir "${FILES[${SLOTS[0]}]}")"
summary | tee "$OUT/summary.txt"
