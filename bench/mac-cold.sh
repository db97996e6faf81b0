#!/usr/bin/env bash
# Cold-cache timing on a Mac: the measurement issue 14's cold target is waiting for. On the Linux VM
# where `bench/run.sh --cold` runs, a read through the loop device costs about 90 µs of kernel CPU, so
# the cold time follows the number of read requests; on a Mac's SSD a read waits on the device, and
# only there can it show whether the scan's depth (up to 32 folders read at once) beats `diskus`.
#
#   bench/mac-cold.sh                     300k-file tree, 5 rounds, the scan at its default -j
#   bench/mac-cold.sh --files 1000000     another tree size (generated once, kept)
#   bench/mac-cold.sh --rounds 7          alternating rounds (each command once per round)
#   bench/mac-cold.sh --jobs "8 16 32"    also time the scan at these -j
#   WECHAT_INSPECT=path bench/mac-cold.sh benchmark that binary instead of a fresh release build
#
# What it does: builds the tool and `examples/synth` (release), makes a sparse APFS disk image once
# (bench/data/mac-cold-<files>.sparseimage, git-ignored) and generates the synth tree into it. Then,
# before every timed command: detaches the image (which drops its vnodes), runs `purge` (which empties
# the unified buffer cache, where the image file's own pages sit; needs sudo) and attaches the image
# read-only again. So every run starts cold, and nothing outside the image is evicted but the
# buffer cache, which `purge` empties for everyone. Commands alternate within a round. Peers are timed
# when installed: BSD `du -sk`, `diskus`, `dust`, `dua`, `pdu`. At the end one warm run of each checks
# the cold runs were cold (cold must be several times warm).
#
# Output: bench/results/mac-cold-<UTC time>/ with times.tsv (round, command, seconds), env.txt and
# summary.txt (median seconds per command, and the median over rounds of the scan's ratio to each peer).
# Portable to macOS's bash 3.2; no GNU tools needed. HDIUTIL and PURGE override the two macOS
# commands (the test of this script on Linux stands them in).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

FILES=300000
ROUNDS=5
JOBS=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --files) FILES="${2:?--files needs a number}"; shift ;;
        --rounds) ROUNDS="${2:?--rounds needs a number}"; shift ;;
        --jobs) JOBS="${2:?--jobs needs a list such as \"8 16 32\"}"; shift ;;
        -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "mac-cold.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
case "$FILES$ROUNDS" in *[!0-9]*|"") echo "mac-cold.sh: --files and --rounds take whole numbers" >&2; exit 2 ;; esac
# Base 10 (a leading zero would read as octal), and no more than 8 digits.
if [[ ${#FILES} -gt 8 || ${#ROUNDS} -gt 8 ]]; then echo "mac-cold.sh: --rounds 1 to 100, --files 1000 to 10000000" >&2; exit 2; fi
FILES=$((10#$FILES))
ROUNDS=$((10#$ROUNDS))
if [[ $ROUNDS -lt 1 || $ROUNDS -gt 100 || $FILES -lt 1000 || $FILES -gt 10000000 ]]; then
    echo "mac-cold.sh: --rounds 1 to 100, --files 1000 to 10000000" >&2
    exit 2
fi

HDIUTIL="${HDIUTIL:-hdiutil}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
PURGE="${PURGE:-$SUDO purge}"
if [[ -z ${HDIUTIL_OK:-} && $(uname -s) != Darwin ]]; then
    echo "mac-cold.sh: this measures a Mac; on Linux use bench/run.sh --cold" >&2
    exit 2
fi
command -v "${HDIUTIL%% *}" >/dev/null || { echo "mac-cold.sh: $HDIUTIL not found" >&2; exit 2; }

now() { perl -MTime::HiRes=time -e 'printf "%.4f\n", time'; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

DATA="$ROOT/bench/data"
IMG="$DATA/mac-cold-$FILES"
MNT="$DATA/mac-cold-mnt"
OUT="$ROOT/bench/results/mac-cold-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$DATA" "$MNT" "$OUT"

# `purge` needs root: ask for the password once, and keep sudo's ticket fresh while the bench runs.
keeper=""
if [[ -n $SUDO && ${PURGE:-} == "$SUDO purge" ]]; then
    sudo -v
    (while sleep 60; do sudo -n true 2>/dev/null || exit; done) &
    keeper=$!
fi

attached=0
detach() {
    if [[ $attached == 1 ]]; then
        $HDIUTIL detach "$MNT" </dev/null >/dev/null 2>&1 || $HDIUTIL detach -force "$MNT" </dev/null >/dev/null
        attached=0
    fi
}
attach() { # $1: the image; $2: -readonly or nothing
    $HDIUTIL attach -nobrowse ${2:+"$2"} -mountpoint "$MNT" "$1" </dev/null >/dev/null
    attached=1
}
trap 'detach; [[ -z $keeper ]] || kill "$keeper" 2>/dev/null' EXIT
# An image a killed run left attached would make the first attach fail.
$HDIUTIL detach "$MNT" </dev/null >/dev/null 2>&1 || true

if [[ -z ${WECHAT_INSPECT:-} ]]; then
    log "building the release binary and the synth generator"
    cargo build --release --quiet
    WECHAT_INSPECT="$ROOT/target/release/wechat-inspect"
fi
cargo build --release --quiet --example synth
SYNTH="$ROOT/target/release/examples/synth"

if [[ ! -e "$IMG.sparseimage" ]]; then
    # Sparse files take a block each; 64 KiB per file is room to spare for the metadata.
    size_mb=$((FILES / 16 + 1024))
    log "making $IMG.sparseimage (${size_mb} MB at most) with the synth tree of $FILES files"
    # Built under another name and renamed once whole, so an interrupted build is
    # never taken for a finished tree.
    rm -rf "$IMG.part.sparseimage" "$IMG.part.summary"
    $HDIUTIL create -size "${size_mb}m" -type SPARSE -fs APFS -volname wi-cold "$IMG.part" </dev/null >/dev/null
    attach "$IMG.part.sparseimage" ""
    # No Spotlight on the volume: indexing after each attach would read the tree.
    touch "$MNT/.metadata_never_index"
    mdutil -i off "$MNT" </dev/null >/dev/null 2>&1 || true
    "$SYNTH" --files "$FILES" --seed 1 "$MNT/tree" >"$IMG.part.summary"
    detach
    mv "$IMG.part.summary" "$IMG.summary"
    mv "$IMG.part.sparseimage" "$IMG.sparseimage"
fi

# The commands, one per line: a label, a tab, the command, shell-quoted (the tree's path is appended).
WI=$(printf %q "$WECHAT_INSPECT")
TREE=$(printf %q "$MNT/tree")
CMDS="scan	$WI scan --quiet --format json -o /dev/null"
for j in $JOBS; do
    case "$j" in *[!0-9]*|"") echo "mac-cold.sh: --jobs takes whole numbers" >&2; exit 2 ;; esac
    CMDS="$CMDS
scan-j$j	$WI scan --quiet -j $j --format json -o /dev/null"
done
CMDS="$CMDS
du	du -sk"
for peer in diskus dust dua pdu; do
    if command -v "$peer" >/dev/null; then
        case "$peer" in
            dust) c="dust -d 0 -P -c -b" ;;
            dua) c="dua aggregate" ;;
            pdu) c="pdu -H -q block-size -d 1 -b plain" ;;
            *) c="$peer" ;;
        esac
        CMDS="$CMDS
$peer	$c"
    fi
done

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "uname: $(uname -srm)"
    echo "model: $(sysctl -n hw.model 2>/dev/null || echo unknown), $(sysctl -n hw.ncpu 2>/dev/null || getconf _NPROCESSORS_ONLN) cores"
    echo "binary: $WECHAT_INSPECT ($("$WECHAT_INSPECT" --version 2>/dev/null || echo '?'))"
    echo "tree: $(cat "$IMG.summary" 2>/dev/null || echo '?')"
    echo "rounds: $ROUNDS; jobs: ${JOBS:-default}"
    echo "load: $(uptime)"
} >"$OUT/env.txt"

# One timed run of $1 on the tree; its seconds in TOOK. The scan exits 1 on the synthetic tree's
# issues; only 2 (a fatal error) and above stop the bench.
timed() {
    local s e rc=0
    s=$(now)
    eval "$1 $TREE" </dev/null >/dev/null 2>&1 || rc=$?
    e=$(now)
    if [[ $rc -ge 2 ]]; then
        echo "mac-cold.sh: '$1' failed (exit $rc)" >&2
        exit 2
    fi
    TOOK=$(perl -e "printf \"%.4f\", $e - $s")
}

# One cold run (not in a subshell: `attached` must stay true to this shell).
run_cold() {
    detach
    sync
    eval "$PURGE" </dev/null
    attach "$IMG.sparseimage" -readonly
    timed "$1"
}

printf 'round\tcommand\tseconds\n' >"$OUT/times.tsv"
for r in $(seq 1 "$ROUNDS"); do
    while IFS='	' read -r label cmd; do
        run_cold "$cmd"
        printf '%s\t%s\t%s\n' "$r" "$label" "$TOOK" >>"$OUT/times.tsv"
        log "round $r: $label $TOOK s"
    done <<EOF
$CMDS
EOF
done

# Warm check: every command once more, the image left attached.
printf 'label\twarm seconds\n' >"$OUT/warm.tsv"
while IFS='	' read -r label cmd; do
    timed "$cmd"
    timed "$cmd"
    printf '%s\t%s\n' "$label" "$TOOK" >>"$OUT/warm.tsv"
done <<EOF
$CMDS
EOF
detach

awk -F'\t' '
    FNR == 1 { next }
    FNR == NR { warm[$1] = $2; next }
    { t[$2, $1] = $3; n[$2]++; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
    function median(a, m,   i, j, x) {
        for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
        printf "%-10s %10s %10s %8s\n", "command", "cold (s)", "warm (s)", "cold/warm"
        for (i = 1; i <= k; i++) {
            c = order[i]; delete a
            for (r = 1; r <= n[c]; r++) a[r] = t[c, r]
            med = median(a, n[c])
            printf "%-10s %10.3f %10.3f %8.1f%s\n", c, med, warm[c], (warm[c] > 0 ? med / warm[c] : 0), (warm[c] > 0 && med < 2 * warm[c] ? "  (not cold?)" : "")
        }
        print ""
        print "the scan (default -j) against each peer, median over rounds of the ratio in each round:"
        for (i = 1; i <= k; i++) {
            c = order[i]; if (c ~ /^scan/) continue
            delete a
            for (r = 1; r <= n[c]; r++) a[r] = t["scan", r] / t[c, r]
            printf "  %-8s %.3fx\n", c, median(a, n[c])
        }
        print ""
        print "issue 14 cold targets: <= 0.8x diskus and <= 0.6x du"
    }' "$OUT/warm.tsv" "$OUT/times.tsv" | tee "$OUT/summary.txt"
log "results in $OUT"
