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
    let _ = sqlite::wal::inspect_wal(w, len, Some(shm));
    let _ = sqlite::wal::inspect_wal(w, len.saturating_mul(3), None);
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

/// The fuzz targets' checks as property tests, with modest case counts (CI runs
/// them; `bench/fuzz.sh` runs the real fuzzers for longer): arbitrary bytes, and
/// valid inputs mutated.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The sample container's scan report (the snapshot the tests keep).
    fn sample_report() -> serde_json::Value {
        let snap = include_str!("../tests/snapshots/integration__sample__sample_scan_json.snap");
        let body = snap.splitn(3, "---\n").nth(2).unwrap();
        serde_json::from_str(body).unwrap()
    }

    /// A small URL cache, as the bytes of its database file.
    fn cache_image() -> Vec<u8> {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY, request_key TEXT,
                 time_stamp TEXT);
             CREATE TABLE cfurl_cache_receiver_data(entry_ID INTEGER PRIMARY KEY,
                 isDataOnFS INTEGER, receiver_data BLOB);
             INSERT INTO cfurl_cache_response VALUES
                 (1, 'https://u:p@a.qpic.cn/x?q=1', '2024-05-01 10:00:00'),
                 (2, 'https://b.qq.com/y', '2024-05-02 10:00:00');
             INSERT INTO cfurl_cache_receiver_data VALUES (1, 0, x'0102'), (2, 1, 'name');",
        )
        .unwrap();
        conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
    }

    /// Strings that break things: controls, bidi, formulas, user-info, long runs.
    fn nasty() -> impl Strategy<Value = String> {
        prop_oneof![
            "\\PC{0,12}",
            Just("\u{1b}]0;x\u{7}\u{9b}\u{202e}\n=1+1".to_string()),
            Just("https://u:p/w@h.cn/a@b?c#d".to_string()),
            "[=+@\\-\t\r/\\\\:@?#a-z0-9\u{80}-\u{9f}\u{2066}-\u{2069}]{0,16}",
        ]
    }

    /// Replace the `n`th string (keys included) of `v` with `s`; returns how many
    /// strings were seen.
    fn replace_string(v: &mut serde_json::Value, n: &mut usize, s: &str) {
        use serde_json::Value;
        match v {
            Value::String(x) => {
                if *n == 0 {
                    *x = s.to_string();
                }
                *n = n.wrapping_sub(1);
            }
            Value::Array(a) => a.iter_mut().for_each(|x| replace_string(x, n, s)),
            Value::Object(o) => {
                let keys: Vec<String> = o.keys().cloned().collect();
                for k in keys {
                    if *n == 0 {
                        if let Some(x) = o.remove(&k) {
                            o.insert(s.to_string(), x);
                        }
                    }
                    *n = n.wrapping_sub(1);
                    if let Some(x) = o.get_mut(&k) {
                        replace_string(x, n, s);
                    }
                }
            }
            _ => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1500))]

        #[test]
        fn arbitrary_bytes_keep_every_promise(b in proptest::collection::vec(any::<u8>(), 0..600)) {
            binary_cookies(&b);
            url_cache_rows(&b);
            plist(&b);
            sqlite_header(&b);
            wal(&b);
            report_json(&b);
            let mut j = b"{\"schema_version\":2,".to_vec();
            j.extend_from_slice(&b);
            report_json(&j);
        }

        #[test]
        fn url_cache_rows_of_nasty_strings(rows in proptest::collection::vec((nasty(), nasty()), 0..8)) {
            let mut b = Vec::new();
            for (url, time) in rows {
                b.extend_from_slice(url.as_bytes());
                b.push(0);
                b.extend_from_slice(time.as_bytes());
                b.extend_from_slice(b"\0\x05\0");
            }
            url_cache_rows(&b);
        }

        #[test]
        fn mutated_url_cache_databases(
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        ) {
            let mut b = cache_image();
            for (i, x) in flips {
                let at = i.index(b.len());
                b[at] ^= x;
            }
            url_cache_db(&b);
        }

        #[test]
        fn reports_with_nasty_strings_or_duplicates(
            at in any::<usize>(),
            s in nasty(),
            dup in proptest::option::of(0usize..4),
            cut in proptest::option::of(any::<prop::sample::Index>()),
        ) {
            let mut r = sample_report();
            let mut n = at % 4000;
            replace_string(&mut r, &mut n, &s);
            if let Some(d) = dup {
                let section = ["categories", "accounts", "chats", "months"][d];
                if let Some(a) = r[section].as_array_mut() {
                    if let Some(first) = a.first().cloned() {
                        a.push(first);
                    }
                }
            }
            let mut bytes = serde_json::to_vec(&r).unwrap();
            if let Some(c) = cut {
                bytes.truncate(c.index(bytes.len()));
            }
            report_json(&bytes);
        }
    }

    #[test]
    fn the_seeds_are_valid() {
        let r = serde_json::to_vec(&sample_report()).unwrap();
        assert!(crate::commands::diff::parse(Path::new("s.json"), &r).is_ok());
        url_cache_db(&cache_image());
    }
}
