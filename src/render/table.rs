//! `--format table`: sections with human sizes, percentages and bars, for 80 columns.

use super::{Style, View};
use crate::escape::{printable, Notation, Printable};
use crate::model::{Database, Report};
use crate::render::human::{bar, bytes, count, percent, truncate_left, truncate_right};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Rows shown in the longer sections (JSON and CSV have them all).
const TOP_TYPES: usize = 15;
const TOP_ISSUES: usize = 20;
/// Databases listed by `scan` (`dbs` lists them all).
const TOP_DATABASES: usize = 15;
/// Plists listed by `scan` (`plists` lists them all).
const TOP_PLISTS: usize = 10;
/// Above this many months the age histogram is shown per year.
const MAX_MONTH_ROWS: usize = 24;
const BAR: usize = 20;

struct Out<'a> {
    /// Everything goes through [`Printable`]; only the colour codes the table chose
    /// go to [`Printable::raw`].
    w: Printable<'a>,
    style: Style<'a>,
}

impl Out<'_> {
    fn heading(&mut self, title: &str) -> io::Result<()> {
        if self.style.color {
            writeln!(self.w)?;
            self.w.raw()?.write_all(b"\x1b[1m")?;
            write!(self.w, "{title}")?;
            self.w.raw()?.write_all(b"\x1b[0m")?;
            writeln!(self.w)
        } else {
            writeln!(self.w, "\n{title}")
        }
    }

    /// A bar of `part` in `whole`, padded to its full width.
    fn bar(&mut self, part: u64, whole: u64) -> io::Result<()> {
        let b = bar(part, whole, BAR);
        let pad = " ".repeat(BAR - b.chars().count());
        if self.style.color && !b.is_empty() {
            self.w.raw()?.write_all(b"\x1b[36m")?;
            write!(self.w, "{b}")?;
            self.w.raw()?.write_all(b"\x1b[0m")?;
            write!(self.w, "{pad}")
        } else {
            write!(self.w, "{b}{pad}")
        }
    }
}

/// Write the report as text tables. Every string is escaped ([`printable`]) and the
/// whole goes through [`Printable`], so no control character reaches the terminal.
pub fn write(r: &Report, style: Style, w: &mut dyn Write) -> io::Result<()> {
    let mut o = Out {
        w: Printable::new(w, Notation::Text),
        style,
    };
    body(r, style, &mut o)?;
    o.w.finish()
}

fn body(r: &Report, style: Style, o: &mut Out<'_>) -> io::Result<()> {
    writeln!(o.w, "WeChat storage in {}", printable(&r.base))?;
    writeln!(
        o.w,
        "scanned {} by {} {}",
        printable(&r.generated_at),
        printable(&r.tool.name),
        printable(&r.tool.version)
    )?;
    if let Some(age) = &r.older_than {
        writeln!(
            o.w,
            "filtered: only files last written more than {} ago are counted (--older-than)",
            printable(age)
        )?;
    }
    match style.view {
        View::Scan => {
            findings(r, o)?;
            scan_sections(r, o)?;
            databases(r, o, TOP_DATABASES)?;
            plists(r, o, TOP_PLISTS)?;
            dat_images(r, o)?;
        }
        View::Databases => databases(r, o, usize::MAX)?,
        View::Plists => plists(r, o, usize::MAX)?,
    }
    issues(r, o)
}

/// What can be done: the findings, one line each, and how to plan them.
fn findings(r: &Report, o: &mut Out<'_>) -> io::Result<()> {
    if r.findings.is_empty() {
        return Ok(());
    }
    o.heading("WHAT CAN BE DONE (estimates; nothing is deleted by this tool)")?;
    let room = o.style.width.saturating_sub(11).max(20);
    for f in &r.findings {
        writeln!(
            o.w,
            "  {:<8} {}",
            f.tier.id(),
            truncate_right(&f.title, room)
        )?;
    }
    let ids: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.id != "caches")
        .map(|f| f.id.as_str())
        .collect();
    let hint = if ids.is_empty() {
        "review it: wechat-inspect plan (it writes a plan; its script moves to the Trash)"
            .to_string()
    } else {
        format!(
            "review one: wechat-inspect plan --finding ID (ID: {}; caches: no option)",
            ids.join(", ")
        )
    };
    // Wrapped at the width, word by word.
    let mut line = String::from(" ");
    for word in hint.split(' ') {
        if line.len() > 1 && line.len() + 1 + word.len() > o.style.width {
            writeln!(o.w, "{line}")?;
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(word);
    }
    writeln!(o.w, "{line}")
}

fn scan_sections(r: &Report, o: &mut Out<'_>) -> io::Result<()> {
    let total = r.totals.apparent_bytes;
    o.heading("TOTALS")?;
    let t = &r.totals;
    writeln!(
        o.w,
        "  Files       {} (and {} folders, {} symlinks, {} special)",
        count(t.files),
        count(t.dirs),
        count(t.symlinks),
        count(t.special_files)
    )?;
    writeln!(
        o.w,
        "  Size        {} ({} bytes)",
        bytes(t.apparent_bytes),
        count(t.apparent_bytes)
    )?;
    writeln!(
        o.w,
        "  On disk     {} (folders add {})",
        bytes(t.allocated_bytes),
        bytes(t.dir_allocated_bytes)
    )?;
    let h = &r.hard_links;
    if h.inodes > 0 {
        writeln!(
            o.w,
            "  Hard links  {} file(s) appear under {} paths; counted once, saving {}",
            count(h.inodes),
            count(h.inodes + h.extra_links),
            bytes(h.shared_apparent_bytes)
        )?;
    } else {
        writeln!(o.w, "  Hard links  none")?;
    }
    if !r.issues.is_empty() {
        writeln!(
            o.w,
            "  Issues      {} (see ISSUES below)",
            count(r.issues.len() as u64)
        )?;
    }

    o.heading("ROOTS")?;
    for root in &r.roots {
        writeln!(
            o.w,
            "  {}  [{}]  {}",
            printable(&root.path),
            printable(&root.kind),
            bytes(root.size.apparent_bytes)
        )?;
        let parts: Vec<String> = root
            .layouts
            .iter()
            .map(|l| format!("{} {}", printable(&l.layout), bytes(l.size.apparent_bytes)))
            .collect();
        if !parts.is_empty() {
            writeln!(o.w, "    {}", parts.join(" · "))?;
        }
    }

    o.heading(&format!(
        "{:<34}{:>12}{:>8}{:>10}",
        "CATEGORIES", "size", "share", "files"
    ))?;
    // Largest first (JSON keeps the documented order).
    let mut by_size: Vec<_> = r.categories.iter().filter(|c| c.size.files > 0).collect();
    by_size.sort_by(|a, b| {
        b.size
            .apparent_bytes
            .cmp(&a.size.apparent_bytes)
            .then_with(|| a.id.cmp(&b.id))
    });
    for c in by_size {
        write!(o.w, "  {:<14}", printable(&c.id))?;
        o.bar(c.size.apparent_bytes, total)?;
        writeln!(
            o.w,
            " {:>10} {:>7} {:>9}",
            bytes(c.size.apparent_bytes),
            percent(c.size.apparent_bytes, total),
            count(c.size.files)
        )?;
    }
    let empty: Vec<&str> = r
        .categories
        .iter()
        .filter(|c| c.size.files == 0)
        .map(|c| c.id.as_str())
        .collect();
    if !empty.is_empty() {
        let mut line = String::from("  empty:");
        for id in empty {
            if line.len() + id.len() + 2 > 78 {
                writeln!(o.w, "{line}")?;
                line = String::from("        ");
            }
            line.push(' ');
            line.push_str(&printable(id));
        }
        writeln!(o.w, "{line}")?;
    }

    o.heading(&format!(
        "{:<34}{:>12}{:>8}{:>10}{:>7}",
        "ACCOUNTS", "size", "share", "files", "chats"
    ))?;
    for a in &r.accounts {
        writeln!(
            o.w,
            "  {:<24} {:<7} {:>10} {:>7} {:>9} {:>6}",
            truncate_right(&a.id, 24),
            printable(&a.layout),
            bytes(a.size.apparent_bytes),
            percent(a.size.apparent_bytes, total),
            count(a.size.files),
            count(a.chats)
        )?;
    }

    let top_chats = o.style.top_chats;
    o.heading(&format!(
        "TOP CHATS ({} of {})",
        r.chats.len().min(top_chats),
        r.chats.len()
    ))?;
    if r.chats.is_empty() {
        writeln!(o.w, "  none found")?;
    }
    for c in r.chats.iter().take(top_chats) {
        let mut split: Vec<(&String, &u64)> = c.categories.iter().collect();
        split.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let split: Vec<String> = split
            .iter()
            .take(2)
            .map(|(id, b)| {
                format!(
                    "{} {}",
                    id.trim_start_matches("chat-"),
                    percent(**b, c.size.apparent_bytes)
                )
            })
            .collect();
        writeln!(
            o.w,
            "  {:<13} {:<18} {:>10} {:>6}  {}",
            truncate_right(&c.chat, 13),
            truncate_right(&c.account, 18),
            bytes(c.size.apparent_bytes),
            count(c.size.files),
            truncate_right(&split.join(", "), 26)
        )?;
    }

    if r.months.len() > MAX_MONTH_ROWS {
        let mut years: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for m in &r.months {
            let e = years.entry(&m.month[..4.min(m.month.len())]).or_default();
            e.0 += m.size.files;
            e.1 += m.size.apparent_bytes;
        }
        o.heading("AGE (last modified, by year)")?;
        for (year, (files, size)) in years {
            write!(o.w, "  {:<8}", printable(year))?;
            o.bar(size, total)?;
            writeln!(
                o.w,
                " {:>10} {:>7} {:>9}",
                bytes(size),
                percent(size, total),
                count(files)
            )?;
        }
    } else {
        o.heading("AGE (last modified, by month)")?;
        for m in &r.months {
            let size = m.size.apparent_bytes;
            write!(o.w, "  {:<8}", printable(&m.month))?;
            o.bar(size, total)?;
            writeln!(
                o.w,
                " {:>10} {:>7} {:>9}",
                bytes(size),
                percent(size, total),
                count(m.size.files)
            )?;
        }
    }

    o.heading(&format!(
        "FILE TYPES ({} of {})",
        r.file_types.len().min(TOP_TYPES),
        r.file_types.len()
    ))?;
    for ft in r.file_types.iter().take(TOP_TYPES) {
        write!(o.w, "  {:<14}", truncate_right(&ft.kind, 14))?;
        o.bar(ft.size.apparent_bytes, total)?;
        writeln!(
            o.w,
            " {:>10} {:>7} {:>9}",
            bytes(ft.size.apparent_bytes),
            percent(ft.size.apparent_bytes, total),
            count(ft.size.files)
        )?;
    }

    o.heading("IMAGE VARIANTS (each file once)")?;
    if r.image_variants.is_empty() {
        writeln!(o.w, "  none found")?;
    }
    for v in &r.image_variants {
        writeln!(
            o.w,
            "  {:<8} {:<10} {:>10} {:>9}",
            printable(&v.layout),
            printable(&v.variant),
            bytes(v.size.apparent_bytes),
            count(v.size.files)
        )?;
    }

    o.heading(&format!("LARGEST FILES ({})", r.largest.len()))?;
    for f in &r.largest {
        writeln!(
            o.w,
            "  {:>10}  {:<13} {}",
            bytes(f.apparent_bytes),
            printable(&f.category),
            truncate_left(&f.path, o.style.width.saturating_sub(28).max(20))
        )?;
    }

    Ok(())
}

/// One database's line after its role: what the header (or the role) says.
fn db_detail(d: &Database) -> String {
    let mut parts: Vec<String> = Vec::new();
    if d.encrypted {
        parts.push(match d.key.as_deref() {
            Some("ok") => "encrypted, key ok".into(),
            Some("mismatch") => "encrypted, key mismatch".into(),
            _ => "encrypted".into(),
        });
    } else if d.format == "unknown" {
        parts.push("unknown format".into());
    } else if let Some(j) = &d.journal {
        parts.push(format!("sqlite {j}"));
    } else {
        parts.push("sqlite".into());
    }
    if let (Some(ps), Some(pc)) = (d.page_size, d.page_count) {
        parts.push(format!("{} × {}", count(pc), bytes(u64::from(ps))));
    }
    if let Some(t) = &d.tables {
        parts.push(format!("{} tables", count(t.len() as u64)));
    }
    match d.reclaimable_bytes {
        Some(b) if b > 0 => parts.push(format!("free {}", bytes(b))),
        _ => {}
    }
    match d.wal_pending_frames {
        Some(n) if n > 0 => parts.push(format!("{} WAL pending", count(n))),
        _ => {}
    }
    parts.join(", ")
}

fn databases(r: &Report, o: &mut Out<'_>, top: usize) -> io::Result<()> {
    let dbs = &r.databases;
    let shown = dbs.len().min(top);
    if shown < dbs.len() {
        o.heading(&format!(
            "DATABASES ({shown} of {}, largest first)",
            dbs.len()
        ))?;
    } else {
        o.heading(&format!("DATABASES ({}, largest first)", dbs.len()))?;
    }
    if dbs.is_empty() {
        writeln!(o.w, "  none found")?;
        return Ok(());
    }
    let size: u64 = dbs.iter().map(|d| d.apparent_bytes).sum();
    let encrypted = dbs.iter().filter(|d| d.encrypted).count() as u64;
    let unknown = dbs.iter().filter(|d| d.format == "unknown").count() as u64;
    let free: u64 = dbs.iter().filter_map(|d| d.reclaimable_bytes).sum();
    let free_pages: u64 = dbs.iter().filter_map(|d| d.freelist_pages).sum();
    let wal: u64 = dbs.iter().filter_map(|d| d.wal_bytes).sum();
    let pending: u64 = dbs.iter().filter_map(|d| d.wal_pending_frames).sum();
    let unknown_note = if unknown > 0 {
        format!(", {} unknown format", count(unknown))
    } else {
        String::new()
    };
    writeln!(
        o.w,
        "  {} in {} files: {} encrypted, {} plaintext{unknown_note}",
        bytes(size),
        count(dbs.len() as u64),
        count(encrypted),
        count(dbs.len() as u64 - encrypted - unknown)
    )?;
    writeln!(
        o.w,
        "  Dead space  {} in {} free pages (VACUUM would give it back)",
        bytes(free),
        count(free_pages)
    )?;
    writeln!(
        o.w,
        "  WAL files   {}, {} frames not yet checkpointed",
        bytes(wal),
        count(pending)
    )?;
    for d in dbs.iter().take(top) {
        writeln!(
            o.w,
            "  {:>10}  {:<20} {}",
            bytes(d.apparent_bytes),
            truncate_right(d.role.as_deref().unwrap_or("-"), 20),
            truncate_right(&db_detail(d), 45)
        )?;
        writeln!(o.w, "{:14}{}", "", truncate_left(&d.path, 66))?;
        if let Some(note) = &d.size_note {
            writeln!(o.w, "{:14}! {}", "", truncate_right(note, 64))?;
        }
    }
    if shown < dbs.len() {
        writeln!(
            o.w,
            "  … {} more (all are in `dbs` and --format json)",
            dbs.len() - shown
        )?;
    }
    Ok(())
}

fn plists(r: &Report, o: &mut Out<'_>, top: usize) -> io::Result<()> {
    let shown = r.plists.len().min(top);
    if shown < r.plists.len() {
        o.heading(&format!("PLISTS ({shown} of {})", r.plists.len()))?;
    } else {
        o.heading(&format!("PLISTS ({})", r.plists.len()))?;
    }
    if r.plists.is_empty() {
        writeln!(o.w, "  none found")?;
    }
    for p in r.plists.iter().take(top) {
        writeln!(
            o.w,
            "  {:>10}  {:<6} {}",
            bytes(p.apparent_bytes),
            printable(&p.format),
            truncate_right(&p.summary, 59)
        )?;
        writeln!(o.w, "{:14}{}", "", truncate_left(&p.path, 66))?;
        for (k, v) in &p.known {
            let line = format!("{k} = {v}");
            writeln!(o.w, "{:14}{}", "", truncate_right(&line, 66))?;
        }
    }
    if shown < r.plists.len() {
        writeln!(
            o.w,
            "  … {} more (all are in `plists` and --format json)",
            r.plists.len() - shown
        )?;
    }
    Ok(())
}

fn dat_images(r: &Report, o: &mut Out<'_>) -> io::Result<()> {
    o.heading(&format!(
        "{:<36}{:>10}{:>12}",
        "DAT IMAGES (4.x, each file once)", "files", "size"
    ))?;
    if r.dat_images.is_empty() {
        writeln!(o.w, "  none found")?;
        return Ok(());
    }
    let mut by: BTreeMap<(&str, &str), (u64, u64)> = BTreeMap::new();
    for d in &r.dat_images {
        let e = by.entry((&d.scheme, &d.variant)).or_default();
        e.0 += d.files;
        e.1 += d.apparent_bytes;
    }
    let unread = by.keys().any(|(scheme, _)| *scheme == "unread");
    for ((scheme, variant), (files, size)) in by {
        writeln!(
            o.w,
            "  {:<16}{:<18}{:>10}{:>12}",
            truncate_right(scheme, 15),
            printable(variant),
            count(files),
            bytes(size)
        )?;
    }
    if unread {
        writeln!(
            o.w,
            "  unread: schemes not read; --dat-schemes reads each image's first bytes"
        )?;
    }
    Ok(())
}

fn issues(r: &Report, o: &mut Out<'_>) -> io::Result<()> {
    o.heading(&format!("ISSUES ({})", r.issues.len()))?;
    if r.issues.is_empty() {
        writeln!(o.w, "  none: every file was read")?;
    }
    for i in r.issues.iter().take(TOP_ISSUES) {
        writeln!(
            o.w,
            "  {:<13} {}: {}",
            printable(&i.kind),
            truncate_left(&i.path, 40),
            printable(&i.message)
        )?;
    }
    if r.issues.len() > TOP_ISSUES {
        writeln!(
            o.w,
            "  … {} more (all are in --format json)",
            r.issues.len() - TOP_ISSUES
        )?;
    }
    Ok(())
}
