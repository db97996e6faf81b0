#!/usr/bin/env bash
# Compare the duplicate engine's groups with fclones' and jdupes' on a synthetic
# WeChat-like container with planted duplicates (bench/dupes/synth.rs).
#
#   bench/dupes/compare.sh [--files N] [--seed S] [--min-size N]
#
# Passes when:
#   - our groups, as sets of paths, are exactly `fclones group`'s (hidden files and
#     ignore files included, so both look at every regular file);
#   - our groups are exactly jdupes' (`-r -H`: hard links count, as in ours), once jdupes'
#     groups made only of hard links to one inode are dropped (ours and fclones' never
#     report those: they are not duplicates);
#   - every path in every one of our groups has the same bytes as the group's first path
#     (checked by reading them, independently of any hash): 0 false positives.
# The container is generated once under bench/data (git-ignored; DUPES_DATA moves it).
set -euo pipefail
cd "$(dirname "$0")/../.."

files=20000 seed=1 min_size=1
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --min-size) min_size=$2; shift 2 ;;
    *) echo "usage: $0 [--files N] [--seed S] [--min-size N]" >&2; exit 2 ;;
  esac
done

command -v fclones >/dev/null || { echo "fclones missing: cargo install --locked fclones" >&2; exit 2; }
command -v jdupes >/dev/null || { echo "jdupes missing: apt-get install jdupes" >&2; exit 2; }
nice cargo build --quiet --release --bin wechat-inspect --example dupes_synth

tree=$(bench/dupes/tree.sh "$files" "$seed")

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Ours exits 1 when it reports issues; there must be none here.
target/release/wechat-inspect dupes --any --quiet --min-size "$min_size" --format json "$tree" > "$out/ours.json"
fclones group --hidden --no-ignore --min "$min_size" --format json "$tree" > "$out/fclones.json" 2>"$out/fclones.log"
jdupes_opts=()
[ "$min_size" = 0 ] && jdupes_opts=(--zero-match)
[ "$min_size" -gt 1 ] && jdupes_opts=(-X "size+=:$min_size")
jdupes --quiet --recurse --hard-links "${jdupes_opts[@]}" "$tree" > "$out/jdupes.txt" || true

python3 - "$out" "$tree" "$min_size" <<'EOF'
import json, os, sys

out, tree, min_size = sys.argv[1], sys.argv[2], int(sys.argv[3])

def norm(groups):
    return {frozenset(os.path.realpath(p) for p in g) for g in groups if len(g) > 1}

ours_model = json.load(open(f"{out}/ours.json"))
ours = norm([os.path.join(tree, f["path"]) for f in g["files"]] for g in ours_model["groups"])
fcl = norm(g["files"] for g in json.load(open(f"{out}/fclones.json"))["groups"])

jd, cur = [], []
for line in open(f"{out}/jdupes.txt", encoding="utf-8", errors="surrogateescape"):
    line = line.rstrip("\n")
    if line:
        cur.append(line)
    elif cur:
        jd.append(cur)
        cur = []
if cur:
    jd.append(cur)
def inodes(g):
    return {(os.lstat(p).st_dev, os.lstat(p).st_ino) for p in g}
jdupes = norm(g for g in jd if len(inodes(g)) > 1)

# Independent check of every group: same size, same bytes.
false_pos = 0
for g in ours_model["groups"]:
    paths = [os.path.join(tree, f["path"]) for f in g["files"]]
    first = open(paths[0], "rb").read()
    if len(first) != g["size"] or any(open(p, "rb").read() != first for p in paths[1:]):
        false_pos += 1

t = ours_model["totals"]
print(f"ours:    {len(ours)} groups, {sum(map(len, ours))} paths, {t['group_inodes']} inodes, "
      f"{t['unique_bytes']} unique bytes, {t['sampled']} sampled, {t['hashed']} hashed, "
      f"{len(ours_model['issues'])} issues")
print(f"fclones: {len(fcl)} groups, {sum(map(len, fcl))} paths")
print(f"jdupes:  {len(jdupes)} groups, {sum(map(len, jdupes))} paths "
      f"({len(jd) - len(jdupes)} groups of hard links only dropped)")
ok = True
for name, other in (("fclones", fcl), ("jdupes", jdupes)):
    if ours == other:
        print(f"identical to {name}")
    else:
        ok = False
        only_ours, only_other = ours - other, other - ours
        print(f"DIFFERENT from {name}: {len(only_ours)} groups only ours, {len(only_other)} only {name}")
        for g in list(only_ours)[:3]:
            print("  only ours:", sorted(g))
        for g in list(only_other)[:3]:
            print(f"  only {name}:", sorted(g))
print(f"false positives (groups whose bytes differ): {false_pos}")
if ours_model["issues"]:
    ok = False
sys.exit(0 if ok and false_pos == 0 else 1)
EOF
