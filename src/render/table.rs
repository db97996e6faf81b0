//! `--format table`: sections with human sizes, percentages and bars, for 80 columns.

use super::{Style, View};
use crate::escape::{printable, Notation, Printable};
use crate::model::accounts::SHARED_V3_MATCH;
use crate::model::{ChatTotals, Database, Report, Size, Unattributed};
use crate::plan::findings::DUPLICATES;
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
            dupe_hints(r, o)?;
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
        .filter(|f| f.id != "caches" && f.id != DUPLICATES)
        .map(|f| f.id.as_str())
        .collect();
    let mut hint = if ids.is_empty() {
        "review it: wechat-inspect plan (it writes a plan; its script moves to the Trash)"
            .to_string()
    } else {
        format!(
            "review one: wechat-inspect plan --finding ID (ID: {}); caches: wechat-inspect plan",
            ids.join(", ")
        )
    };
    if r.findings.iter().any(|f| f.id == DUPLICATES) {
        hint.push_str("; duplicates: wechat-inspect dupes, then plan --dupes");
    }
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
    accounts(r, o, total)?;
    top_chats(r, o)?;

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

/// `YYYY-MM…YYYY-MM`, one month alone, or nothing.
fn month_span(first: &Option<String>, last: &Option<String>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a}…{b}"),
        (Some(a), _) | (None, Some(a)) => a.clone(),
        (None, None) => String::new(),
    }
}

/// `3.x` for `wechat3`, `4.x` for `wechat4`.
fn short_layout(layout: &str) -> &str {
    match layout {
        "wechat3" => "3.x",
        "wechat4" => "4.x",
        other => other,
    }
}

/// `3.x 12.0 KiB + 4.x 3.1 KiB` (non-empty layouts).
fn layout_split(by_layout: &BTreeMap<String, Size>) -> String {
    by_layout
        .iter()
        .filter(|(_, s)| s.files > 0 || s.apparent_bytes > 0)
        .map(|(l, s)| format!("{} {}", short_layout(l), bytes(s.apparent_bytes)))
        .collect::<Vec<_>>()
        .join(" + ")
}

/// The notes on an account with no linked 3.x folder, short for 80 columns.
const NO_V3_MATCH_SHORT: &str =
    "no 3.x folder matches this id (custom IDs can differ from usernames)";
const SHARED_V3_MATCH_SHORT: &str = "its 3.x folder also matches another 4.x folder: not linked";

fn accounts(r: &Report, o: &mut Out<'_>, total: u64) -> io::Result<()> {
    for a in &r.accounts {
        let layout = if a.by_layout.len() > 1 {
            "3.x+4.x"
        } else {
            a.layout.as_str()
        };
        writeln!(
            o.w,
            "  {:<24} {:<7} {:>10} {:>7} {:>9} {:>6}",
            truncate_right(&a.id, 24),
            printable(layout),
            bytes(a.size.apparent_bytes),
            percent(a.size.apparent_bytes, total),
            count(a.size.files),
            count(a.chats)
        )?;
        if let Some(label) = &a.label {
            writeln!(o.w, "    = {}", truncate_right(label, 72))?;
        }
        for alias in &a.aliases {
            let line = format!(
                "also 3.x folder {} · {}",
                truncate_right(alias, 13),
                layout_split(&a.by_layout)
            );
            writeln!(o.w, "    {}", truncate_right(&line, 74))?;
        }
        match a.note.as_deref() {
            Some(SHARED_V3_MATCH) => writeln!(o.w, "    ! {SHARED_V3_MATCH_SHORT}")?,
            Some(_) => writeln!(o.w, "    ! {NO_V3_MATCH_SHORT}")?,
            None => {}
        }
    }
    if !r.accounts_seen.is_empty() {
        writeln!(
            o.w,
            "  Logged in on this Mac (all_users/login): {}",
            count(r.accounts_seen.len() as u64)
        )?;
        for s in &r.accounts_seen {
            let name = match &s.label {
                Some(l) => format!("{} = {l}", s.id),
                None => s.id.clone(),
            };
            let line = match &s.account {
                Some(a) => format!("{name} → {a}"),
                None => format!("{name}: no data left"),
            };
            writeln!(o.w, "    {}", truncate_right(&line, 74))?;
        }
    }
    Ok(())
}

/// A row of TOP CHATS: a chat, or an account's bytes no chat can be given.
enum ChatRow<'a> {
    Chat(&'a ChatTotals),
    Unattributed(&'a Unattributed),
}

/// The two largest categories, as `images 80%, videos 20%`.
fn top_kinds(categories: &BTreeMap<String, u64>, whole: u64) -> String {
    let mut split: Vec<(&String, &u64)> = categories.iter().collect();
    split.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    split
        .iter()
        .take(2)
        .map(|(id, b)| format!("{} {}", id.trim_start_matches("chat-"), percent(**b, whole)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Messages per layout (`msgs 3.x 120, 4.x 98`): never added, a migration copies
/// 3.x history into 4.x.
/// `msgs 3.x n 2019-03…2024-01, 4.x n …`: messages and the months of the first
/// and last message, per layout.
pub(crate) fn messages_split(c: &ChatTotals) -> String {
    let parts: Vec<String> = c
        .messages_by_layout
        .iter()
        .map(|(l, n)| {
            let span = c
                .message_months_by_layout
                .get(l)
                .map_or_else(String::new, |m| {
                    format!(
                        " {}",
                        month_span(&Some(m.first.clone()), &Some(m.last.clone()))
                    )
                });
            format!("{} {}{span}", short_layout(l), count(*n))
        })
        .collect();
    format!("msgs {}", parts.join(", "))
}

/// What 4.x's resource index records for the chat (`index files 12.0 MiB, videos
/// 3.1 MiB`).
pub(crate) fn resources_split(c: &ChatTotals) -> String {
    let parts: Vec<String> = c
        .resource_bytes
        .iter()
        .map(|(kind, b)| format!("{kind} {}", bytes(*b)))
        .collect();
    format!("index {}", parts.join(", "))
}

/// The largest chats, two lines each: name (label, else folder), account, size, files
/// and months; then top kinds and bytes per layout. Each account's unattributable
/// files and videos are rows too, in size order.
fn top_chats(r: &Report, o: &mut Out<'_>) -> io::Result<()> {
    let top_chats = o.style.top_chats;
    // The count is of chats; the rows of media no chat can be given are said apart.
    let extra = match r.unattributed.len() {
        0 => String::new(),
        1 => ", and 1 row of media no chat can be given".to_string(),
        n => format!(", and {n} rows of media no chat can be given"),
    };
    o.heading(&format!(
        "TOP CHATS ({} of {} chats{extra})",
        r.chats.len().min(top_chats),
        r.chats.len()
    ))?;
    if r.chats.is_empty() && r.unattributed.is_empty() {
        writeln!(o.w, "  none found")?;
    }
    let mut rows: Vec<(u64, ChatRow<'_>)> = r
        .chats
        .iter()
        .take(top_chats)
        .map(|c| (c.size.apparent_bytes, ChatRow::Chat(c)))
        .chain(
            r.unattributed
                .iter()
                .map(|u| (u.size.apparent_bytes, ChatRow::Unattributed(u))),
        )
        .collect();
    // Stable: chats keep their order among equals.
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (_, row) in rows {
        match row {
            ChatRow::Chat(c) => {
                let name = c.label.as_deref().unwrap_or(&c.chat);
                writeln!(
                    o.w,
                    "  {:<24} {:<18} {:>10} {:>6}  {}",
                    truncate_right(name, 24),
                    truncate_right(&c.account, 18),
                    bytes(c.size.apparent_bytes),
                    count(c.size.files),
                    printable(&month_span(&c.first_month, &c.last_month))
                )?;
                let mut detail: Vec<String> = Vec::new();
                if c.label.is_some() {
                    detail.push(truncate_right(&c.chat, 9));
                }
                detail.push(top_kinds(&c.categories, c.size.apparent_bytes));
                detail.push(layout_split(&c.by_layout));
                if !c.messages_by_layout.is_empty() {
                    detail.push(printable(&messages_split(c)).into_owned());
                }
                if !c.resource_bytes.is_empty() {
                    detail.push(printable(&resources_split(c)).into_owned());
                }
                writeln!(o.w, "    {}", truncate_right(&detail.join(" · "), 76))?;
            }
            ChatRow::Unattributed(u) => {
                writeln!(
                    o.w,
                    "  {:<24} {:<18} {:>10} {:>6}  {}",
                    "(no chat)",
                    truncate_right(&u.account, 18),
                    bytes(u.size.apparent_bytes),
                    count(u.size.files),
                    printable(&month_span(&u.first_month, &u.last_month))
                )?;
                writeln!(o.w, "    {}", truncate_right(&u.label, 76))?;
            }
        }
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

/// Categories listed in SAME BYTES.
const TOP_HINT_ROWS: usize = 6;

/// Duplicates seen without reading a byte: three totals, then the top categories.
fn dupe_hints(r: &Report, o: &mut Out<'_>) -> io::Result<()> {
    let d = &r.dupe_hints;
    let t = &d.totals;
    o.heading("SAME BYTES, SEEN WITHOUT READING (`dupes` compares content)")?;
    if t.is_empty() {
        writeln!(
            o.w,
            "  none: no hard links, repeated md5 names or 3.x/4.x overlap"
        )?;
        return Ok(());
    }
    let n =
        |k: u64, one: &str, many: &str| format!("{} {}", count(k), if k == 1 { one } else { many });
    writeln!(
        o.w,
        "  Shared by hard links      {:>10} in {} (freed only with every link)",
        bytes(t.linked_bytes),
        n(t.linked_inodes, "file", "files")
    )?;
    writeln!(
        o.w,
        "  md5 names in other chats  {:>10} in {} (4.x)",
        bytes(t.md5_repeat_bytes),
        n(t.md5_repeat_files, "more copy", "more copies")
    )?;
    writeln!(
        o.w,
        "  3.x files also in 4.x     {:>10} in {} (same name and size)",
        bytes(t.overlap_bytes),
        n(t.overlap_files, "file", "files")
    )?;
    if !d.complete {
        writeln!(
            o.w,
            "  (more than {} names: the two name figures are lower bounds)",
            count(d.max_names)
        )?;
    }
    writeln!(
        o.w,
        "  {:<22}{:>12}{:>12}{:>12}",
        "by category", "hard links", "md5 names", "3.x in 4.x"
    )?;
    for c in d.categories.iter().take(TOP_HINT_ROWS) {
        let f = &c.figures;
        writeln!(
            o.w,
            "  {:<22}{:>12}{:>12}{:>12}",
            truncate_right(&c.id, 21),
            bytes(f.linked_bytes),
            bytes(f.md5_repeat_bytes),
            bytes(f.overlap_bytes)
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
