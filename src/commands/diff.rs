//! `diff OLD.json NEW.json`: load the two saved reports (refusing files that are not
//! reports, or of another schema version), compare, render.

use super::output::{emit, prepare};
use crate::config::DiffConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::model::{diff, redact, Report, SCHEMA_VERSION};
use crate::render;
use std::io::Write;
use std::path::Path;

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

/// Parse a saved `scan --format json` report.
pub fn parse(path: &Path, text: &str) -> Result<Report> {
    let not_a_report = |reason: String| Error::NotAReport {
        path: path.to_path_buf(),
        reason,
    };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| not_a_report(format!("not JSON ({e})")))?;
    match value.get("schema_version").and_then(|v| v.as_u64()) {
        None => return Err(not_a_report("no schema_version field".into())),
        Some(v) if v != u64::from(SCHEMA_VERSION) => {
            return Err(not_a_report(format!(
                "schema_version {v}, but this wechat-inspect reads version {SCHEMA_VERSION}"
            )))
        }
        Some(_) => {}
    }
    serde_json::from_value(value).map_err(|e| not_a_report(e.to_string()))
}

/// Read both reports and refuse a pair whose schema versions differ.
pub fn load_pair(old: &Path, new: &Path) -> Result<(Report, Report)> {
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|source| Error::Io {
            path: p.to_path_buf(),
            source,
        })
    };
    let (old_text, new_text) = (read(old)?, read(new)?);
    let version = |t: &str| {
        serde_json::from_str::<serde_json::Value>(t)
            .ok()
            .and_then(|v| v.get("schema_version").and_then(|s| s.as_u64()))
    };
    if let (Some(a), Some(b)) = (version(&old_text), version(&new_text)) {
        if a != b {
            return Err(Error::Usage(format!(
                "cannot compare reports of different schema versions: {} has schema_version {a}, {} has {b}",
                old.display(),
                new.display()
            )));
        }
    }
    Ok((parse(old, &old_text)?, parse(new, &new_text)?))
}
