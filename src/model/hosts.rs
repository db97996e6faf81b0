//! The `hosts` report: the network footprint WeChat left on disk, per host and per
//! registrable domain, and the pure fold that builds it from the rows its readers found
//! in each store ([`crate::readers::urlcache`], [`crate::readers::httpstorage`],
//! [`crate::readers::binarycookies`]).
//!
//! Privacy: the rows never carry a cookie value (the readers skip them), URL query
//! strings and fragments are cut off before a URL is kept ([`domain::split_url`]), and
//! URL paths are only kept with `--paths`.

use super::domain;
use super::{Issue, Tool};
use crate::escape::escape_bytes;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Version of the `hosts --format json` layout (`docs/hosts-schema.json`).
pub const HOSTS_SCHEMA_VERSION: u32 = 1;
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

/// One cached response of a URL cache, as its reader found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheRow {
    /// `request_key`.
    pub url: Option<String>,
    /// `time_stamp`, RFC 3339.
    pub time: Option<String>,
    /// The body's file name in `fsCachedData/` when it is stored there.
    pub on_fs: Option<String>,
    /// Bytes of a body stored inline.
    pub inline_len: u64,
}

/// The responses of one URL cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlCacheRows {
    pub rows: Vec<CacheRow>,
    /// `cfurl_cache_receiver_data` was usable (body sizes known).
    pub receiver: bool,
}

/// The (host or URL, cookie name) pairs of one HTTP storage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpStorageRows {
    pub found: Vec<(String, Option<String>)>,
    /// Tables that had a host column.
    pub used: usize,
    /// Every table's name.
    pub tables: Vec<String>,
}

/// One cookie of a binary cookie file (never its value).
#[derive(Debug, Clone, Copy)]
pub struct CookieRow<'a> {
    pub domain: &'a str,
    pub name: &'a str,
    /// Creation time, RFC 3339.
    pub created: Option<&'a str>,
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

/// The fold: stores are added one by one, then [`HostsBuilder::finish`] sorts and
/// totals them into the report.
#[derive(Default)]
pub struct HostsBuilder {
    hosts: BTreeMap<String, HostAcc>,
    stores: Vec<Store>,
    notes: Vec<Note>,
    issues: Vec<Issue>,
    keep_paths: bool,
}

impl HostsBuilder {
    /// An empty report; `keep_paths` keeps URL paths (`--paths`).
    pub fn new(keep_paths: bool) -> Self {
        HostsBuilder {
            keep_paths,
            ..HostsBuilder::default()
        }
    }

    fn host(&mut self, host: &str, source: &str) -> &mut HostAcc {
        let h = self.hosts.entry(host.to_string()).or_default();
        h.sources.insert(source.to_string());
        h
    }

    /// A problem with one store.
    pub fn issue(&mut self, path: &str, kind: &str, message: String) {
        self.issues.push(Issue {
            path: path.to_string(),
            kind: kind.to_string(),
            message,
        });
    }

    /// A remark about one store.
    pub fn note(&mut self, path: &str, message: String) {
        self.notes.push(Note {
            path: path.to_string(),
            message,
        });
    }

    /// The responses of the URL cache `rel`; `body_len` sizes a body stored in
    /// `fsCachedData/` from its file name (`None`: missing).
    pub fn url_cache(
        &mut self,
        rel: &str,
        cache: UrlCacheRows,
        body_len: impl Fn(&str) -> Option<u64>,
    ) {
        let UrlCacheRows { rows, receiver } = cache;
        if !receiver {
            self.note(
                rel,
                "no usable cfurl_cache_receiver_data table: body sizes unknown".into(),
            );
        }
        let (mut responses, mut missing, mut no_host) = (0u64, 0u64, 0u64);
        let mut hosts = BTreeSet::new();
        for row in rows {
            let Some((host, path)) = row.url.as_deref().and_then(domain::split_url) else {
                no_host += 1;
                continue;
            };
            let disk = match &row.on_fs {
                Some(raw) => match body_len(raw) {
                    Some(len) => len,
                    None => {
                        missing += 1;
                        0
                    }
                },
                None => 0,
            };
            responses += 1;
            hosts.insert(host.clone());
            let keep = self.keep_paths;
            let h = self.host(&host, rel);
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
            self.note(
                rel,
                format!(
                    "{missing} body file(s) named in the cache are missing from fsCachedData (not counted)"
                ),
            );
        }
        if no_host > 0 {
            self.note(
                rel,
                format!("{no_host} cached response(s) without a host URL (not counted)"),
            );
        }
        self.stores.push(Store {
            path: rel.to_string(),
            kind: StoreKind::UrlCache.id().into(),
            responses,
            cookies: 0,
            hosts: hosts.len() as u64,
        });
    }

    /// The cookie names of the HTTP storage `rel`.
    pub fn http_storage(&mut self, rel: &str, storage: HttpStorageRows) {
        let HttpStorageRows {
            found,
            used,
            tables,
        } = storage;
        if used == 0 {
            self.note(
                rel,
                format!(
                    "unrecognised schema: no table has a domain or host column (tables: {})",
                    if tables.is_empty() {
                        "none".to_string()
                    } else {
                        tables.join(", ")
                    }
                ),
            );
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
            let h = self.host(&host, rel);
            if let Some(n) = name {
                cookies += 1;
                h.cookies.insert(escape_bytes(n.as_bytes()).0);
            }
        }
        self.stores.push(Store {
            path: rel.to_string(),
            kind: StoreKind::HttpStorage.id().into(),
            responses: 0,
            cookies,
            hosts: hosts.len() as u64,
        });
    }

    /// The cookies of the binary cookie file `rel`, and the parser's problems with it.
    pub fn binary_cookies<'a>(
        &mut self,
        rel: &str,
        cookies: impl IntoIterator<Item = CookieRow<'a>>,
        problems: &[String],
    ) {
        if !problems.is_empty() {
            let shown: Vec<&str> = problems.iter().take(3).map(String::as_str).collect();
            let more = problems.len().saturating_sub(shown.len());
            self.issue(
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
        let mut count = 0;
        for c in cookies {
            let Some(host) = domain::normalise_host(c.domain) else {
                continue;
            };
            count += 1;
            hosts.insert(host.clone());
            let h = self.host(&host, rel);
            h.cookies.insert(escape_bytes(c.name.as_bytes()).0);
            if let Some(t) = c.created {
                h.seen(t);
            }
        }
        self.stores.push(Store {
            path: rel.to_string(),
            kind: StoreKind::BinaryCookies.id().into(),
            responses: 0,
            cookies: count,
            hosts: hosts.len() as u64,
        });
    }

    /// Sort, group by domain and total: the report.
    pub fn finish(self, roots: Vec<HostsRoot>, opts: &HostsOptions) -> HostsReport {
        let mut hosts: Vec<Host> = self
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
        let mut issues = self.issues;
        issues.sort();
        let mut notes = self.notes;
        notes.sort();
        let mut stores = self.stores;
        stores.sort_by(|a, b| a.path.cmp(&b.path));
        HostsReport {
            schema_version: HOSTS_SCHEMA_VERSION,
            tool: Tool {
                name: "wechat-inspect".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            generated_at: opts.generated_at.clone(),
            base: opts.base.clone(),
            roots,
            stores,
            hosts,
            domains,
            notes,
            issues,
        }
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

/// How a store's file name is recognised.
#[derive(Debug, Clone, Copy)]
enum NameIs {
    Exactly(&'static str),
    EndsWith(&'static str),
}

impl NameIs {
    fn matches(self, name: &str) -> bool {
        match self {
            NameIs::Exactly(n) => name == n,
            NameIs::EndsWith(s) => name.len() > s.len() && name.ends_with(s),
        }
    }
}

/// Where the stores live, as container paths (layout doc §1: the container's
/// `Data/Library`; `*` is any one folder name): the folder, the file name, the kind.
/// `hosts` looks nowhere else, and `scan` recognises nothing elsewhere.
const STORE_PLACES: [(&[&str], NameIs, StoreKind); 4] = [
    (
        &["Data", "Library", "Caches", "*"],
        NameIs::Exactly("Cache.db"),
        StoreKind::UrlCache,
    ),
    (
        &["Data", "Library", "HTTPStorages", "*"],
        NameIs::Exactly("httpstorages.sqlite"),
        StoreKind::HttpStorage,
    ),
    (
        &["Data", "Library", "HTTPStorages"],
        NameIs::EndsWith(".binarycookies"),
        StoreKind::BinaryCookies,
    ),
    (
        &["Data", "Library", "Cookies"],
        NameIs::EndsWith(".binarycookies"),
        StoreKind::BinaryCookies,
    ),
];

/// Whether the folder segments `segs` match `pattern` from its start (all of them
/// when `whole`).
fn segs_match<'a>(pattern: &[&str], segs: impl Iterator<Item = &'a str>, whole: bool) -> bool {
    let mut n = 0;
    for seg in segs {
        match pattern.get(n) {
            Some(&p) if p == "*" || p == seg => n += 1,
            _ => return false,
        }
    }
    !whole || n == pattern.len()
}

/// Recognise a store from its container path
/// (`Data/Library/Caches/com.tencent.xinWeChat/Cache.db`).
pub fn store_kind(container_path: &str) -> Option<StoreKind> {
    let (dir, name) = container_path.rsplit_once('/')?;
    STORE_PLACES.iter().find_map(|(folder, name_is, kind)| {
        (name_is.matches(name) && segs_match(folder, dir.split('/'), true)).then_some(*kind)
    })
}

/// Whether a file called `name` can be a store at all: the cheap test a walk runs on
/// every file before [`store_kind`] looks at the place.
pub fn store_name(name: &str) -> bool {
    STORE_PLACES.iter().any(|(_, n, _)| n.matches(name))
}

/// Whether the folder at `container_path` is, or leads to, a place where stores live
/// (a search for stores enters no other folder).
pub fn may_hold_stores(container_path: &str) -> bool {
    STORE_PLACES.iter().any(|(folder, _, _)| {
        segs_match(
            folder,
            container_path.split('/').filter(|s| !s.is_empty()),
            false,
        )
    })
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
            k("Data/Library/Cookies/Cookies.binarycookies"),
            Some(StoreKind::BinaryCookies)
        );
        assert_eq!(
            k("Data/Library/HTTPStorages/com.tencent.xinWeChat.binarycookies"),
            Some(StoreKind::BinaryCookies)
        );
        // Only where the layout puts them.
        assert_eq!(k("anything/x.binarycookies"), None);
        assert_eq!(k("Data/Library/Cookies/.binarycookies"), None);
        assert_eq!(k("Data/Library/Caches/Cache.db"), None);
        assert_eq!(k("Data/Library/Caches/a/b/Cache.db"), None);
        assert_eq!(k("Cache.db"), None);
    }

    #[test]
    fn a_search_enters_only_folders_on_the_way_to_a_store() {
        for yes in [
            "",
            "Data",
            "Data/Library",
            "Data/Library/Caches",
            "Data/Library/Caches/com.tencent.xinWeChat",
            "Data/Library/HTTPStorages/com.tencent.xinWeChat",
            "Data/Library/Cookies",
        ] {
            assert!(may_hold_stores(yes), "{yes}");
        }
        for no in [
            "Data/Documents",
            "Data/Library/Application Support/com.tencent.xinWeChat",
            "Data/Library/Caches/com.tencent.xinWeChat/fsCachedData",
            "Data/Library/Cookies/deeper",
            "Data/.wxapplet",
        ] {
            assert!(!may_hold_stores(no), "{no}");
        }
    }

    proptest::proptest! {
        /// Every store is found by a search: its folder and each one above it are
        /// entered, and its name passes the cheap test.
        #[test]
        fn every_store_is_on_a_searched_path(
            segs in proptest::collection::vec(
                "(Data|Library|Caches|HTTPStorages|Cookies|x|com.tencent.xinWeChat)", 0..6),
            name in "(Cache.db|httpstorages.sqlite|a.binarycookies|Cache.db-wal|x)",
        ) {
            let path = segs.iter().map(String::as_str).chain([name.as_str()]).collect::<Vec<_>>().join("/");
            if store_kind(&path).is_some() {
                proptest::prop_assert!(store_name(&name));
                for n in 0..=segs.len() {
                    proptest::prop_assert!(may_hold_stores(&segs[..n].join("/")), "{}", path);
                }
            }
        }
    }
}
