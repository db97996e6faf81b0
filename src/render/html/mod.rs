//! `--format html`: one self-contained page (inline CSS, SVG and a little script; no
//! request of any kind), light and dark. Charts are SVG computed here; each has a
//! table beside it as its text alternative. Every string from the model is escaped.

pub(crate) mod treemap;

use crate::escape::{printable, Notation, Printable};
use crate::model::hosts::HostsReport;
use crate::model::{ChatTotals, Report, UNATTRIBUTED_LABEL};
use crate::render::human::{bytes, count, percent, truncate_right};
use crate::render::View;
use crate::tree::classify::category::{category_color, Category};
use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::io::{self, Write};
use treemap::{squarify, Rect};

/// Chart width in SVG user units (the page is at most this wide, so about 1:1 px).
const W: f64 = 1160.0;
const TREEMAP_H: f64 = 560.0;
/// Chats drawn in one category of the treemap; the rest are one "more chats" rect.
const TREEMAP_CHATS: usize = 60;
/// Chats in the stacked-bar chart.
const TOP_CHATS: usize = 15;
/// A label's width estimate per character, as a share of the font size (generous,
/// so a label that is drawn always fits).
const CHAR_W: f64 = 0.62;

/// Escape text for HTML element content and attribute values (after [`printable`]:
/// unsafe characters as `\xNN`).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn label_of(id: &str) -> &str {
    match Category::from_id(id) {
        Some(c) => c.label(),
        None => id,
    }
}

/// Does `text` at `size` fit in a `w` × `h` box with a little padding?
fn fits(text: &str, size: f64, w: f64, h: f64) -> bool {
    text.chars().count() as f64 * size * CHAR_W + 8.0 <= w && size + 6.0 <= h
}

/// Write the report as one HTML page.
pub fn write(
    r: &Report,
    view: View,
    net: Option<&HostsReport>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut h = String::with_capacity(128 * 1024);
    page(r, view, net, &mut h).map_err(io::Error::other)?;
    let mut safe = Printable::new(out, Notation::Text);
    safe.write_all(h.as_bytes())?;
    safe.finish()
}

fn page(r: &Report, view: View, net: Option<&HostsReport>, h: &mut String) -> fmt::Result {
    head(r, h)?;
    match view {
        View::Scan => {
            findings(r, h)?;
            summary(r, h)?;
            categories(r, h)?;
            treemap(r, h)?;
            histogram(r, h)?;
            chats(r, h)?;
            images(r, h)?;
            dupe_hints(r, h)?;
            largest(r, h)?;
            databases(r, h)?;
            plists(r, h)?;
            if let Some(net) = net {
                hosts(net, h)?;
            }
        }
        View::Databases => databases(r, h)?,
        View::Plists => plists(r, h)?,
    }
    issues(r, h)?;
    h.push_str(concat!(
        "</main>\n<script>\n",
        include_str!("html.js"),
        "</script>\n"
    ));
    h.push_str("</body>\n</html>\n");
    Ok(())
}

fn head(r: &Report, h: &mut String) -> fmt::Result {
    write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>WeChat storage in {base}</title>\n\
         <script>window.onerror=function(m){{document.documentElement.setAttribute('data-js-error',String(m));}};</script>\n\
         <style>\n{css}</style>\n</head>\n<body>\n<main>\n\
         <header><h1>WeChat storage in <span class=\"path\">{base}</span></h1>\n\
         <p class=\"muted\">Scanned {at} by {tool} {version}. Sizes are apparent bytes unless marked “on disk”.</p></header>\n",
        base = esc(&r.base),
        css = include_str!("html.css"),
        at = esc(&r.generated_at),
        tool = esc(&r.tool.name),
        version = esc(&r.tool.version),
    )
}

fn card(h: &mut String, key: &str, value: &str, note: &str, class: &str) -> fmt::Result {
    writeln!(
        h,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v {class}\">{}</div><div class=\"note\">{}</div></div>",
        esc(key),
        esc(value),
        esc(note)
    )
}

/// The databases' dead space: free pages (what `VACUUM` gives back) and WAL frames
/// not yet checkpointed. The card's (value, note), when there are databases.
fn db_dead_space(r: &Report) -> Option<(String, String)> {
    if r.databases.is_empty() {
        return None;
    }
    let free: u64 = r.databases.iter().filter_map(|d| d.reclaimable_bytes).sum();
    let pages: u64 = r.databases.iter().filter_map(|d| d.freelist_pages).sum();
    let pending: u64 = r
        .databases
        .iter()
        .filter_map(|d| d.wal_pending_frames)
        .sum();
    // Encrypted databases a key opened are measured like plaintext ones.
    let encrypted = r
        .databases
        .iter()
        .filter(|d| d.encrypted && d.key.as_deref() != Some("ok"))
        .count() as u64;
    Some((
        bytes(free),
        format!(
            "{} free pages in readable databases; {} WAL frames pending; {} encrypted not measured",
            count(pages),
            count(pending),
            count(encrypted)
        ),
    ))
}

fn opt<T: fmt::Display>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn databases(r: &Report, h: &mut String) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"databases\">\n<h2>Databases ({})</h2>",
        r.databases.len()
    )?;
    if r.databases.is_empty() {
        h.push_str("<p class=\"empty\">None found.</p>\n</section>\n");
        return Ok(());
    }
    h.push_str("<table class=\"sortable\">\n<thead><tr><th class=\"n\">Size</th><th>Role</th><th>Account</th><th>Kind</th><th class=\"n\">Page</th><th class=\"n\">Pages</th><th class=\"n\">Free</th><th class=\"n\">WAL</th><th class=\"n\">Pending</th><th class=\"n\">Tables</th><th>Path</th></tr></thead>\n<tbody>\n");
    for d in &r.databases {
        let kind = if d.encrypted {
            match d.key.as_deref() {
                Some("ok") => "encrypted (key ok)".to_string(),
                Some("mismatch") => "encrypted (key mismatch)".to_string(),
                _ => "encrypted".to_string(),
            }
        } else if d.format == "unknown" {
            "unknown format".to_string()
        } else {
            format!("sqlite {}", d.journal.as_deref().unwrap_or(""))
        };
        let tables = match &d.tables {
            Some(t) => t
                .iter()
                .map(|t| match t.rows {
                    Some(n) => format!("{} ({})", t.name, count(n)),
                    None => t.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        };
        let note = d.size_note.as_deref().unwrap_or("");
        writeln!(
            h,
            "<tr><td class=\"n\" data-v=\"{b}\">{hb}</td><td title=\"{label}\">{role}</td><td class=\"path\">{acct}</td><td>{kind}</td><td class=\"n\">{ps}</td><td class=\"n\">{pc}</td><td class=\"n\" data-v=\"{fr}\">{hfr}</td><td class=\"n\" data-v=\"{wal}\">{hwal}</td><td class=\"n\">{pend}</td><td title=\"{tables}\" class=\"n\">{nt}</td><td class=\"path\" title=\"{note}\">{p}</td></tr>",
            b = d.apparent_bytes,
            hb = bytes(d.apparent_bytes),
            label = esc(d.role_label.as_deref().unwrap_or("")),
            role = esc(d.role.as_deref().unwrap_or("-")),
            acct = esc(&d.account),
            kind = esc(&kind),
            ps = opt(d.page_size),
            pc = opt(d.page_count),
            fr = d.reclaimable_bytes.unwrap_or(0),
            hfr = d.reclaimable_bytes.map(bytes).unwrap_or_default(),
            wal = d.wal_bytes.unwrap_or(0),
            hwal = d.wal_bytes.map(bytes).unwrap_or_default(),
            pend = opt(d.wal_pending_frames),
            tables = esc(&tables),
            nt = d.tables.as_ref().map(|t| t.len().to_string()).unwrap_or_default(),
            note = esc(note),
            p = esc(&d.path),
        )?;
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

fn plists(r: &Report, h: &mut String) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"plists\">\n<h2>Property lists ({})</h2>",
        r.plists.len()
    )?;
    if r.plists.is_empty() {
        h.push_str("<p class=\"empty\">None found.</p>\n</section>\n");
        return Ok(());
    }
    h.push_str("<table class=\"sortable\">\n<thead><tr><th class=\"n\">Size</th><th>Format</th><th>Outline</th><th>Known values</th><th>Path</th></tr></thead>\n<tbody>\n");
    for p in &r.plists {
        let known: Vec<String> = p.known.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        writeln!(
            h,
            "<tr><td class=\"n\" data-v=\"{b}\">{hb}</td><td>{f}</td><td title=\"{keys}\">{s}</td><td>{k}</td><td class=\"path\">{p}</td></tr>",
            b = p.apparent_bytes,
            hb = bytes(p.apparent_bytes),
            f = esc(&p.format),
            keys = esc(&p.keys.join(", ")),
            s = esc(&p.summary),
            k = esc(&known.join("; ")),
            p = esc(&p.path),
        )?;
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

/// What can be done, first: the findings, each with the command that plans it.
fn findings(r: &Report, h: &mut String) -> fmt::Result {
    if let Some(age) = &r.older_than {
        writeln!(
            h,
            "<p class=\"note\">Filtered: only files last written more than {} ago are counted (<code>--older-than</code>).</p>",
            esc(age)
        )?;
    }
    if r.findings.is_empty() {
        return Ok(());
    }
    h.push_str("<section id=\"findings\">\n<h2>What can be done</h2>\n<p class=\"note\">Sizes are estimates of what a plan would free (hard links and APFS clones outside it free nothing). Nothing is deleted: <code>wechat-inspect plan</code> writes a plan to review, and its script moves items to the Trash.</p>\n<table>\n<thead><tr><th>Tier</th><th>Finding</th><th>Plan it</th></tr></thead>\n<tbody>\n");
    for f in &r.findings {
        let evidence: Vec<String> = f.evidence.iter().map(|e| esc(e)).collect();
        writeln!(
            h,
            "<tr><td>{}</td><td>{}<div class=\"muted\">{}</div></td><td><code>{}</code></td></tr>",
            esc(f.tier.id()),
            esc(&f.title),
            evidence.join("<br>"),
            esc(&f.plan)
        )?;
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

fn summary(r: &Report, h: &mut String) -> fmt::Result {
    let t = &r.totals;
    h.push_str("<section id=\"summary\" aria-label=\"Summary\">\n<div class=\"cards\">\n");
    card(
        h,
        "Size",
        &bytes(t.apparent_bytes),
        &format!("{} bytes", count(t.apparent_bytes)),
        "",
    )?;
    card(
        h,
        "On disk",
        &bytes(t.allocated_bytes),
        &format!("folders add {}", bytes(t.dir_allocated_bytes)),
        "alloc",
    )?;
    card(
        h,
        "Files",
        &count(t.files),
        &format!(
            "{} folders, {} symlinks, {} special",
            count(t.dirs),
            count(t.symlinks),
            count(t.special_files)
        ),
        "",
    )?;
    let accounts = r.accounts.iter().filter(|a| a.id != "shared").count() as u64;
    card(
        h,
        "Accounts",
        &count(accounts),
        &format!("{} chats", count(r.chats.len() as u64)),
        "",
    )?;
    let layouts: BTreeSet<&str> = r
        .roots
        .iter()
        .flat_map(|root| root.layouts.iter().map(|l| l.layout.as_str()))
        .collect();
    let layouts: Vec<&str> = layouts.into_iter().collect();
    card(
        h,
        "Layouts found",
        &count(layouts.len() as u64),
        &layouts.join(", "),
        "",
    )?;
    let hl = &r.hard_links;
    card(
        h,
        "Hard-link savings",
        &bytes(hl.shared_apparent_bytes),
        &format!(
            "{} file(s) under {} extra path(s), counted once",
            count(hl.inodes),
            count(hl.extra_links)
        ),
        "",
    )?;
    if let Some((value, note)) = db_dead_space(r) {
        card(h, "Database dead space", &value, &note, "")?;
    }
    h.push_str("</div>\n</section>\n");
    Ok(())
}

fn swatch(id: &str) -> String {
    format!(
        "<span class=\"sw\" style=\"background:{}\"></span>",
        category_color(id)
    )
}

fn categories(r: &Report, h: &mut String) -> fmt::Result {
    let total = r.totals.apparent_bytes;
    h.push_str("<section id=\"categories\">\n<h2>Categories</h2>\n<table class=\"sortable\">\n<thead><tr><th>Category</th><th class=\"n\">Size</th><th class=\"n\">Share</th><th class=\"n\">Files</th></tr></thead>\n<tbody>\n");
    for c in r.categories.iter().filter(|c| c.size.files > 0) {
        writeln!(
            h,
            "<tr data-category=\"{id}\"><td>{sw}{label}</td><td class=\"n\" data-v=\"{b}\">{hb}</td><td class=\"n\" data-v=\"{b}\">{p}</td><td class=\"n\" data-v=\"{f}\">{hf}</td></tr>",
            id = esc(&c.id),
            sw = swatch(&c.id),
            label = esc(&c.label),
            b = c.size.apparent_bytes,
            hb = bytes(c.size.apparent_bytes),
            p = percent(c.size.apparent_bytes, total),
            f = c.size.files,
            hf = count(c.size.files),
        )?;
    }
    h.push_str("</tbody>\n</table>\n");
    h.push_str("<h2>Accounts</h2>\n<table class=\"sortable\" id=\"accounts\">\n<thead><tr><th>Account</th><th>Name</th><th>Layout</th><th class=\"n\">Size</th><th class=\"n\">Share</th><th class=\"n\">Files</th><th class=\"n\">Chats</th><th>Same account in 3.x</th></tr></thead>\n<tbody>\n");
    for a in &r.accounts {
        let layouts: Vec<String> = a
            .by_layout
            .iter()
            .map(|(l, s)| format!("{l} {}", bytes(s.apparent_bytes)))
            .collect();
        writeln!(
            h,
            "<tr><td class=\"path\">{id}</td><td>{name}</td><td>{layout}</td><td class=\"n\" data-v=\"{b}\">{hb}</td><td class=\"n\" data-v=\"{b}\">{p}</td><td class=\"n\" data-v=\"{f}\">{hf}</td><td class=\"n\" data-v=\"{c}\">{hc}</td><td class=\"path\">{aliases}</td></tr>",
            id = esc(&a.id),
            name = esc(a.label.as_deref().unwrap_or("")),
            layout = esc(&layouts.join(" + ")),
            b = a.size.apparent_bytes,
            hb = bytes(a.size.apparent_bytes),
            p = percent(a.size.apparent_bytes, total),
            f = a.size.files,
            hf = count(a.size.files),
            c = a.chats,
            hc = count(a.chats),
            aliases = esc(&a.aliases.join(", ")),
        )?;
    }
    h.push_str("</tbody>\n</table>\n");
    for a in r.accounts.iter().filter(|a| a.note.is_some()) {
        writeln!(
            h,
            "<p class=\"muted\"><span class=\"path\">{}</span>: {}</p>",
            esc(&a.id),
            esc(a.note.as_deref().unwrap_or(""))
        )?;
    }
    if !r.accounts_seen.is_empty() {
        h.push_str("<p class=\"muted\">Logged in on this Mac (<span class=\"path\">all_users/login</span>): ");
        let seen: Vec<String> = r
            .accounts_seen
            .iter()
            .map(|s| {
                let name = match &s.label {
                    Some(l) => format!("{} ({})", esc(&s.id), esc(l)),
                    None => esc(&s.id),
                };
                match &s.account {
                    Some(a) => format!("<span class=\"path\">{name}</span> → {}", esc(a)),
                    None => format!("<span class=\"path\">{name}</span>, no data left"),
                }
            })
            .collect();
        h.push_str(&seen.join("; "));
        h.push_str("</p>\n");
    }
    h.push_str("</section>\n");
    Ok(())
}

/// One leaf of the treemap under a category.
struct Leaf {
    label: String,
    title: String,
    bytes: u64,
}

fn chat_name(c: &ChatTotals) -> String {
    format!("{}/{}", c.account, c.chat)
}

fn leaves(r: &Report, cat: &str, cat_bytes: u64) -> Vec<Leaf> {
    let mut chats: Vec<(&ChatTotals, u64)> = r
        .chats
        .iter()
        .filter_map(|c| c.categories.get(cat).map(|&b| (c, b)))
        .filter(|(_, b)| *b > 0)
        .collect();
    chats.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| chat_name(a.0).cmp(&chat_name(b.0)))
    });
    let in_chats: u64 = chats.iter().map(|c| c.1).sum();
    let mut out: Vec<Leaf> = chats
        .iter()
        .take(TREEMAP_CHATS)
        .map(|(c, b)| Leaf {
            label: truncate_right(c.label.as_deref().unwrap_or(&c.chat), 14),
            title: format!(
                "{} · chat {}{} (account {}): {}",
                label_of(cat),
                c.chat,
                c.label
                    .as_deref()
                    .map(|l| format!(", {l}"))
                    .unwrap_or_default(),
                c.account,
                bytes(*b)
            ),
            bytes: *b,
        })
        .collect();
    if chats.len() > TREEMAP_CHATS {
        let rest: u64 = chats[TREEMAP_CHATS..].iter().map(|c| c.1).sum();
        let n = chats.len() - TREEMAP_CHATS;
        out.push(Leaf {
            label: format!("{n} more"),
            title: format!("{} · {n} more chats: {}", label_of(cat), bytes(rest)),
            bytes: rest,
        });
    }
    // 4.x files and videos kept per month: which chat they are from is in the
    // encrypted databases only.
    let unattributed: u64 = r
        .unattributed
        .iter()
        .filter_map(|u| u.categories.get(cat))
        .sum();
    if unattributed > 0 {
        out.push(Leaf {
            label: "not attributable to a chat without the key".into(),
            title: format!(
                "{} · {} (4.x msg/file, msg/video): {}",
                label_of(cat),
                UNATTRIBUTED_LABEL,
                bytes(unattributed)
            ),
            bytes: unattributed,
        });
    }
    let rest = cat_bytes.saturating_sub(in_chats.saturating_add(unattributed));
    if rest > 0 && !out.is_empty() {
        out.push(Leaf {
            label: "outside chat folders".into(),
            title: format!("{} · outside chat folders: {}", label_of(cat), bytes(rest)),
            bytes: rest,
        });
    }
    out.sort_by_key(|l| std::cmp::Reverse(l.bytes));
    out
}

/// Lines for `text` in a `w` × `h` box: one line at 13 px, else word-wrapped at 13 or
/// 11 px; `None` when nothing fits (then the rect stays unlabelled).
fn wrap(text: &str, w: f64, h: f64) -> Option<(f64, Vec<String>)> {
    for size in [13.0, 11.0] {
        let mut lines: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            match lines.last_mut() {
                Some(l) if fits(&format!("{l} {word}"), size, w, h) => {
                    l.push(' ');
                    l.push_str(word);
                }
                _ => lines.push(word.to_string()),
            }
        }
        let line_h = size + 3.0;
        if lines.iter().all(|l| fits(l, size, w, h)) && line_h * lines.len() as f64 + 6.0 <= h {
            return Some((size, lines));
        }
    }
    None
}

/// Draw a wrapped label at the top left of `o`; returns the height it took.
fn label_block(h: &mut String, o: Rect, text: &str) -> Result<f64, fmt::Error> {
    let Some((size, lines)) = wrap(text, o.w, o.h) else {
        return Ok(0.0);
    };
    let mut y = o.y + size + 3.0;
    for l in &lines {
        svg_text(h, o.x + 5.0, y, size, "tm-l", l)?;
        y += size + 3.0;
    }
    Ok(y - o.y - size - 3.0 + 4.0)
}

fn svg_text(h: &mut String, x: f64, y: f64, size: f64, class: &str, text: &str) -> fmt::Result {
    writeln!(
        h,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" class=\"{class}\">{}</text>",
        esc(text)
    )
}

fn treemap(r: &Report, h: &mut String) -> fmt::Result {
    let total = r.totals.apparent_bytes;
    let mut cats: Vec<_> = r
        .categories
        .iter()
        .filter(|c| c.size.apparent_bytes > 0)
        .collect();
    cats.sort_by(|a, b| {
        b.size
            .apparent_bytes
            .cmp(&a.size.apparent_bytes)
            .then_with(|| a.id.cmp(&b.id))
    });
    h.push_str("<section id=\"treemap\">\n<h2>Where the space goes</h2>\n<p class=\"muted\">Each rectangle’s area is its size: categories, and the chats within chat categories. Hover for details.</p>\n");
    if cats.is_empty() {
        h.push_str("<p class=\"empty\">No files.</p>\n</section>\n");
        return Ok(());
    }
    writeln!(
        h,
        "<svg class=\"tm\" viewBox=\"0 0 {W} {TREEMAP_H}\" role=\"img\" aria-label=\"Treemap of space by category and chat\">"
    )?;
    let values: Vec<f64> = cats.iter().map(|c| c.size.apparent_bytes as f64).collect();
    let area = Rect {
        x: 0.0,
        y: 0.0,
        w: W,
        h: TREEMAP_H,
    };
    let mut rows = String::new();
    for (c, rect) in cats.iter().zip(squarify(&values, area)) {
        let color = category_color(&c.id);
        let cb = c.size.apparent_bytes;
        let title = format!(
            "{}: {} ({}), {} files",
            c.label,
            bytes(cb),
            percent(cb, total),
            count(c.size.files)
        );
        let o = rect.inset(1.0);
        writeln!(
            h,
            "<g class=\"tm-cat\" data-category=\"{}\"><title>{}</title>\n<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"/>",
            esc(&c.id),
            esc(&title),
            o.x,
            o.y,
            o.w,
            o.h
        )?;
        let leaves = if c.id.starts_with("chat-") {
            leaves(r, &c.id, cb)
        } else {
            Vec::new()
        };
        let head = format!("{} · {}", c.label, bytes(cb));
        if leaves.is_empty() {
            // One rect: the label (wrapped if need be) and the size under it, where they fit.
            let used = label_block(h, o, &c.label)?;
            let size = bytes(cb);
            if used > 0.0 && fits(&size, 12.0, o.w, o.h - used - 2.0) {
                svg_text(h, o.x + 5.0, o.y + used + 14.0, 12.0, "tm-s", &size)?;
            }
        } else {
            // A header strip with the category's name (and size, if it fits).
            let text = if fits(&head, 13.0, o.w, 20.0) {
                head.as_str()
            } else {
                c.label.as_str()
            };
            let strip = Rect {
                h: 40.0_f64.min(o.h),
                ..o
            };
            let used = if o.h >= 60.0 {
                label_block(h, strip, text)?
            } else {
                0.0
            };
            let inner = if used > 0.0 {
                Rect {
                    x: o.x + 2.0,
                    y: o.y + used + 2.0,
                    w: o.w - 4.0,
                    h: o.h - used - 4.0,
                }
            } else {
                o.inset(2.0)
            };
            let vals: Vec<f64> = leaves.iter().map(|l| l.bytes as f64).collect();
            for (leaf, lr) in leaves.iter().zip(squarify(&vals, inner)) {
                let lr2 = lr.inset(0.5);
                writeln!(
                    h,
                    "<g class=\"tm-chat\"><title>{}</title><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"/>",
                    esc(&leaf.title),
                    lr2.x,
                    lr2.y,
                    lr2.w,
                    lr2.h
                )?;
                let size = bytes(leaf.bytes);
                if fits(&leaf.label, 11.0, lr2.w, lr2.h) {
                    svg_text(h, lr2.x + 4.0, lr2.y + 14.0, 11.0, "tm-l", &leaf.label)?;
                    if fits(&size, 11.0, lr2.w, lr2.h - 15.0) {
                        svg_text(h, lr2.x + 4.0, lr2.y + 28.0, 11.0, "tm-s", &size)?;
                    }
                } else if leaf.label.contains(' ') {
                    // A sentence (the files no chat can be given): wrapped, if it fits so.
                    let used = label_block(h, lr2, &leaf.label)?;
                    if used > 0.0 && fits(&size, 11.0, lr2.w, lr2.h - used - 2.0) {
                        svg_text(h, lr2.x + 5.0, lr2.y + used + 12.0, 11.0, "tm-s", &size)?;
                    }
                }
                h.push_str("</g>\n");
                writeln!(
                    rows,
                    "<tr><td>{}</td><td class=\"path\">{}</td><td class=\"n\" data-v=\"{}\">{}</td></tr>",
                    esc(&c.label),
                    esc(&leaf.title),
                    leaf.bytes,
                    bytes(leaf.bytes)
                )?;
            }
        }
        h.push_str("</g>\n");
        writeln!(
            rows,
            "<tr><td>{}{}</td><td>(whole category)</td><td class=\"n\" data-v=\"{}\">{}</td></tr>",
            swatch(&c.id),
            esc(&c.label),
            cb,
            bytes(cb)
        )?;
    }
    h.push_str("</svg>\n");
    write!(
        h,
        "<details><summary>Treemap as a table</summary>\n<table class=\"sortable\">\n<thead><tr><th>Category</th><th>Part</th><th class=\"n\">Size</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</details>\n</section>\n"
    )
}

/// A round axis step ≥ `v`: 1, 2 or 5 × 10ⁿ of a binary unit (B, KiB, MiB, ...).
fn nice_max(v: u64) -> u64 {
    let mut unit: u64 = 1;
    loop {
        for m in [1u64, 2, 5, 10, 20, 50, 100, 200, 500] {
            let c = unit.saturating_mul(m);
            if c >= v {
                return c.max(1);
            }
        }
        if unit > u64::MAX / 1024 {
            return v.max(1);
        }
        unit *= 1024;
    }
}

fn histogram(r: &Report, h: &mut String) -> fmt::Result {
    h.push_str("<section id=\"histogram\">\n<h2>Age (last modified, by month)</h2>\n");
    if r.months.is_empty() {
        h.push_str("<p class=\"empty\">No files.</p>\n</section>\n");
        return Ok(());
    }
    // Bars are stacked by category, in table order, with the category colours.
    let (left, bottom, top, height) = (70.0, 28.0, 10.0, 240.0);
    let plot_w = W - left - 10.0;
    let plot_h = height - top - bottom;
    let n = r.months.len() as f64;
    let slot = plot_w / n;
    let bar_w = (slot * 0.8).clamp(1.0, 48.0);
    let biggest = r.months.iter().map(|m| m.size.apparent_bytes).max();
    let max = 4 * nice_max(biggest.unwrap_or(0).div_ceil(4));
    writeln!(
        h,
        "<svg class=\"hist\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"Bytes last modified per month\">"
    )?;
    for k in 0..=4u64 {
        let v = max / 4 * k;
        let y = top + plot_h - plot_h * (k as f64 / 4.0);
        writeln!(
            h,
            "<line x1=\"{left}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grid\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" class=\"axis\" text-anchor=\"end\">{}</text>",
            W - 10.0,
            left - 6.0,
            y + 4.0,
            bytes(v)
        )?;
    }
    // Month labels: as many as fit without touching (a label is ~7 characters).
    let every = ((7.0 * 11.0 * CHAR_W + 8.0) / slot).ceil().max(1.0) as usize;
    let mut rows = String::new();
    for (i, m) in r.months.iter().enumerate() {
        let b = m.size.apparent_bytes;
        let bh = plot_h * b as f64 / max as f64;
        let x = left + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut y = top + plot_h;
        for c in Category::ALL {
            let part = m.categories.get(c.id()).copied().unwrap_or(0);
            if part == 0 {
                continue;
            }
            let ph = bh * part as f64 / b.max(1) as f64;
            y -= ph;
            writeln!(
                h,
                "<rect class=\"seg\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{ph:.1}\" fill=\"{}\"><title>{}: {} {} of {} ({} files in the month)</title></rect>",
                c.color(),
                esc(&m.month),
                esc(c.label()),
                bytes(part),
                bytes(b),
                count(m.size.files)
            )?;
        }
        if i % every == 0 {
            writeln!(
                h,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" class=\"axis\" text-anchor=\"middle\">{}</text>",
                x + bar_w / 2.0,
                height - 8.0,
                esc(&m.month)
            )?;
        }
        writeln!(
            rows,
            "<tr><td>{}</td><td class=\"n\" data-v=\"{b}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td></tr>",
            esc(&m.month),
            bytes(b),
            m.size.files,
            count(m.size.files)
        )?;
    }
    h.push_str("</svg>\n");
    write!(
        h,
        "<details><summary>Months as a table</summary>\n<table class=\"sortable\">\n<thead><tr><th>Month</th><th class=\"n\">Size</th><th class=\"n\">Files</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</details>\n</section>\n"
    )
}

/// `YYYY-MM – YYYY-MM`, one month alone, or nothing.
fn months(first: &Option<String>, last: &Option<String>) -> String {
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) | (None, Some(a)) => a.clone(),
        (None, None) => String::new(),
    }
}

fn chats(r: &Report, h: &mut String) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"chats\">\n<h2>Top chats ({} of {})</h2>",
        r.chats.len().min(TOP_CHATS),
        r.chats.len()
    )?;
    for u in &r.unattributed {
        writeln!(
            h,
            "<p class=\"muted\">Account <span class=\"path\">{}</span>: {} in {} file{}: {} (4.x <span class=\"path\">msg/file</span>, <span class=\"path\">msg/video</span>, kept per month).</p>",
            esc(&u.account),
            bytes(u.size.apparent_bytes),
            count(u.size.files),
            if u.size.files == 1 { "" } else { "s" },
            UNATTRIBUTED_LABEL
        )?;
    }
    if r.chats.is_empty() {
        h.push_str("<p class=\"empty\">No chat folders found.</p>\n</section>\n");
        return Ok(());
    }
    let shown: Vec<&ChatTotals> = r.chats.iter().take(TOP_CHATS).collect();
    let max = shown
        .iter()
        .map(|c| c.size.apparent_bytes)
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, size_w, row_h) = (300.0, 80.0, 26.0);
    let bar_space = W - label_w - size_w;
    let height = row_h * shown.len() as f64 + 4.0;
    writeln!(
        h,
        "<svg class=\"chats\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-label=\"Largest chats, split by category\">"
    )?;
    let mut rows = String::new();
    let used: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|cat| {
            shown.iter().any(|c| c.categories.contains_key(cat.id()))
                || r.unattributed
                    .iter()
                    .any(|u| u.categories.contains_key(cat.id()))
        })
        .collect();
    for (i, c) in shown.iter().enumerate() {
        let y = 2.0 + row_h * i as f64;
        let name = match &c.label {
            Some(label) => format!(
                "{} / {}",
                truncate_right(label, 22),
                truncate_right(&c.account, 14)
            ),
            None => format!(
                "{} / {}",
                truncate_right(&c.account, 18),
                truncate_right(&c.chat, 14)
            ),
        };
        writeln!(
            h,
            "<g class=\"chat-row\"><title>chat {}{} (account {}): {}, {} files{}</title>",
            esc(&c.chat),
            esc(&c
                .label
                .as_deref()
                .map(|l| format!(", {l}"))
                .unwrap_or_default()),
            esc(&c.account),
            bytes(c.size.apparent_bytes),
            count(c.size.files),
            esc(&chat_key_figures(c))
        )?;
        svg_text(h, 0.0, y + 17.0, 12.0, "axis mono", &name)?;
        let mut x = label_w;
        for cat in Category::ALL {
            let Some(&b) = c.categories.get(cat.id()) else {
                continue;
            };
            let w = bar_space * b as f64 / max as f64;
            writeln!(
                h,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{}: {}</title></rect>",
                y + 3.0,
                row_h - 6.0,
                cat.color(),
                cat.label(),
                bytes(b)
            )?;
            x += w;
        }
        svg_text(
            h,
            x + 6.0,
            y + 17.0,
            12.0,
            "axis",
            &bytes(c.size.apparent_bytes),
        )?;
        h.push_str("</g>\n");
        let layout = |l: &str| c.by_layout.get(l).map_or(0, |s| s.apparent_bytes);
        let (b3, b4) = (layout("wechat3"), layout("wechat4"));
        write!(
            rows,
            "<tr><td class=\"path\">{}</td><td class=\"path\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\" data-v=\"{b3}\">{}</td><td class=\"n\" data-v=\"{b4}\">{}</td><td class=\"n\" data-v=\"{b}\">{}</td>",
            esc(&c.account),
            esc(&c.chat),
            esc(c.label.as_deref().unwrap_or("")),
            esc(c.kind.as_deref().unwrap_or("")),
            esc(&months(&c.first_month, &c.last_month)),
            bytes(b3),
            bytes(b4),
            bytes(c.size.apparent_bytes),
            b = c.size.apparent_bytes
        )?;
        for cat in &used {
            let b = c.categories.get(cat.id()).copied().unwrap_or(0);
            write!(rows, "<td class=\"n\" data-v=\"{b}\">{}</td>", bytes(b))?;
        }
        rows.push_str("</tr>\n");
    }
    h.push_str("</svg>\n<p class=\"legend\">");
    for cat in &used {
        write!(h, "<span>{}{}</span> ", swatch(cat.id()), cat.label())?;
    }
    for u in &r.unattributed {
        write!(
            rows,
            "<tr><td class=\"path\">{}</td><td></td><td>{}</td><td></td><td>{}</td><td class=\"n\" data-v=\"0\">{}</td><td class=\"n\" data-v=\"{b}\">{}</td><td class=\"n\" data-v=\"{b}\">{}</td>",
            esc(&u.account),
            esc(&u.label),
            esc(&months(&u.first_month, &u.last_month)),
            bytes(0),
            bytes(u.size.apparent_bytes),
            bytes(u.size.apparent_bytes),
            b = u.size.apparent_bytes
        )?;
        for cat in &used {
            let b = u.categories.get(cat.id()).copied().unwrap_or(0);
            write!(rows, "<td class=\"n\" data-v=\"{b}\">{}</td>", bytes(b))?;
        }
        rows.push_str("</tr>\n");
    }
    h.push_str("</p>\n<details><summary>Chats as a table</summary>\n<table class=\"sortable\">\n<thead><tr><th>Account</th><th>Chat</th><th>Name</th><th>Kind</th><th>Months</th><th class=\"n\">3.x</th><th class=\"n\">4.x</th><th class=\"n\">Size</th>");
    for cat in &used {
        write!(h, "<th class=\"n\">{}</th>", cat.label())?;
    }
    write!(
        h,
        "</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</details>\n</section>\n"
    )
}

/// What [`images`] says about how it counts (the table, JSON schema and README say
/// the same).
const IMAGES_COUNT_RULE: &str = "Files: each image counts once, a hard-linked one (WeChat links media between chats) in the chat of its first path, as in every total.";

/// Chat images by variant, and 4.x `.dat` images by scheme and variant.
fn images(r: &Report, h: &mut String) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"images\">\n<h2>Chat images</h2>\n<p class=\"note\">{}</p>",
        esc(IMAGES_COUNT_RULE)
    )?;
    if r.image_variants.is_empty() {
        h.push_str("<p class=\"empty\">No chat images.</p>\n</section>\n");
        return Ok(());
    }
    h.push_str("<table class=\"sortable\" id=\"image-variants\">\n<thead><tr><th>Layout</th><th>Variant</th><th class=\"n\">Size</th><th class=\"n\">Files</th></tr></thead>\n<tbody>\n");
    for v in &r.image_variants {
        writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\" data-v=\"{b}\">{}</td><td class=\"n\" data-v=\"{f}\">{}</td></tr>",
            esc(&v.layout),
            esc(&v.variant),
            bytes(v.size.apparent_bytes),
            count(v.size.files),
            b = v.size.apparent_bytes,
            f = v.size.files,
        )?;
    }
    h.push_str("</tbody>\n</table>\n");
    if !r.dat_images.is_empty() {
        let mut by: std::collections::BTreeMap<(&str, &str), (u64, u64)> =
            std::collections::BTreeMap::new();
        for d in &r.dat_images {
            let e = by.entry((&d.scheme, &d.variant)).or_default();
            e.0 += d.files;
            e.1 += d.apparent_bytes;
        }
        h.push_str("<h3>4.x <code>.dat</code> images by scheme</h3>\n<table class=\"sortable\" id=\"dat-images\">\n<thead><tr><th>Scheme</th><th>Variant</th><th class=\"n\">Size</th><th class=\"n\">Files</th></tr></thead>\n<tbody>\n");
        for ((scheme, variant), (files, size)) in &by {
            writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"n\" data-v=\"{size}\">{}</td><td class=\"n\" data-v=\"{files}\">{}</td></tr>",
                esc(scheme),
                esc(variant),
                bytes(*size),
                count(*files),
            )?;
        }
        h.push_str("</tbody>\n</table>\n");
        if by.keys().any(|(scheme, _)| *scheme == "unread") {
            h.push_str("<p class=\"note\">unread: schemes not read; <code>--dat-schemes</code> reads each image's first bytes.</p>\n");
        }
    }
    h.push_str("</section>\n");
    Ok(())
}

/// Duplicates seen without reading a byte, per category (JSON has accounts and chats).
fn dupe_hints(r: &Report, h: &mut String) -> fmt::Result {
    let d = &r.dupe_hints;
    h.push_str("<section id=\"dupe-hints\">\n<h2>Same bytes, seen without reading</h2>\n<p class=\"note\">Hard links share their bytes already (removing one link frees nothing). md5 names: 4.x chat files whose name is also in another chat, each copy beyond the first. 3.x in 4.x: received files with the same name and size in both trees of one account. <code>wechat-inspect dupes</code> compares content.</p>\n");
    if d.totals.is_empty() {
        h.push_str("<p class=\"empty\">None.</p>\n</section>\n");
        return Ok(());
    }
    if !d.complete {
        writeln!(
            h,
            "<p class=\"note\">More than {} names: the name figures are lower bounds.</p>",
            count(d.max_names)
        )?;
    }
    h.push_str("<table class=\"sortable\">\n<thead><tr><th>Category</th><th class=\"n\">Hard links</th><th class=\"n\">md5 names</th><th class=\"n\">3.x in 4.x</th></tr></thead>\n<tbody>\n");
    let rows = d
        .categories
        .iter()
        .map(|c| (c.id.as_str(), &c.figures))
        .chain(std::iter::once(("all", &d.totals)));
    for (id, f) in rows {
        writeln!(
            h,
            "<tr><td class=\"nowrap\">{sw}{cat}</td><td class=\"n\" data-v=\"{a}\">{ha}</td><td class=\"n\" data-v=\"{b}\">{hb}</td><td class=\"n\" data-v=\"{c}\">{hc}</td></tr>",
            sw = if id == "all" { String::new() } else { swatch(id) },
            cat = esc(if id == "all" { "All" } else { label_of(id) }),
            a = f.linked_bytes,
            ha = bytes(f.linked_bytes),
            b = f.md5_repeat_bytes,
            hb = bytes(f.md5_repeat_bytes),
            c = f.overlap_bytes,
            hc = bytes(f.overlap_bytes),
        )?;
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

fn largest(r: &Report, h: &mut String) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"largest\">\n<h2>Largest files ({})</h2>",
        r.largest.len()
    )?;
    if r.largest.is_empty() {
        h.push_str("<p class=\"empty\">No files.</p>\n</section>\n");
        return Ok(());
    }
    h.push_str("<table class=\"sortable\">\n<thead><tr><th class=\"n\">Size</th><th>Category</th><th>Account</th><th>Modified</th><th>Path</th></tr></thead>\n<tbody>\n");
    for f in &r.largest {
        writeln!(
            h,
            "<tr><td class=\"n\" data-v=\"{b}\">{hb}</td><td class=\"nowrap\">{sw}{cat}</td><td class=\"path\">{acct}</td><td class=\"nowrap\">{m}</td><td class=\"path\">{p}</td></tr>",
            b = f.apparent_bytes,
            hb = bytes(f.apparent_bytes),
            sw = swatch(&f.category),
            cat = esc(label_of(&f.category)),
            acct = esc(&f.account),
            m = esc(f.modified.get(..10).unwrap_or(&f.modified)),
            p = esc(&f.path),
        )?;
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

/// The network footprint: hosts WeChat's URL cache and cookie stores name (cookie
/// names only, never values; no URL paths or queries).
fn hosts(net: &HostsReport, h: &mut String) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"hosts\">\n<h2>Network footprint ({} hosts in {} domains)</h2>\n<p class=\"note\">From the URL cache and cookie stores WeChat kept; see <code>wechat-inspect hosts</code>.</p>",
        net.hosts.len(),
        net.domains.len()
    )?;
    if net.hosts.is_empty() {
        store_status(net, h)?;
        h.push_str("</section>\n");
        return Ok(());
    }
    h.push_str("<table class=\"sortable\">\n<thead><tr><th>Host</th><th>Domain</th><th>Role</th><th class=\"n\">Responses</th><th class=\"n\">Cached</th><th>First seen</th><th>Last seen</th><th>Cookies</th></tr></thead>\n<tbody>\n");
    for x in &net.hosts {
        let day = |t: &Option<String>| t.as_deref().map(|t| t.get(..10).unwrap_or(t).to_string());
        writeln!(
            h,
            "<tr><td class=\"path\">{}{}</td><td>{}</td><td>{}</td><td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.host),
            if x.not_a_host_name {
                " <span class=\"note\">(not a host name: the cookie domain as stored)</span>"
            } else {
                ""
            },
            esc(&x.domain),
            esc(x.role.as_deref().unwrap_or("")),
            x.responses,
            count(x.responses),
            x.cached_bytes,
            bytes(x.cached_bytes),
            esc(&day(&x.first_seen).unwrap_or_default()),
            esc(&day(&x.last_seen).unwrap_or_default()),
            esc(&x.cookies.join(", "))
        )?;
    }
    h.push_str("</tbody>\n</table>\n");
    if !net.issues.is_empty() {
        store_status(net, h)?;
    }
    h.push_str("</section>\n");
    Ok(())
}

/// What was found of the stores when they name no host, or some could not be read:
/// none found, found but unreadable (each with why), or read but naming no host.
fn store_status(net: &HostsReport, h: &mut String) -> fmt::Result {
    if net.stores.is_empty() && net.issues.is_empty() {
        h.push_str("<p class=\"empty\">No URL cache or cookie store found.</p>\n");
        return Ok(());
    }
    if net.hosts.is_empty() && !net.stores.is_empty() {
        writeln!(
            h,
            "<p class=\"empty\">{} store(s) read; they name no host.</p>",
            net.stores.len()
        )?;
    }
    if !net.issues.is_empty() {
        writeln!(
            h,
            "<p class=\"empty\">{} store(s) could not be read, in full or in part:</p>\n<ul class=\"store-issues\">",
            net.issues.len()
        )?;
        for i in &net.issues {
            writeln!(
                h,
                "<li><span class=\"path\">{}</span>: {} ({})</li>",
                esc(&i.path),
                esc(&i.message),
                esc(&i.kind)
            )?;
        }
        h.push_str("</ul>\n");
    }
    Ok(())
}

fn issues(r: &Report, h: &mut String) -> fmt::Result {
    writeln!(
        h,
        "<section id=\"issues\">\n<h2>Issues ({})</h2>",
        r.issues.len()
    )?;
    if r.issues.is_empty() {
        h.push_str("<p class=\"empty\">None: every file was read.</p>\n</section>\n");
        return Ok(());
    }
    h.push_str("<table class=\"sortable\">\n<thead><tr><th>Kind</th><th>Path</th><th>Message</th></tr></thead>\n<tbody>\n");
    for i in &r.issues {
        writeln!(
            h,
            "<tr><td>{}</td><td class=\"path\">{}</td><td>{}</td></tr>",
            esc(&i.kind),
            esc(&i.path),
            esc(&i.message)
        )?;
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    Ok(())
}

/// What the owner's key adds to a chat's hover text: `; msgs …; index …`.
fn chat_key_figures(c: &crate::model::ChatTotals) -> String {
    let mut out = String::new();
    if !c.messages_by_layout.is_empty() {
        out.push_str("; ");
        out.push_str(&crate::render::table::messages_split(c));
    }
    if !c.resource_bytes.is_empty() {
        out.push_str("; ");
        out.push_str(&crate::render::table::resources_split(c));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_that_matters() {
        assert_eq!(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;".to_string());
    }

    #[test]
    fn nice_axis() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(3), 5);
        assert_eq!(nice_max(15_000), 20 * 1024);
        assert_eq!(nice_max(1000), 1024);
    }
}
