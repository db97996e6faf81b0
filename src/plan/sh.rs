//! `plan --format sh`: a POSIX `sh` script that lists the plan (dry run, the default)
//! or, with `--really`, moves each item to the macOS Trash (Finder's Put Back works) or
//! into `--quarantine DIR`, after re-checking that it is still what was planned.
//!
//! The script never calls `rm`. Every path is a single shell word: single-quoted when
//! it is printable UTF-8 (`'` written as `'\''`), otherwise rebuilt by `printf` from
//! octal escapes (newlines, control characters, bytes that are not UTF-8), so the
//! script carries the exact bytes. What it prints about an item is the escaped form
//! the report uses (`\xNN`), never raw bytes that could move a terminal's cursor.

use super::{Plan, PlanItem};
use crate::render::human::bytes;
use std::io::{self, Write};

/// The script's fixed part: options, checks, and the `item` function.
const PROLOGUE: &str = r#"set -u
# Print a line as is (echo would read backslashes in names).
say() { printf '%s\n' "$*"; }
really=0
quarantine=''
usage() {
  echo 'usage: sh plan.sh [--really] [--quarantine DIR]'
  echo '  (no option)       list what would move; changes nothing'
  echo '  --really          move each re-checked item to the Trash (Finder: Put Back works)'
  echo '  --quarantine DIR  move into DIR instead (same volume; the paths are kept below it)'
}
while [ $# -gt 0 ]; do
  case $1 in
    --really) really=1 ;;
    --quarantine)
      [ $# -ge 2 ] || { echo 'plan.sh: --quarantine needs a folder' >&2; exit 2; }
      quarantine=$2; shift ;;
    --quarantine=*) quarantine=${1#--quarantine=} ;;
    -h|--help) usage; exit 0 ;;
    *) echo "plan.sh: unknown option (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# (dev, inode, size, mtime) of a path, without following a link: GNU stat, else BSD stat.
if stat -c '%i' / >/dev/null 2>&1; then
  statf() { stat -c '%d %i %s %Y' "$1" 2>/dev/null; }
else
  statf() { stat -f '%d %i %z %m' "$1" 2>/dev/null; }
fi
mode=list
if [ "$really" -eq 1 ]; then
  if command -v pgrep >/dev/null 2>&1; then
    for p in WeChat Weixin; do
      if pgrep -x "$p" >/dev/null 2>&1; then
        say "plan.sh: $p is running; quit it first (its databases point at these files)" >&2
        exit 2
      fi
    done
  fi
  if [ -n "$quarantine" ]; then
    [ -d "$quarantine" ] || { echo 'plan.sh: the --quarantine folder does not exist' >&2; exit 2; }
    quarantine=$(cd -- "$quarantine" && pwd -P) || exit 2
    qdev=$(statf "$quarantine") || exit 2
    qdev=${qdev%% *}
    mode=quarantine
  elif command -v osascript >/dev/null 2>&1; then
    mode=trash
  else
    echo 'plan.sh: no Finder here to move things to the Trash; give --quarantine DIR (a folder on the same volume)' >&2
    exit 2
  fi
fi
planned=0 done_=0 skipped=0
# item KIND DEV INODE SIZE MTIME SHOWN PATH
item() {
  planned=$((planned + 1))
  now=$(statf "$7") || { say "skipped (gone): $6"; skipped=$((skipped + 1)); return 0; }
  if [ "$now" != "$2 $3 $4 $5" ]; then
    say "skipped (changed since the plan): $6"
    skipped=$((skipped + 1))
    return 0
  fi
  case $mode in
    list) say "would move $1: $6"; return 0 ;;
    trash)
      if osascript -e 'on run argv' -e 'tell application "Finder" to delete (POSIX file (item 1 of argv) as alias)' -e 'end run' "$7" >/dev/null; then
        say "moved to the Trash: $6"; done_=$((done_ + 1))
      else
        say "failed: $6"; skipped=$((skipped + 1))
      fi ;;
    quarantine)
      if [ "$2" != "$qdev" ]; then
        say "skipped (on another volume than the quarantine): $6"; skipped=$((skipped + 1)); return 0
      fi
      dest=$quarantine$7
      if [ -e "$dest" ] || [ -h "$dest" ]; then
        say "skipped (already in the quarantine): $6"; skipped=$((skipped + 1)); return 0
      fi
      if mkdir -p -- "${dest%/*}" && mv -- "$7" "$dest"; then
        say "moved: $6"; done_=$((done_ + 1))
      else
        say "failed: $6"; skipped=$((skipped + 1))
      fi ;;
  esac
}
# A quarantine inside a planned item would move with it.
inside() {
  case $quarantine/ in
    "$1"/*) say "plan.sh: the quarantine is inside a planned item: $2" >&2; exit 2 ;;
  esac
}
"#;

const EPILOGUE: &str = r#"if [ "$mode" = list ]; then
  say "dry run: $planned item(s) planned, $skipped changed or gone; nothing was moved (sh plan.sh --really acts)"
else
  say "$done_ of $planned item(s) moved, $skipped skipped"
fi
[ "$skipped" -eq 0 ]
"#;

/// Whether a byte can stand as itself inside single quotes and in a terminal.
fn printable(path: &[u8]) -> Option<&str> {
    let s = std::str::from_utf8(path).ok()?;
    (!s.chars().any(crate::escape::is_unsafe)).then_some(s)
}

/// One shell word that is exactly `path`'s bytes: `'...'`, or `"$(printf '...X')"`
/// rebuilt into `$p` by the caller's assignment (see [`assign`]).
fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Shell lines that set `var` to exactly `path`'s bytes.
pub(crate) fn assign(var: &str, path: &[u8]) -> String {
    if let Some(s) = printable(path) {
        return format!("{var}={}", single_quoted(s));
    }
    // Octal for everything but plain ASCII letters, digits and `/._-`, then a trailing
    // `X` that `${var%X}` removes (command substitution drops trailing newlines).
    let mut fmt = String::with_capacity(path.len() * 2);
    for &b in path {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-' | b' ') {
            fmt.push(char::from(b));
        } else {
            fmt.push_str(&format!("\\{b:03o}"));
        }
    }
    format!("{var}=$(printf '{fmt}X'); {var}=${{{var}%X}}")
}

/// Write the plan as a script.
pub fn write(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "#!/bin/sh")?;
    writeln!(
        w,
        "# Clean-up plan written by wechat-inspect {} at {}.",
        env!("CARGO_PKG_VERSION"),
        plan.generated_at
    )?;
    writeln!(
        w,
        "# {} item(s), {} in all; about {} would be freed (an estimate: hard links\n# and APFS clones outside the plan can make it less).",
        plan.totals.items,
        bytes(plan.totals.bytes),
        bytes(plan.totals.unique_bytes)
    )?;
    writeln!(
        w,
        "# Review it. `sh plan.sh` lists and changes nothing; `sh plan.sh --really` moves"
    )?;
    writeln!(
        w,
        "# each item that is still what was planned to the Trash (or --quarantine DIR)."
    )?;
    writeln!(w, "# It never deletes anything.")?;
    w.write_all(PROLOGUE.as_bytes())?;
    writeln!(w, "if [ \"$mode\" = quarantine ]; then")?;
    for it in &plan.items {
        writeln!(w, "  {}", assign("p", &it.path_bytes()))?;
        writeln!(w, "  inside \"$p\" {}", single_quoted(&it.path))?;
    }
    writeln!(w, "  :")?;
    writeln!(w, "fi")?;
    for it in &plan.items {
        writeln!(w, "{}", assign("p", &it.path_bytes()))?;
        writeln!(
            w,
            "item {} {} {} {} {} {} \"$p\"",
            it.kind,
            it.dev,
            it.ino,
            it.size,
            it.mtime,
            single_quoted(&it.path)
        )?;
    }
    w.write_all(EPILOGUE.as_bytes())
}

/// `plan --format paths0`: each item's exact path bytes, NUL-terminated.
pub fn write_paths0(plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    for it in &plan.items {
        w.write_all(&it.path_bytes())?;
        w.write_all(b"\0")?;
    }
    Ok(())
}

#[allow(dead_code)]
fn _use(_: &PlanItem) {}
