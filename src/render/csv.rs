//! `--format csv`: one flat table, RFC 4180 quoting.
//!
//! Columns: `section,id,detail,files,apparent_bytes,allocated_bytes`. Sections and what
//! `id`/`detail` hold: `totals` (`all`), `root` (path, kind), `layout` (root path,
//! layout), `category` (id, label), `account` (id, layout), `account-layout` (id,
//! layout), `account-alias` (id, a 3.x folder that is the same account; no numbers),
//! `account-label` (id, label; no numbers), `account-seen` (wxid, the account row with
//! its data or `-`; no numbers), `chat` (account/chat, label or empty), `chat-layout`
//! (account/chat, layout), `chat-category` (account/chat, category id; bytes only),
//! `chat-messages` (account/chat, layout; files = messages in that layout's
//! databases, with the key), `chat-message-months` (account/chat, `layout first last`:
//! the UTC months `YYYY-MM` of its first and last message in that layout, with the key;
//! no numbers), `chat-db` (account/chat, `db`; apparent = pages of its
//! message tables × page size, with the key and `--all-pages`),
//! `unattributed` (account, what the bytes are), `month` (YYYY-MM),
//! `file-type` (type), `image-variant` (layout, variant), `largest` (path, category),
//! `hard-links` (`shared`), `database` (path, role or `-`; bytes), `database-free` (path,
//! `freelist`; files = free pages, apparent = reclaimable bytes), `database-wal` (path,
//! `wal`; files = pending frames, apparent = `-wal` bytes), `database-table` (path,
//! table; files = rows, empty when not counted; apparent = its pages and its indexes'
//! pages × page size with `--all-pages`), `plist` (path, format; bytes),
//! `dat-image` (account/chat, `scheme variant`), `issue` (path, `kind: message`; no
//! numbers). `dbs` writes only the `database*` and `issue` rows, `plists` only the
//! `plist` and `issue` rows.
//!
//! Every cell goes through [`field`], the one CSV cell writer (the `hosts` CSV uses it
//! too): unsafe characters escaped ([`printable`]), then a cell that a spreadsheet
//! would run as a formula (one starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) gets a leading `'` (OWASP's rule), then RFC 4180 quoting. Numbers are
//! written by the renderers themselves and never start with a sign.

use super::View;
use crate::escape::{printable, Notation, Printable};
use crate::model::{Report, Size};
use std::io::{self, Write};

/// One CSV cell: escaped, neutralised, quoted (see the module docs).
pub(crate) fn field(s: &str) -> String {
    let s = printable(s);
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.into_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn row(
    out: &mut dyn Write,
    section: &str,
    id: &str,
    detail: &str,
    nums: [Option<u64>; 3],
) -> io::Result<()> {
    let n = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    writeln!(
        out,
        "{},{},{},{},{},{}",
        field(section),
        field(id),
        field(detail),
        n(nums[0]),
        n(nums[1]),
        n(nums[2])
    )
}

fn size(s: &Size) -> [Option<u64>; 3] {
    [
        Some(s.files),
        Some(s.apparent_bytes),
        Some(s.allocated_bytes),
    ]
}

/// Write the report as CSV, through [`Printable`].
pub fn write(r: &Report, view: View, out: &mut dyn Write) -> io::Result<()> {
    let mut safe = Printable::new(out, Notation::Text);
    rows(r, view, &mut safe)?;
    safe.finish()
}

fn rows(r: &Report, view: View, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "section,id,detail,files,apparent_bytes,allocated_bytes"
    )?;
    match view {
        View::Scan => {
            scan_rows(r, out)?;
            database_rows(r, out)?;
            plist_rows(r, out)?;
            for d in &r.dat_images {
                row(
                    out,
                    "dat-image",
                    &format!("{}/{}", d.account, d.chat),
                    &format!("{} {}", d.scheme, d.variant),
                    [Some(d.files), Some(d.apparent_bytes), None],
                )?;
            }
        }
        View::Databases => database_rows(r, out)?,
        View::Plists => plist_rows(r, out)?,
    }
    for i in &r.issues {
        row(
            out,
            "issue",
            &i.path,
            &format!("{}: {}", i.kind, i.message),
            [None, None, None],
        )?;
    }
    Ok(())
}

fn database_rows(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in &r.databases {
        row(
            out,
            "database",
            &d.path,
            d.role.as_deref().unwrap_or("-"),
            [Some(1), Some(d.apparent_bytes), Some(d.allocated_bytes)],
        )?;
        if let (Some(pages), Some(b)) = (d.freelist_pages, d.reclaimable_bytes) {
            row(
                out,
                "database-free",
                &d.path,
                "freelist",
                [Some(pages), Some(b), None],
            )?;
        }
        if let Some(b) = d.wal_bytes {
            row(
                out,
                "database-wal",
                &d.path,
                "wal",
                [d.wal_pending_frames, Some(b), None],
            )?;
        }
        for t in d.tables.iter().flatten() {
            row(
                out,
                "database-table",
                &d.path,
                &t.name,
                [
                    t.rows,
                    t.pages.zip(d.page_size).map(|(p, ps)| p * u64::from(ps)),
                    None,
                ],
            )?;
        }
    }
    Ok(())
}

fn plist_rows(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for p in &r.plists {
        row(
            out,
            "plist",
            &p.path,
            &p.format,
            [Some(1), Some(p.apparent_bytes), None],
        )?;
    }
    Ok(())
}

fn scan_rows(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let t = &r.totals;
    row(
        out,
        "totals",
        "all",
        "",
        [
            Some(t.files),
            Some(t.apparent_bytes),
            Some(t.allocated_bytes),
        ],
    )?;
    let h = &r.hard_links;
    row(
        out,
        "hard-links",
        "shared",
        "",
        [
            Some(h.extra_links),
            Some(h.shared_apparent_bytes),
            Some(h.shared_allocated_bytes),
        ],
    )?;
    for root in &r.roots {
        row(out, "root", &root.path, &root.kind, size(&root.size))?;
        for l in &root.layouts {
            row(out, "layout", &root.path, &l.layout, size(&l.size))?;
        }
    }
    for c in &r.categories {
        row(out, "category", &c.id, &c.label, size(&c.size))?;
    }
    for a in &r.accounts {
        row(out, "account", &a.id, &a.layout, size(&a.size))?;
        for (layout, s) in &a.by_layout {
            row(out, "account-layout", &a.id, layout, size(s))?;
        }
        for alias in &a.aliases {
            row(out, "account-alias", &a.id, alias, [None, None, None])?;
        }
        if let Some(label) = &a.label {
            row(out, "account-label", &a.id, label, [None, None, None])?;
        }
    }
    for s in &r.accounts_seen {
        let account = s.account.as_deref().unwrap_or("-");
        row(out, "account-seen", &s.id, account, [None, None, None])?;
    }
    for c in &r.chats {
        let id = format!("{}/{}", c.account, c.chat);
        row(
            out,
            "chat",
            &id,
            c.label.as_deref().unwrap_or(""),
            size(&c.size),
        )?;
        for (layout, s) in &c.by_layout {
            row(out, "chat-layout", &id, layout, size(s))?;
        }
        for (cat, bytes) in &c.categories {
            row(out, "chat-category", &id, cat, [None, Some(*bytes), None])?;
        }
        for (layout, n) in &c.messages_by_layout {
            row(out, "chat-messages", &id, layout, [Some(*n), None, None])?;
        }
        for (layout, m) in &c.message_months_by_layout {
            let detail = format!("{layout} {} {}", m.first, m.last);
            row(out, "chat-message-months", &id, &detail, [None, None, None])?;
        }
        if let Some(b) = c.db_bytes {
            row(out, "chat-db", &id, "db", [None, Some(b), None])?;
        }
    }
    for u in &r.unattributed {
        row(out, "unattributed", &u.account, &u.label, size(&u.size))?;
    }
    for m in &r.months {
        row(out, "month", &m.month, "", size(&m.size))?;
    }
    for ft in &r.file_types {
        row(out, "file-type", &ft.kind, "", size(&ft.size))?;
    }
    for v in &r.image_variants {
        row(out, "image-variant", &v.layout, &v.variant, size(&v.size))?;
    }
    for f in &r.largest {
        row(
            out,
            "largest",
            &f.path,
            &f.category,
            [Some(1), Some(f.apparent_bytes), Some(f.allocated_bytes)],
        )?;
    }
    Ok(())
}
