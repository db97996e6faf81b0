//! `hosts`: the network footprint WeChat left on disk. Which servers it fetched from
//! (Apple's NSURLCache `Cache.db`, WAL frames included, bodies inline or in
//! `fsCachedData/`) and which ones set cookies (`*.binarycookies`,
//! `httpstorages.sqlite`), per host and per registrable domain.
//!
//! Read-only like everything else: databases go through
//! [`crate::meta::with_read_only_connection`] (a private copy outside the scanned
//! tree when the `-wal` has frames), binary cookie files through a bounded
//! `O_NOFOLLOW` read, and `fsCachedData` bodies are only `lstat`ed, never opened.
//!
//! Privacy: cookie values are never read into memory as values (the parser skips
//! them; SQL never selects them), URL query strings and fragments are cut off
//! before a URL is kept ([`domain::split_url`]), and URL paths are only kept with
//! `--paths`.

pub mod binarycookies;
pub mod domain;
pub mod render;

use crate::locate::Root;
use crate::meta::{with_read_only_connection, DbError, InspectOptions};
use crate::model::{Issue, Tool};
use crate::paths::escape_bytes;
use chrono::{NaiveDateTime, SecondsFormat};
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Version of the `hosts --format json` layout (`docs/hosts-schema.json`).
pub const HOSTS_SCHEMA_VERSION: u32 = 1;
/// Largest binary cookie file read (bigger ones are an issue, not a read).
pub const MAX_COOKIE_FILE: usize = 16 * 1024 * 1024;
/// Rows read per table at most (URL cache responses, cookie rows).
pub const MAX_ROWS: usize = 1_000_000;
/// File names of stores whose name says nothing about the user (kept by `--redact`).
pub const FIXED_STORE_NAMES: [&str; 4] = [
    "Cache.db",
    "httpstorages.sqlite",
    "Cookies.binarycookies",
    "com.tencent.xinWeChat.binarycookies",
];

/// The `hosts` report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostsReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub generated_at: String,
    /// The path given (or `~`); every other path is relative to it.
    pub base: String,
    pub roots: Vec<HostsRoot>,
    /// Every store read.
    pub stores: Vec<Store>,
    /// Sorted by domain, then host.
    pub hosts: Vec<Host>,
    /// Sorted by cached bytes (largest first), then name.
    pub domains: Vec<DomainTotals>,
    /// Things worth knowing that are not problems (e.g. an unrecognised schema).
    pub notes: Vec<Note>,
    pub issues: Vec<Issue>,
}

/// One root folder searched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostsRoot {
    pub path: String,
    pub kind: String,
    pub container_path: String,
}

/// One store file read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Store {
    pub path: String,
    /// `url-cache`, `binary-cookies` or `http-storage`.
    pub kind: String,
    pub responses: u64,
    pub cookies: u64,
    /// Distinct hosts found in it.
    pub hosts: u64,
}

/// One host.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Host {
    pub host: String,
    pub domain: String,
    /// From the role table (`docs/hosts.md`), if the host is in it.
    pub role: Option<String>,
    /// `I` (inferred) or `V` (verified), with `role`.
    pub role_evidence: Option<String>,
    pub responses: u64,
    /// Inline body bytes plus on-disk body sizes.
    pub cached_bytes: u64,
    /// Earliest / latest cache time stamp or cookie creation time (RFC 3339).
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Cookie names, sorted and deduplicated (never values).
    pub cookies: Vec<String>,
    /// URL paths without query (only with `--paths`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
    /// Store files this host was found in.
    pub sources: Vec<String>,
}

/// One registrable domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainTotals {
    pub domain: String,
    pub hosts: u64,
    pub responses: u64,
    pub cached_bytes: u64,
}

/// A remark about one store.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// How to build the report.
#[derive(Debug, Clone, Default)]
pub struct HostsOptions {
    pub generated_at: String,
    pub base: String,
    /// Keep URL paths (never queries).
    pub paths: bool,
}

#[derive(Default)]
struct HostAcc {
    responses: u64,
    bytes: u64,
    first: Option<String>,
    last: Option<String>,
    cookies: BTreeSet<String>,
    paths: BTreeSet<String>,
    sources: BTreeSet<String>,
}

impl HostAcc {
    fn seen(&mut self, t: &str) {
        if self.first.as_deref().is_none_or(|f| t < f) {
            self.first = Some(t.to_string());
        }
        if self.last.as_deref().is_none_or(|l| t > l) {
            self.last = Some(t.to_string());
        }
    }
}

#[derive(Default)]
struct Acc {
    hosts: BTreeMap<String, HostAcc>,
    stores: Vec<Store>,
    notes: Vec<Note>,
    issues: Vec<Issue>,
    keep_paths: bool,
}

impl Acc {
    fn host(&mut self, host: &str, source: &str) -> &mut HostAcc {
        let h = self.hosts.entry(host.to_string()).or_default();
        h.sources.insert(source.to_string());
        h
    }

    fn issue(&mut self, path: &str, kind: &str, message: String) {
        self.issues.push(Issue {
            path: path.to_string(),
            kind: kind.to_string(),
            message,
        });
    }

    fn db_issue(&mut self, rel: &str, abs: &Path, e: DbError) {
        let kind = match &e {
            DbError::Io { source, .. } => crate::error::io_issue(rel, source).kind,
            DbError::Locked { .. } => "locked".to_string(),
            DbError::Scratch { .. } => "io".to_string(),
            _ => "corrupt-store".to_string(),
        };
        // The error text starts with the absolute path; the issue has the relative one.
        let text = e.to_string();
        let prefix = format!("{}: ", abs.display());
        let message = text.strip_prefix(&prefix).unwrap_or(&text).to_string();
        self.issue(rel, &kind, message);
    }
}

/// What a file under a root is to `hosts`, by name and place only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StoreKind {
    UrlCache,
    HttpStorage,
    BinaryCookies,
}

impl StoreKind {
    pub fn id(self) -> &'static str {
        match self {
            StoreKind::UrlCache => "url-cache",
            StoreKind::HttpStorage => "http-storage",
            StoreKind::BinaryCookies => "binary-cookies",
        }
    }
}

/// Recognise a store from its container path (`Data/Library/Caches/.../Cache.db`).
pub fn store_kind(container_path: &str) -> Option<StoreKind> {
    let p = format!("/{container_path}");
    let name = p.rsplit('/').next().unwrap_or("");
    if name.ends_with(".binarycookies") {
        Some(StoreKind::BinaryCookies)
    } else if name == "Cache.db" && p.contains("/Library/Caches/") {
        Some(StoreKind::UrlCache)
    } else if name == "httpstorages.sqlite" && p.contains("/Library/HTTPStorages/") {
        Some(StoreKind::HttpStorage)
    } else {
        None
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}/{b}"),
    }
}

/// Find the stores under `roots` (names only, symlinks not followed) and read them.
pub fn collect(roots: &[Root], opts: &HostsOptions) -> HostsReport {
    let mut acc = Acc {
        keep_paths: opts.paths,
        ..Acc::default()
    };
    for root in roots {
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&root.path).follow_links(false) {
            let e = match entry {
                Ok(e) => e,
                Err(err) => {
                    let rel = err
                        .path()
                        .and_then(|p| p.strip_prefix(&root.path).ok())
                        .map(|p| escape_bytes(p.as_os_str().as_bytes()).0)
                        .unwrap_or_default();
                    let rel = join(&root.rel, &rel);
                    let io = err
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("filesystem loop"));
                    acc.issues.push(crate::error::io_issue(
                        if rel.is_empty() { "." } else { &rel },
                        &io,
                    ));
                    continue;
                }
            };
            if !e.file_type().is_file() {
                continue;
            }
            let Ok(in_root) = e.path().strip_prefix(&root.path) else {
                continue;
            };
            let in_root = escape_bytes(in_root.as_os_str().as_bytes()).0;
            if let Some(kind) = store_kind(&join(&root.container_path, &in_root)) {
                found.push((e.path().to_path_buf(), join(&root.rel, &in_root), kind));
            }
        }
        found.sort();
        for (abs, rel, kind) in found {
            let db_opts = InspectOptions {
                scan_root: Some(root.path.clone()),
                ..InspectOptions::default()
            };
            match kind {
                StoreKind::UrlCache => read_url_cache(&mut acc, &abs, &rel, &db_opts),
                StoreKind::HttpStorage => read_http_storage(&mut acc, &abs, &rel, &db_opts),
                StoreKind::BinaryCookies => read_binary_cookies(&mut acc, &abs, &rel),
            }
        }
    }
    finish(acc, roots, opts)
}

/// Text of a value that may be TEXT or BLOB.
fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Text(b) | ValueRef::Blob(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// CFNetwork's `time_stamp` (SQLite `CURRENT_TIMESTAMP`, UTC) → RFC 3339.
fn cache_time(v: ValueRef<'_>) -> Option<String> {
    let s = text(v)?;
    let s = s.trim();
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// A body file name from `receiver_data`: one plain path component.
fn body_name(raw: &str) -> Option<&str> {
    let n = raw.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    let ok = !n.is_empty() && n.len() <= 255 && n != "." && n != ".." && !n.contains(['/', '\0']);
    ok.then_some(n)
}

fn table_columns(conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "PRAGMA main.table_info(\"{}\")",
        table.replace('"', "\"\"")
    ))?;
    let cols = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

fn tables(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name")?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

struct CacheRow {
    url: Option<String>,
    time: Option<String>,
    on_fs: Option<String>,
    inline_len: u64,
}

fn read_url_cache(acc: &mut Acc, abs: &Path, rel: &str, opts: &InspectOptions) {
    let result = with_read_only_connection(abs, opts, |conn| {
        let names = tables(conn)?;
        if !names.iter().any(|t| t == "cfurl_cache_response") {
            return Ok(None);
        }
        let receiver = names.iter().any(|t| t == "cfurl_cache_receiver_data")
            && ["entry_ID", "isDataOnFS", "receiver_data"].iter().all(|c| {
                table_columns(conn, "cfurl_cache_receiver_data")
                    .is_ok_and(|cols| cols.iter().any(|x| x == c))
            });
        let sql = if receiver {
            format!(
                "SELECT r.request_key, r.time_stamp,
                    CASE WHEN d.isDataOnFS = 1 THEN substr(d.receiver_data, 1, 256) END,
                    CASE WHEN d.isDataOnFS = 1 THEN 0
                         ELSE coalesce(length(CAST(d.receiver_data AS BLOB)), 0) END
                 FROM main.cfurl_cache_response r
                 LEFT JOIN main.cfurl_cache_receiver_data d ON d.entry_ID = r.entry_ID
                 ORDER BY r.entry_ID LIMIT {MAX_ROWS}"
            )
        } else {
            format!(
                "SELECT request_key, time_stamp, NULL, 0 FROM main.cfurl_cache_response
                 ORDER BY entry_ID LIMIT {MAX_ROWS}"
            )
        };
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CacheRow {
                    url: text(r.get_ref(0)?),
                    time: cache_time(r.get_ref(1)?),
                    on_fs: text(r.get_ref(2)?),
                    inline_len: u64::try_from(r.get::<_, Option<i64>>(3)?.unwrap_or(0))
                        .unwrap_or(0),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some((rows, receiver)))
    });
    let (rows, receiver) = match result {
        Ok((Some(x), view)) => {
            for n in view.notes {
                acc.notes.push(Note {
                    path: rel.to_string(),
                    message: n,
                });
            }
            x
        }
        Ok((None, _)) => {
            acc.notes.push(Note {
                path: rel.to_string(),
                message: "unrecognised schema: no cfurl_cache_response table".into(),
            });
            return;
        }
        Err(e) => return acc.db_issue(rel, abs, e),
    };
    if !receiver {
        acc.notes.push(Note {
            path: rel.to_string(),
            message: "no usable cfurl_cache_receiver_data table: body sizes unknown".into(),
        });
    }
    let bodies = abs.parent().map(|d| d.join("fsCachedData"));
    let (mut responses, mut missing, mut no_host) = (0u64, 0u64, 0u64);
    let mut hosts = BTreeSet::new();
    for row in rows {
        let Some((host, path)) = row.url.as_deref().and_then(domain::split_url) else {
            no_host += 1;
            continue;
        };
        let disk = match (&row.on_fs, &bodies) {
            (Some(raw), Some(dir)) => {
                match body_name(raw).map(|n| fs::symlink_metadata(dir.join(n))) {
                    Some(Ok(m)) if m.is_file() => m.len(),
                    _ => {
                        missing += 1;
                        0
                    }
                }
            }
            _ => 0,
        };
        responses += 1;
        hosts.insert(host.clone());
        let keep = acc.keep_paths;
        let h = acc.host(&host, rel);
        h.responses += 1;
        h.bytes += row.inline_len + disk;
        if let Some(t) = &row.time {
            h.seen(t);
        }
        if keep {
            h.paths.insert(escape_bytes(path.as_bytes()).0);
        }
    }
    if missing > 0 {
        acc.notes.push(Note {
            path: rel.to_string(),
            message: format!(
                "{missing} body file(s) named in the cache are missing from fsCachedData (not counted)"
            ),
        });
    }
    if no_host > 0 {
        acc.notes.push(Note {
            path: rel.to_string(),
            message: format!("{no_host} cached response(s) without a host URL (not counted)"),
        });
    }
    acc.stores.push(Store {
        path: rel.to_string(),
        kind: StoreKind::UrlCache.id().into(),
        responses,
        cookies: 0,
        hosts: hosts.len() as u64,
    });
}

/// Column names that hold a cookie's domain or a host, in order of preference.
const HOST_COLUMNS: [&str; 5] = ["domain", "host", "host_key", "hostname", "cookie_domain"];

fn read_http_storage(acc: &mut Acc, abs: &Path, rel: &str, opts: &InspectOptions) {
    type Found = Vec<(String, Option<String>)>;
    let result = with_read_only_connection(abs, opts, |conn| {
        let names = tables(conn)?;
        let mut found: Found = Vec::new();
        let mut used = 0;
        for t in &names {
            let cols = table_columns(conn, t)?;
            let pick = |want: &str| cols.iter().find(|c| c.eq_ignore_ascii_case(want));
            let Some(host_col) = HOST_COLUMNS.iter().find_map(|w| pick(w)) else {
                continue;
            };
            used += 1;
            let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            // Only the host and the name: never the value or any other column.
            let sql = match pick("name") {
                Some(n) => format!(
                    "SELECT DISTINCT {}, {} FROM main.{} LIMIT {MAX_ROWS}",
                    q(host_col),
                    q(n),
                    q(t)
                ),
                None => format!(
                    "SELECT DISTINCT {}, NULL FROM main.{} LIMIT {MAX_ROWS}",
                    q(host_col),
                    q(t)
                ),
            };
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt
                .query_map([], |r| Ok((text(r.get_ref(0)?), text(r.get_ref(1)?))))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            found.extend(rows.into_iter().filter_map(|(h, n)| Some((h?, n))));
        }
        Ok((found, used, names))
    });
    let (found, used, names) = match result {
        Ok((x, view)) => {
            for n in view.notes {
                acc.notes.push(Note {
                    path: rel.to_string(),
                    message: n,
                });
            }
            x
        }
        Err(e) => return acc.db_issue(rel, abs, e),
    };
    if used == 0 {
        acc.notes.push(Note {
            path: rel.to_string(),
            message: format!(
                "unrecognised schema: no table has a domain or host column (tables: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ),
        });
    }
    let mut hosts = BTreeSet::new();
    let mut cookies = 0;
    for (raw, name) in found {
        let host = if raw.contains("://") {
            domain::split_url(&raw).map(|(h, _)| h)
        } else {
            domain::normalise_host(&raw)
        };
        let Some(host) = host else { continue };
        hosts.insert(host.clone());
        let h = acc.host(&host, rel);
        if let Some(n) = name {
            cookies += 1;
            h.cookies.insert(escape_bytes(n.as_bytes()).0);
        }
    }
    acc.stores.push(Store {
        path: rel.to_string(),
        kind: StoreKind::HttpStorage.id().into(),
        responses: 0,
        cookies,
        hosts: hosts.len() as u64,
    });
}

fn read_binary_cookies(acc: &mut Acc, abs: &Path, rel: &str) {
    let bytes = match crate::meta::read_head(abs, MAX_COOKIE_FILE + 1) {
        Ok(b) => b,
        Err(e) => {
            let i = crate::error::io_issue(rel, &e);
            return acc.issue(rel, &i.kind, i.message);
        }
    };
    if bytes.len() > MAX_COOKIE_FILE {
        return acc.issue(
            rel,
            "too-large",
            format!("binary cookie file over {MAX_COOKIE_FILE} bytes: not read"),
        );
    }
    let parsed = binarycookies::parse(&bytes);
    drop(bytes);
    if !parsed.problems.is_empty() {
        let shown: Vec<&str> = parsed.problems.iter().take(3).map(String::as_str).collect();
        let more = parsed.problems.len().saturating_sub(shown.len());
        acc.issue(
            rel,
            "corrupt-store",
            format!(
                "binary cookies: {}{}",
                shown.join("; "),
                if more > 0 {
                    format!("; and {more} more")
                } else {
                    String::new()
                }
            ),
        );
    }
    let mut hosts = BTreeSet::new();
    let mut cookies = 0;
    for c in &parsed.cookies {
        let Some(host) = domain::normalise_host(&c.domain) else {
            continue;
        };
        cookies += 1;
        hosts.insert(host.clone());
        let h = acc.host(&host, rel);
        h.cookies.insert(escape_bytes(c.name.as_bytes()).0);
        if let Some(t) = &c.created {
            h.seen(t);
        }
    }
    acc.stores.push(Store {
        path: rel.to_string(),
        kind: StoreKind::BinaryCookies.id().into(),
        responses: 0,
        cookies,
        hosts: hosts.len() as u64,
    });
}

fn finish(acc: Acc, roots: &[Root], opts: &HostsOptions) -> HostsReport {
    let mut hosts: Vec<Host> = acc
        .hosts
        .into_iter()
        .map(|(host, a)| {
            let role = domain::role(&host);
            Host {
                domain: domain::registrable_domain(&host),
                role: role.map(|r| r.role.to_string()),
                role_evidence: role.map(|r| r.evidence.tag().to_string()),
                responses: a.responses,
                cached_bytes: a.bytes,
                first_seen: a.first,
                last_seen: a.last,
                cookies: a.cookies.into_iter().collect(),
                paths: opts.paths.then(|| a.paths.into_iter().collect()),
                sources: a.sources.into_iter().collect(),
                host,
            }
        })
        .collect();
    hosts.sort_by(|a, b| a.domain.cmp(&b.domain).then_with(|| a.host.cmp(&b.host)));
    let mut domains: BTreeMap<String, DomainTotals> = BTreeMap::new();
    for h in &hosts {
        let d = domains
            .entry(h.domain.clone())
            .or_insert_with(|| DomainTotals {
                domain: h.domain.clone(),
                hosts: 0,
                responses: 0,
                cached_bytes: 0,
            });
        d.hosts += 1;
        d.responses += h.responses;
        d.cached_bytes += h.cached_bytes;
    }
    let mut domains: Vec<DomainTotals> = domains.into_values().collect();
    domains.sort_by(|a, b| {
        b.cached_bytes
            .cmp(&a.cached_bytes)
            .then_with(|| b.responses.cmp(&a.responses))
            .then_with(|| a.domain.cmp(&b.domain))
    });
    let mut issues = acc.issues;
    issues.sort();
    let mut notes = acc.notes;
    notes.sort();
    let mut stores = acc.stores;
    stores.sort_by(|a, b| a.path.cmp(&b.path));
    HostsReport {
        schema_version: HOSTS_SCHEMA_VERSION,
        tool: Tool {
            name: "wechat-inspect".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        generated_at: opts.generated_at.clone(),
        base: opts.base.clone(),
        roots: roots
            .iter()
            .map(|r| HostsRoot {
                path: if r.rel.is_empty() {
                    ".".into()
                } else {
                    r.rel.clone()
                },
                kind: r.kind.to_string(),
                container_path: r.container_path.clone(),
            })
            .collect(),
        stores,
        hosts,
        domains,
        notes,
        issues,
    }
}

/// `--redact`: pseudonymise the identifying components of every path (source
/// files, roots, issues, notes, URL paths) with the same rules as `scan --redact`.
/// Host names, cookie names and fixed store file names stay.
pub fn redact(r: &mut HostsReport) {
    let is_file = |p: &str| {
        let name = p.rsplit('/').next().unwrap_or("");
        !FIXED_STORE_NAMES.contains(&name)
    };
    let mut all: Vec<(String, bool)> = Vec::new();
    for root in &r.roots {
        all.push((root.path.clone(), false));
        all.push((root.container_path.clone(), false));
    }
    for s in &r.stores {
        all.push((s.path.clone(), is_file(&s.path)));
    }
    for h in &r.hosts {
        for p in h.paths.iter().flatten() {
            all.push((p.clone(), false));
        }
    }
    for i in &r.issues {
        all.push((i.path.clone(), is_file(&i.path)));
    }
    for n in &r.notes {
        all.push((n.path.clone(), is_file(&n.path)));
    }
    let red = crate::redact::PathRedactor::new(all.iter().map(|(p, f)| (p.as_str(), *f)));
    if r.base != "~" && r.base != "." {
        r.base = crate::redact::REDACTED_BASE.to_string();
    }
    for root in &mut r.roots {
        root.path = red.path(&root.path, false);
        root.container_path = red.path(&root.container_path, false);
    }
    for s in &mut r.stores {
        s.path = red.path(&s.path, is_file(&s.path));
    }
    for h in &mut r.hosts {
        for s in &mut h.sources {
            *s = red.path(s, is_file(s));
        }
        if let Some(ps) = &mut h.paths {
            for p in ps.iter_mut() {
                *p = red.path(p, false);
            }
            ps.sort();
            ps.dedup();
        }
    }
    for i in &mut r.issues {
        i.path = red.path(&i.path, is_file(&i.path));
        i.message = red.text(&i.message);
    }
    for n in &mut r.notes {
        n.path = red.path(&n.path, is_file(&n.path));
        n.message = red.text(&n.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_by_name_and_place() {
        let k = store_kind;
        assert_eq!(
            k("Data/Library/Caches/com.tencent.xinWeChat/Cache.db"),
            Some(StoreKind::UrlCache)
        );
        assert_eq!(k("Data/Documents/Cache.db"), None);
        assert_eq!(
            k("Data/Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite"),
            Some(StoreKind::HttpStorage)
        );
        assert_eq!(
            k("anything/x.binarycookies"),
            Some(StoreKind::BinaryCookies)
        );
        assert_eq!(k("Library/Caches/Cache.db"), Some(StoreKind::UrlCache));
    }

    #[test]
    fn body_names_are_single_components() {
        assert_eq!(body_name("ABC-123\0"), Some("ABC-123"));
        assert_eq!(body_name("../x"), None);
        assert_eq!(body_name(".."), None);
        assert_eq!(body_name(""), None);
    }
}
