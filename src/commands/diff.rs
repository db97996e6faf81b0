//! `diff OLD.json NEW.json`: load the two saved reports (refusing files that are not
//! reports, or of another schema version), compare, render.
//!
//! Input is bounded: a report is read up to [`MAX_REPORT_BYTES`] (a larger one is a
//! fatal error, exit 2), a file whose first byte is not `{` is refused after one small
//! read (so `diff /dev/zero x.json` stops at once), and each report is parsed straight
//! into its types (no generic JSON tree, which took ten times the text's size). A
//! report listing a category, account, chat or month twice is refused: its sums would
//! be meaningless.

use super::output::{emit, prepare};
use crate::config::DiffConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::model::{diff, redact, Report, SCHEMA_VERSION};
use crate::render;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::io::{self, Read, Write};
use std::path::Path;

/// Largest report `diff` reads: 512 MiB. A real container's report is a few MiB (it
/// grows with `--top` and the chats); past this bound a crafted or endless input is
/// refused with a sentence instead of exhausting memory.
pub const MAX_REPORT_BYTES: u64 = 512 * 1024 * 1024;

/// Run `diff`.
pub(crate) fn run(c: &DiffConfig, stdout: &mut dyn Write) -> Result<Exit> {
    let sink = prepare(&c.output, &[])?;
    let (mut old, mut new) = load_pair(&c.old, &c.new)?;
    if c.redact {
        redact::redact_all(&mut [&mut old, &mut new]);
    }
    let d = diff::diff(&old, &new);
    emit(sink, stdout, |w| render::diff::render(c.format, &d, w))?;
    Ok(Exit::Clean)
}

fn not_a_report(path: &Path, reason: impl Into<String>) -> Error {
    Error::NotAReport {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// The bytes of the report at `path`, bounded (see the module docs).
pub(crate) fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>> {
    let io_err = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    if file.metadata().map_err(io_err)?.is_dir() {
        return Err(not_a_report(path, "it is a folder"));
    }
    let mut reader = file.take(max + 1);
    let mut bytes = Vec::new();
    // One small read first: a report starts with `{` (after white space).
    let mut chunk = [0u8; 4096];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_err(e)),
        };
        bytes.extend_from_slice(&chunk[..n]);
        if n == 0 || bytes.iter().any(|b| !b.is_ascii_whitespace()) {
            break;
        }
    }
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') => {}
        Some(_) => return Err(not_a_report(path, "not JSON (it does not start with {)")),
        None => return Err(not_a_report(path, "it is empty")),
    }
    reader.read_to_end(&mut bytes).map_err(io_err)?;
    if bytes.len() as u64 > max {
        return Err(not_a_report(
            path,
            format!(
                "it is larger than {} MiB, the most diff reads",
                max / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// The `schema_version` of a report's bytes, if it has one (nothing else is read).
fn version_of(bytes: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct Head {
        schema_version: Option<u64>,
    }
    serde_json::from_slice::<Head>(bytes)
        .ok()
        .and_then(|h| h.schema_version)
}

/// Parse a saved `scan --format json` report and refuse one that lists a key twice.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Report> {
    match version_of(bytes) {
        None => {
            // Say why: not JSON at all, or no version.
            return Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                    Err(e) => not_a_report(path, format!("not JSON ({e})")),
                    Ok(_) => not_a_report(path, "no schema_version field"),
                },
            );
        }
        Some(v) if v != u64::from(SCHEMA_VERSION) => {
            return Err(not_a_report(
                path,
                format!(
                    "schema_version {v}, but this wechat-inspect reads version {SCHEMA_VERSION}"
                ),
            ))
        }
        Some(_) => {}
    }
    let report: Report =
        serde_json::from_slice(bytes).map_err(|e| not_a_report(path, e.to_string()))?;
    check_unique(&report).map_err(|reason| not_a_report(path, reason))?;
    Ok(report)
}

/// Every key `diff` sums by appears once.
fn check_unique(r: &Report) -> std::result::Result<(), String> {
    fn once(what: &str, keys: impl Iterator<Item = String>) -> std::result::Result<(), String> {
        let mut seen = BTreeSet::new();
        for k in keys {
            if !seen.insert(k.clone()) {
                return Err(format!(
                    "{what} \"{}\" is listed twice",
                    crate::escape::printable(&k)
                ));
            }
        }
        Ok(())
    }
    once("category", r.categories.iter().map(|c| c.id.clone()))?;
    once("account", r.accounts.iter().map(|a| a.id.clone()))?;
    once(
        "chat",
        r.chats.iter().map(|c| format!("{}/{}", c.account, c.chat)),
    )?;
    once("month", r.months.iter().map(|m| m.month.clone()))
}

/// Read both reports and refuse a pair whose schema versions differ.
pub fn load_pair(old: &Path, new: &Path) -> Result<(Report, Report)> {
    let old_bytes = read_bounded(old, MAX_REPORT_BYTES)?;
    let new_bytes = read_bounded(new, MAX_REPORT_BYTES)?;
    if let (Some(a), Some(b)) = (version_of(&old_bytes), version_of(&new_bytes)) {
        if a != b {
            return Err(Error::Usage(format!(
                "cannot compare reports of different schema versions: {} has schema_version {a}, {} has {b}",
                old.display(),
                new.display()
            )));
        }
    }
    let old_report = parse(old, &old_bytes)?;
    drop(old_bytes);
    Ok((old_report, parse(new, &new_bytes)?))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_bounded_and_sniffs_the_first_byte() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        std::fs::write(&p, b"  \n{\"a\": 1}").unwrap();
        assert_eq!(read_bounded(&p, 100).unwrap().len(), 11);
        assert!(read_bounded(&p, 5)
            .unwrap_err()
            .to_string()
            .contains("larger than"));
        std::fs::write(&p, b"\x00\x00").unwrap();
        assert!(read_bounded(&p, 100)
            .unwrap_err()
            .to_string()
            .contains("does not start"));
        std::fs::write(&p, b"").unwrap();
        assert!(read_bounded(&p, 100)
            .unwrap_err()
            .to_string()
            .contains("empty"));
        let e = read_bounded(Path::new("/dev/zero"), MAX_REPORT_BYTES).unwrap_err();
        assert!(e.to_string().contains("does not start"), "{e}");
    }
}
