//! Entry points for the fuzz targets (`fuzz/`) and the parsers' property tests: each
//! feeds bytes to one parser, then everything that reads its result (the `hosts`
//! fold, `--redact`, every renderer), and checks the promises on the way: no panic,
//! and no unsafe character ([`crate::escape::is_unsafe`]) in any rendered output
//! but the line feeds that end lines. A broken promise panics (the fuzzer's finding).
//!
//! Not part of the tool's interface: public only so `fuzz/` can call it.

use crate::escape::is_unsafe;
use crate::model::hosts::{Body, CacheRow, CookieRow, HostsBuilder, HostsOptions, HostsReport};
use crate::model::{diff, redact};
use crate::readers::{binarycookies, plist, sqlite, urlcache};
use crate::render;
use std::path::Path;

/// Every format of the `hosts` report renders, printable.
fn render_hosts(mut report: HostsReport) {
    for redacted in [false, true] {
        if redacted {
            redact::redact_hosts(&mut report);
        }
        for format in [
            render::hosts::Format::Table,
            render::hosts::Format::Json,
            render::hosts::Format::Csv,
        ] {
            let mut out = Vec::new();
            let written = render::hosts::render(format, &report, &mut out);
            assert!(written.is_ok(), "rendering into memory failed");
            assert_printable(&out);
        }
    }
}

/// Nothing unsafe but line feeds, and valid UTF-8.
fn assert_printable(out: &[u8]) {
    let text = std::str::from_utf8(out);
    assert!(text.is_ok(), "output is not UTF-8");
    let bad = text
        .unwrap_or_default()
        .chars()
        .find(|&c| c != '\n' && is_unsafe(c));
    assert!(bad.is_none(), "unsafe character {bad:?} in the output");
}

fn fold_options() -> HostsOptions {
    HostsOptions {
        generated_at: "2024-05-01T00:00:00Z".into(),
        base: "/fuzz".into(),
        paths: true,
    }
}

/// A binary cookie file: parsed, folded, rendered.
pub fn binary_cookies(data: &[u8]) {
    let parsed = binarycookies::parse(data);
    let mut acc = HostsBuilder::new(true);
    let rows = parsed.cookies.iter().map(|c| CookieRow {
        domain: &c.domain,
        name: &c.name,
        created: c.created.as_deref(),
    });
    acc.binary_cookies("Cookies.binarycookies", rows, &parsed.problems);
    render_hosts(acc.finish(Vec::new(), &fold_options()));
}

/// URL-cache rows: `data` split at NUL into (URL, time, body) triples, folded and
/// rendered (the URL parser, user-info and query stripping, escaping).
pub fn url_cache_rows(data: &[u8]) {
    let mut acc = HostsBuilder::new(true);
    let mut store = acc.url_cache("Cache.db");
    let fields: Vec<&[u8]> = data.split(|&b| b == 0).collect();
    for t in fields.chunks(3) {
        let text = |i: usize| t.get(i).map(|b| String::from_utf8_lossy(b).into_owned());
        let body = t.get(2).and_then(|b| match b.first() {
            Some(0x01) => Some(Body::OnDisk(None)),
            Some(x) => Some(Body::Inline(u64::from(*x) << (b.len() % 64))),
            None => None,
        });
        store.row(CacheRow {
            url: text(0),
            time: text(1),
            body,
        });
    }
    store.finish(true, 0);
    let report = acc.finish(Vec::new(), &fold_options());
    for h in &report.hosts {
        // User-info and queries never survive: no '@', '?' or '#' in a host.
        assert!(!h.host.contains(['@', '?', '#', '/']), "host {:?}", h.host);
    }
    render_hosts(report);
}

/// A whole `Cache.db` image: opened in memory (read-only), read, folded, rendered.
pub fn url_cache_db(data: &[u8]) {
    let Ok(mut conn) = rusqlite::Connection::open_in_memory() else {
        return;
    };
    let loaded = conn.deserialize_read_exact(
        rusqlite::MAIN_DB,
        std::io::Cursor::new(data),
        data.len(),
        true,
    );
    if loaded.is_err() {
        return;
    }
    let mut acc = HostsBuilder::new(true);
    let mut store = acc.url_cache("Cache.db");
    match urlcache::read_rows(&conn, |_| Some(1), |row| store.row(row)) {
        Ok(Some(info)) => store.finish(info.receiver, info.repeated_bodies),
        _ => store.abandon(),
    }
    render_hosts(acc.finish(Vec::new(), &fold_options()));
}

/// A property list: inspected; what it reports is printable.
pub fn plist(data: &[u8]) {
    if let Ok(info) = plist::inspect_plist(data) {
        let mut strings: Vec<&str> = info.top_level_keys.iter().map(String::as_str).collect();
        strings.push(&info.summary);
        strings.extend(info.known.values().map(String::as_str));
        if let Some(k) = &info.keyed_archive {
            strings.push(&k.archiver);
            strings.extend(k.root_class.as_deref());
        }
        for s in strings {
            assert!(!s.chars().any(is_unsafe), "unsafe character in {s:?}");
        }
    }
}

/// An SQLite header: parsed; its derived figures never overflow.
pub fn sqlite_header(data: &[u8]) {
    if let Ok(h) = sqlite::parse_sqlite_header(data) {
        assert!(h.page_size.is_power_of_two(), "page size {}", h.page_size);
        let _ = h.page_count_for(u64::MAX);
        let _ = h.reclaimable_bytes();
    }
}

/// A `-wal` (the first half of `data`) with a `-shm` (the rest): inspected, and its
/// committed frames applied to a small database image, within the limit.
pub fn wal(data: &[u8]) {
    let (w, shm) = data.split_at(data.len() / 2);
    let len = w.len() as u64;
    let _ = sqlite::inspect_wal(w, len, Some(shm));
    let _ = sqlite::inspect_wal(w, len.saturating_mul(3), None);
    let mut db = shm.to_vec();
    let before = db.len();
    for page_size in [512, 4096] {
        if sqlite::wal::apply_committed_frames(&mut db, w, page_size, 1 << 20).is_ok() {
            assert!(
                db.len() <= (1 << 20).max(before),
                "image grew past the limit"
            );
        }
    }
}

/// A report given to `diff`: parsed (bounded types, unique keys), compared with
/// itself redacted, rendered as table and JSON.
pub fn report_json(data: &[u8]) {
    let Ok(report) = crate::commands::diff::parse(Path::new("fuzz.json"), data) else {
        return;
    };
    let mut redacted = report.clone();
    redact::redact(&mut redacted);
    let d = diff::diff(&report, &redacted);
    for format in [
        render::diff::DiffFormat::Table,
        render::diff::DiffFormat::Json,
    ] {
        let mut out = Vec::new();
        let written = render::diff::render(format, &d, &mut out);
        assert!(written.is_ok(), "rendering into memory failed");
        assert_printable(&out);
    }
    for format in [
        render::Format::Table,
        render::Format::Csv,
        render::Format::Json,
        render::Format::Html,
    ] {
        let mut out = Vec::new();
        let style = render::Style::default();
        let written = render::render(format, &report, style, &mut out);
        assert!(written.is_ok(), "rendering into memory failed");
        assert_printable(&out);
    }
}
