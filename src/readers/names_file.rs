//! The `--names FILE` reader: one username per line, optionally a tab and a label
//! (`wxid_abc<TAB>Alice`); blank lines and lines starting with `#` are skipped. The file
//! is read once, bounded in size and lines, and nothing of it is kept beyond the
//! labels it gives (the tool stores nothing). Errors are plain sentences with the line
//! number.

use crate::escape::printable;
use crate::model::names::NameList;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

/// The largest names file read (a million contacts' lines fit in far less).
pub const MAX_BYTES: u64 = 8 << 20;
/// The most lines read (blank lines and comments included).
pub const MAX_LINES: usize = 200_000;
/// The longest username: WeChat's are ASCII and short (`wxid_` + 14, `…@chatroom`).
pub const MAX_USERNAME: usize = 128;
/// The longest label, in characters.
pub const MAX_LABEL: usize = 256;

/// Why a names file was refused: the line (1-based; 0 for the whole file) and a
/// sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamesError {
    pub line: usize,
    pub reason: String,
}

impl std::fmt::Display for NamesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "line {}: {}", self.line, self.reason)
        }
    }
}

fn err(line: usize, reason: impl Into<String>) -> NamesError {
    NamesError {
        line,
        reason: reason.into(),
    }
}

fn too_big() -> NamesError {
    err(
        0,
        format!(
            "larger than {} MiB; a names file holds one short line per username",
            MAX_BYTES >> 20
        ),
    )
}

/// A username as WeChat makes them: printable ASCII without spaces (`wxid_…`, custom
/// ids, `…@chatroom`, `gh_…`, `@placeholder_foldgroup`).
fn valid_username(u: &str) -> bool {
    !u.is_empty() && u.len() <= MAX_USERNAME && u.bytes().all(|b| b.is_ascii_graphic())
}

/// Parse a names file's bytes.
pub fn parse(bytes: &[u8]) -> Result<NameList, NamesError> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_big());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut list = NameList::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        if n > MAX_LINES {
            return Err(err(n, format!("more than {MAX_LINES} lines")));
        }
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = std::str::from_utf8(raw).map_err(|_| err(n, "not UTF-8 text"))?;
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (user, label) = match line.split_once('\t') {
            Some((u, l)) => (u.trim(), l.trim()),
            None => (line.trim(), ""),
        };
        if !valid_username(user) {
            let shown: String = printable(user).chars().take(40).collect();
            return Err(err(
                n,
                format!(
                    "{shown:?} is not a WeChat username (printable ASCII without spaces, at most {MAX_USERNAME} bytes); lines are `username` or `username<TAB>label`"
                ),
            ));
        }
        if label.chars().count() > MAX_LABEL {
            return Err(err(
                n,
                format!("the label is longer than {MAX_LABEL} characters"),
            ));
        }
        if !seen.insert(user.to_string()) {
            continue;
        }
        let label = if label.is_empty() { user } else { label };
        list.entries
            .push((user.to_string(), printable(label).into_owned()));
    }
    Ok(list)
}

/// Read and parse the names file at `path`: a regular file (a FIFO or device is
/// refused before it is opened), at most [`MAX_BYTES`].
pub fn load(path: &Path) -> Result<NameList, NamesError> {
    let io = |e: std::io::Error| err(0, crate::error::io_reason(&e));
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(err(0, "not a regular file"));
    }
    if meta.len() > MAX_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io)?
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    parse(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn lines_labels_comments_and_crlf() {
        let l = parse(b"\xEF\xBB\xBF# mine\r\nwxid_a\tAlice\r\n\r\nfilehelper\n  wxid_b  \t  Bob  \nwxid_a\tAgain\n").unwrap();
        assert_eq!(
            l.entries,
            [
                ("wxid_a".to_string(), "Alice".to_string()),
                ("filehelper".to_string(), "filehelper".to_string()),
                ("wxid_b".to_string(), "Bob".to_string()),
            ]
        );
    }

    #[test]
    fn escapes_in_labels_are_made_printable() {
        let l = parse(b"wxid_a\tA\x1b[31mlice\tx\n").unwrap();
        assert_eq!(l.entries[0].1, "A\\x1b[31mlice\\x09x");
    }

    #[test]
    fn refusals_name_the_line() {
        assert_eq!(parse(b"ok\n\xff\xfe\n").unwrap_err().line, 2);
        assert_eq!(parse(b"a b\n").unwrap_err().line, 1);
        assert_eq!(parse(b"x\n\x00\x01\n").unwrap_err().line, 2);
        let long = format!("wxid_a\t{}\n", "é".repeat(MAX_LABEL + 1));
        assert_eq!(parse(long.as_bytes()).unwrap_err().line, 1);
        let many = "a\n".repeat(MAX_LINES + 1);
        assert_eq!(parse(many.as_bytes()).unwrap_err().line, MAX_LINES + 1);
        let huge = vec![b'a'; MAX_BYTES as usize + 1];
        assert_eq!(parse(&huge).unwrap_err().line, 0);
    }

    proptest! {
        #[test]
        fn any_bytes_parse_or_refuse_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Ok(l) = parse(&bytes) {
                for (u, label) in &l.entries {
                    prop_assert!(valid_username(u));
                    prop_assert!(!label.chars().any(crate::escape::is_unsafe));
                }
            }
        }
    }
}
