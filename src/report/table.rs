//! `--format table`: sections with human sizes, percentages and bars, for 80 columns.

use super::Style;
use crate::human::{bar, bytes, count, percent, truncate_left, truncate_right};
use crate::model::Report;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Rows shown in the longer sections (JSON and CSV have them all).
const TOP_CHATS: usize = 15;
const TOP_TYPES: usize = 15;
const TOP_ISSUES: usize = 20;
/// Above this many months the age histogram is shown per year.
const MAX_MONTH_ROWS: usize = 24;
const BAR: usize = 20;

struct Out<'a> {
    w: &'a mut dyn Write,
    style: Style,
}

impl Out<'_> {
    fn heading(&mut self, title: &str) -> io::Result<()> {
        if self.style.color {
            writeln!(self.w, "\n\x1b[1m{title}\x1b[0m")
        } else {
            writeln!(self.w, "\n{title}")
        }
    }

    fn bar(&self, part: u64, whole: u64) -> String {
        let b = bar(part, whole, BAR);
        let pad = " ".repeat(BAR - b.chars().count());
        if self.style.color && !b.is_empty() {
            format!("\x1b[36m{b}\x1b[0m{pad}")
        } else {
            format!("{b}{pad}")
        }
    }
}

/// Write the report as text tables.
pub fn write(r: &Report, style: Style, w: &mut dyn Write) -> io::Result<()> {
    let mut o = Out { w, style };
    let total = r.totals.apparent_bytes;
    writeln!(o.w, "WeChat storage in {}", r.base)?;
    writeln!(
        o.w,
        "scanned {} by {} {}",
        r.generated_at, r.tool.name, r.tool.version
    )?;

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
            root.path,
            root.kind,
            bytes(root.size.apparent_bytes)
        )?;
        let parts: Vec<String> = root
            .layouts
            .iter()
            .map(|l| format!("{} {}", l.layout, bytes(l.size.apparent_bytes)))
            .collect();
        if !parts.is_empty() {
            writeln!(o.w, "    {}", parts.join(" · "))?;
        }
    }

    o.heading(&format!(
        "{:<34}{:>12}{:>8}{:>10}",
        "CATEGORIES", "size", "share", "files"
    ))?;
    for c in r.categories.iter().filter(|c| c.size.files > 0) {
        writeln!(
            o.w,
            "  {:<14}{} {:>10} {:>7} {:>9}",
            c.id,
            o.bar(c.size.apparent_bytes, total),
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
            line.push_str(id);
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
            a.layout,
            bytes(a.size.apparent_bytes),
            percent(a.size.apparent_bytes, total),
            count(a.size.files),
            count(a.chats)
        )?;
    }

    o.heading(&format!(
        "TOP CHATS ({} of {})",
        r.chats.len().min(TOP_CHATS),
        r.chats.len()
    ))?;
    if r.chats.is_empty() {
        writeln!(o.w, "  none found")?;
    }
    for c in r.chats.iter().take(TOP_CHATS) {
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
            writeln!(
                o.w,
                "  {:<8}{} {:>10} {:>7} {:>9}",
                year,
                o.bar(size, total),
                bytes(size),
                percent(size, total),
                count(files)
            )?;
        }
    } else {
        o.heading("AGE (last modified, by month)")?;
        for m in &r.months {
            let size = m.size.apparent_bytes;
            writeln!(
                o.w,
                "  {:<8}{} {:>10} {:>7} {:>9}",
                m.month,
                o.bar(size, total),
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
        writeln!(
            o.w,
            "  {:<14}{} {:>10} {:>7} {:>9}",
            truncate_right(&ft.kind, 14),
            o.bar(ft.size.apparent_bytes, total),
            bytes(ft.size.apparent_bytes),
            percent(ft.size.apparent_bytes, total),
            count(ft.size.files)
        )?;
    }

    o.heading("IMAGE VARIANTS")?;
    if r.image_variants.is_empty() {
        writeln!(o.w, "  none found")?;
    }
    for v in &r.image_variants {
        writeln!(
            o.w,
            "  {:<8} {:<10} {:>10} {:>9}",
            v.layout,
            v.variant,
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
            f.category,
            truncate_left(&f.path, 52)
        )?;
    }

    o.heading(&format!("ISSUES ({})", r.issues.len()))?;
    if r.issues.is_empty() {
        writeln!(o.w, "  none: every file was read")?;
    }
    for i in r.issues.iter().take(TOP_ISSUES) {
        writeln!(
            o.w,
            "  {:<13} {}: {}",
            i.kind,
            truncate_left(&i.path, 40),
            i.message
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
