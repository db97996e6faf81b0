//! The `dupes` report in every format: table, JSON, CSV and fdupes (groups of paths,
//! a blank line after each, for people who act with fdupes, fclones or jdupes).
//!
//! Table, JSON and CSV go through [`Printable`] and the one CSV cell writer
//! ([`super::csv::field`]), like every report. The fdupes format is for programs: it
//! writes each path's exact bytes (not UTF-8 ones included), as fdupes does, unless
//! it is going to a terminal, where the paths are escaped like everywhere else. A
//! newline inside a name cannot be told from the end of a path in this format, so a
//! group with such a path is left out (the caller says so on standard error; JSON and
//! CSV have it).

use super::csv::field;
use super::human::{bytes, count, truncate_left, truncate_right};
use crate::escape::{printable, Notation, Printable};
use crate::model::dupes::{DupeGroup, DupesReport};
use std::io::{self, Write};

/// `dupes` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Fdupes,
}

/// Groups listed in full by the table (JSON, CSV and fdupes have them all).
const TOP_GROUPS: usize = 50;
/// Paths listed per group by the table.
const TOP_PATHS: usize = 10;
const TOP_ISSUES: usize = 20;
/// Paths are cut from the left to fit 80 columns.
const PATH_WIDTH: usize = 72;

/// Render `r` as `format`. `raw_paths`: the fdupes format writes exact path bytes
/// (set it unless the output is a terminal). Returns the number of groups the fdupes
/// format had to leave out (a path with a newline); 0 for the other formats.
pub fn render(
    format: Format,
    r: &DupesReport,
    raw_paths: bool,
    out: &mut dyn Write,
) -> io::Result<usize> {
    match format {
        Format::Fdupes if raw_paths => return fdupes(r, out),
        _ => {}
    }
    let notation = match format {
        Format::Json => Notation::Json,
        _ => Notation::Text,
    };
    let mut safe = Printable::new(out, notation);
    let skipped = match format {
        Format::Table => table(r, &mut safe).map(|()| 0)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut safe, r).map_err(io::Error::from)?;
            safe.write_all(b"\n")?;
            0
        }
        Format::Csv => csv(r, &mut safe).map(|()| 0)?,
        Format::Fdupes => fdupes(r, &mut safe)?,
    };
    safe.finish()?;
    Ok(skipped)
}

/// A group whose paths all fit the fdupes format (no newline in any).
fn representable(g: &DupeGroup) -> bool {
    !g.files.iter().any(|f| f.abs.contains(&b'\n'))
}

/// Each group's absolute paths, one a line, then a blank line (as `fdupes` prints).
/// Through [`Printable`] (a terminal) the bytes come out escaped.
fn fdupes(r: &DupesReport, out: &mut dyn Write) -> io::Result<usize> {
    let mut skipped = 0;
    for g in &r.groups {
        if !representable(g) {
            skipped += 1;
            continue;
        }
        for f in &g.files {
            out.write_all(&f.abs)?;
            out.write_all(b"\n")?;
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(skipped)
}

fn table(r: &DupesReport, w: &mut dyn Write) -> io::Result<()> {
    let t = &r.totals;
    writeln!(w, "Duplicate files in {}", printable(&r.base))?;
    writeln!(
        w,
        "searched {} by {} {}",
        printable(&r.generated_at),
        printable(&r.tool.name),
        printable(&r.tool.version)
    )?;
    writeln!(
        w,
        "same content = same size and the same BLAKE3 hash of every byte"
    )?;
    writeln!(w, "\nTOTALS")?;
    writeln!(
        w,
        "  Files         {} of {} and more ({} smaller left out, {} symlinks not followed)",
        count(t.files),
        bytes(r.min_size),
        count(t.below_min_size),
        count(t.symlinks)
    )?;
    writeln!(
        w,
        "  Read          {} sampled (4 KiB head and tail), {} hashed in full, {} read",
        count(t.sampled),
        count(t.hashed),
        bytes(t.bytes_read)
    )?;
    writeln!(
        w,
        "  Duplicates    {} groups: {} paths on {} inodes",
        count(t.groups),
        count(t.group_files),
        count(t.group_inodes)
    )?;
    writeln!(
        w,
        "  Reclaimable   {} (estimate: unique bytes freed by keeping one copy of each)",
        bytes(t.unique_bytes)
    )?;
    writeln!(w, "\nGROUPS ({}, most reclaimable first)", count(t.groups))?;
    if r.groups.is_empty() {
        writeln!(w, "  none: no two files have the same content")?;
    }
    for g in r.groups.iter().take(TOP_GROUPS) {
        writeln!(
            w,
            "  #{} {} each · {} paths on {} inodes · frees {}",
            g.id,
            bytes(g.size),
            count(g.files.len() as u64),
            count(g.inodes),
            bytes(g.unique_bytes)
        )?;
        // Where the copies are, said once for the paths that follow it.
        let mut last = String::new();
        for f in g.files.iter().take(TOP_PATHS) {
            let mut place = format!("{}, account {}", f.category, truncate_right(&f.account, 20));
            if let Some(chat) = &f.chat {
                place.push_str(&format!(", chat {}", truncate_right(chat, 9)));
            }
            if place != last {
                writeln!(w, "      {place}")?;
                last = place;
            }
            writeln!(w, "        {}", truncate_left(&f.path, PATH_WIDTH))?;
        }
        if g.files.len() > TOP_PATHS {
            writeln!(w, "        … {} more paths", g.files.len() - TOP_PATHS)?;
        }
    }
    if r.groups.len() > TOP_GROUPS {
        writeln!(
            w,
            "  … {} more groups (all are in --format json, csv and fdupes)",
            r.groups.len() - TOP_GROUPS
        )?;
    }
    writeln!(w, "\nISSUES ({})", r.issues.len())?;
    if r.issues.is_empty() {
        writeln!(w, "  none: every file was compared")?;
    }
    for i in r.issues.iter().take(TOP_ISSUES) {
        writeln!(
            w,
            "  {:<13} {}: {}",
            printable(&i.kind),
            truncate_left(&i.path, 40),
            printable(&i.message)
        )?;
    }
    if r.issues.len() > TOP_ISSUES {
        writeln!(
            w,
            "  … {} more (all are in --format json)",
            r.issues.len() - TOP_ISSUES
        )?;
    }
    Ok(())
}

/// One row per path, then one per issue; see the README for the columns.
fn csv(r: &DupesReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "section,group,path,size,inodes,unique_bytes,category,account,chat,dev,ino,nlink,detail"
    )?;
    for g in &r.groups {
        for f in &g.files {
            writeln!(
                w,
                "file,{},{},{},{},{},{},{},{},{},{},{},",
                g.id,
                field(&f.path),
                g.size,
                g.inodes,
                g.unique_bytes,
                field(&f.category),
                field(&f.account),
                field(f.chat.as_deref().unwrap_or("")),
                f.dev,
                f.ino,
                f.nlink
            )?;
        }
    }
    for i in &r.issues {
        writeln!(
            w,
            "issue,,{},,,,,,,,,,{}",
            field(&i.path),
            field(&format!("{}: {}", i.kind, i.message))
        )?;
    }
    Ok(())
}
