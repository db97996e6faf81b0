//! Rendering a [`DiffReport`]: a table (default) or JSON.

use crate::escape::{printable, Notation, Printable};
use crate::model::diff::{Change, DiffReport};
use crate::render::human::{bytes, truncate_left, truncate_right};
use std::io::{self, Write};

/// Diff output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Table,
    Json,
}

/// Render `d` as `format` into `out`, through [`Printable`] (see [`crate::escape`]).
pub fn render(format: DiffFormat, d: &DiffReport, out: &mut dyn Write) -> io::Result<()> {
    let notation = match format {
        DiffFormat::Table => Notation::Text,
        DiffFormat::Json => Notation::Json,
    };
    let mut safe = Printable::new(out, notation);
    match format {
        DiffFormat::Table => table(d, &mut safe)?,
        DiffFormat::Json => {
            // `From` keeps the I/O error's kind: a closed pipe stays `BrokenPipe`.
            serde_json::to_writer_pretty(&mut safe, d).map_err(io::Error::from)?;
            safe.write_all(b"\n")?;
        }
    }
    safe.finish()
}

/// `+1.5 KiB`, `-300 B`, `0 B`.
pub fn signed_bytes(d: i64) -> String {
    match d {
        0 => "0 B".to_string(),
        d if d > 0 => format!("+{}", bytes(d.unsigned_abs())),
        d => format!("-{}", bytes(d.unsigned_abs())),
    }
}

fn signed(d: i64) -> String {
    if d > 0 {
        format!("+{d}")
    } else {
        d.to_string()
    }
}

/// `width` > 0: keys cut at the end; < 0: cut at the start (chats: keep the chat hash).
fn section(out: &mut dyn Write, title: &str, rows: &[Change], width: isize) -> io::Result<()> {
    let w = width.unsigned_abs();
    writeln!(out, "\n{title} ({} changed)", rows.len())?;
    if rows.is_empty() {
        return writeln!(out, "  (no change)");
    }
    for c in rows {
        writeln!(
            out,
            "  {:>11}  {:<11} {:<w$} {:>10} → {:<10} files {}",
            signed_bytes(c.delta_bytes),
            printable(&c.status),
            match &c.label {
                // A label first, then as much of the key as fits.
                Some(label) => truncate_right(&format!("{label} · {}", c.key), w),
                None if width < 0 => truncate_left(&c.key, w),
                None => truncate_right(&c.key, w),
            },
            bytes(c.old_bytes),
            bytes(c.new_bytes),
            signed(c.delta_files),
        )?;
    }
    Ok(())
}

fn table(d: &DiffReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Changes in WeChat storage")?;
    for (side, s) in [("old", &d.old), ("new", &d.new)] {
        writeln!(
            out,
            "  {side}: {} ({})",
            printable(&s.generated_at),
            printable(&s.base)
        )?;
    }
    let t = &d.totals;
    writeln!(out, "\nTOTALS")?;
    writeln!(
        out,
        "  Size   {} → {} ({})",
        bytes(t.old_bytes),
        bytes(t.new_bytes),
        signed_bytes(t.delta_bytes)
    )?;
    writeln!(
        out,
        "  Files  {} → {} ({})",
        t.old_files,
        t.new_files,
        signed(t.delta_files)
    )?;
    section(out, "CATEGORIES", &d.categories, 14)?;
    section(out, "ACCOUNTS", &d.accounts, 32)?;
    section(out, "CHATS", &d.chats, -40)?;
    section(out, "MONTHS", &d.months, 7)
}
