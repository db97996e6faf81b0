//! `--format json`: the model as pretty-printed, versioned JSON.

use crate::model::Report;
use std::io::{self, Write};

/// Write the report as JSON followed by a newline.
pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // `From` keeps the underlying I/O error (a closed pipe stays `BrokenPipe`).
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
