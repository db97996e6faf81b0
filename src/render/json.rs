//! `--format json`: the model as pretty-printed, versioned JSON.
//!
//! `scan` writes the whole [`Report`]; `dbs` and `plists` write its header (schema
//! version, tool, time, base, roots) with only their section and the issues.

use super::View;
use crate::escape::{Notation, Printable};
use crate::model::{Database, Issue, Plist, Report, Root, Tool};
use serde::Serialize;
use std::io::{self, Write};

/// The `dbs` / `plists` JSON: a subset of the scan report's fields, same meanings.
#[derive(Serialize)]
struct Subset<'a> {
    schema_version: u32,
    tool: &'a Tool,
    generated_at: &'a str,
    base: &'a str,
    roots: &'a [Root],
    #[serde(skip_serializing_if = "Option::is_none")]
    databases: Option<&'a [Database]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plists: Option<&'a [Plist]>,
    issues: &'a [Issue],
}

/// Write the report (or the view's part of it) as JSON followed by a newline, through
/// [`Printable`] (DEL, C1 and bidi controls as `\uXXXX`; serde escapes C0).
pub fn write(report: &Report, view: View, out: &mut dyn Write) -> io::Result<()> {
    let mut safe = Printable::new(out, Notation::Json);
    document(report, view, &mut safe)?;
    safe.finish()
}

fn document(report: &Report, view: View, out: &mut dyn Write) -> io::Result<()> {
    let subset = |databases, plists| Subset {
        schema_version: report.schema_version,
        tool: &report.tool,
        generated_at: &report.generated_at,
        base: &report.base,
        roots: &report.roots,
        databases,
        plists,
        issues: &report.issues,
    };
    // `From` keeps the underlying I/O error (a closed pipe stays `BrokenPipe`).
    match view {
        View::Scan => serde_json::to_writer_pretty(&mut *out, report),
        View::Databases => {
            serde_json::to_writer_pretty(&mut *out, &subset(Some(&report.databases[..]), None))
        }
        View::Plists => {
            serde_json::to_writer_pretty(&mut *out, &subset(None, Some(&report.plists[..])))
        }
    }
    .map_err(io::Error::from)?;
    out.write_all(b"\n")
}
