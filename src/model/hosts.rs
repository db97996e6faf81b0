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
use crate::escape::{escape_bytes, printable};
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
    /// The host name; for a cookie whose stored domain is not a host name (Safari's
    /// `.^filecookies^`), that domain as stored (escaped), and `not_a_host_name` is set.
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
    /// `host` is a cookie domain as stored that is not a host name (only present when
    /// true); `domain` is then the same text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_a_host_name: bool,
}

/// What `host` holds for a cookie domain that is empty.
pub const EMPTY_COOKIE_DOMAIN: &str = "(empty)";
/// Cookie domains that are not host names and say nothing about the user (kept by
/// `--redact`): Safari's marker for cookies set by local files, an empty domain, a
/// `file://` URL (of which only the scheme is ever kept).
pub const FIXED_NON_HOST_NAMES: [&str; 3] = [".^filecookies^", EMPTY_COOKIE_DOMAIN, "file://"];

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

/// One cached response of a URL cache, as its reader streams it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheRow {
    /// `request_key`.
    pub url: Option<String>,
    /// `time_stamp`, RFC 3339.
    pub time: Option<String>,
    /// Its body, if the body table has a row for it.
    pub body: Option<Body>,
}

/// A cached response's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// Stored inline, this many bytes.
    Inline(u64),
    /// Stored in `fsCachedData/`: its size, `None` when the file is missing.
    OnDisk(Option<u64>),
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
    /// Keyed by a cookie domain that is not a host name.
    not_a_host_name: bool,
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

    /// The accumulator of `host`, with `source` among its sources (no allocation
    /// when both are known already: this runs once per row).
    fn host(&mut self, host: &str, source: &str) -> Option<&mut HostAcc> {
        if !self.hosts.contains_key(host) {
            self.hosts.insert(host.to_string(), HostAcc::default());
        }
        let h = self.hosts.get_mut(host)?;
        if !h.sources.contains(source) {
            h.sources.insert(source.to_string());
        }
        Some(h)
    }

    /// The entry for a cookie's stored domain (or URL): its host, or, when it names no
    /// host, the domain as stored (escaped; of a URL only its `scheme://`, never a path
    /// or query), marked as such. Either way the cookie is kept, so a store's cookie
    /// count is the file's.
    fn cookie_host(&mut self, raw: &str, source: &str) -> Option<(String, &mut HostAcc)> {
        let (key, not_host) = match raw.split_once("://") {
            Some((scheme, _)) => match domain::split_url(raw) {
                Some((h, _)) => (h, false),
                None => (format!("{}://", escape_bytes(scheme.as_bytes()).0), true),
            },
            None => match domain::normalise_host(raw) {
                Some(h) => (h, false),
                None if raw.trim().is_empty() => (EMPTY_COOKIE_DOMAIN.to_string(), true),
                None => (escape_bytes(raw.as_bytes()).0, true),
            },
        };
        let h = self.host(&key, source)?;
        h.not_a_host_name |= not_host;
        Some((key, h))
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

    /// Start folding the URL cache `rel`: give it each response
    /// ([`UrlCacheStore::row`]), then [`UrlCacheStore::finish`] it.
    pub fn url_cache(&mut self, rel: &str) -> UrlCacheStore<'_> {
        UrlCacheStore {
            acc: self,
            rel: rel.to_string(),
            responses: 0,
            missing: 0,
            no_host: 0,
            hosts: BTreeSet::new(),
        }
    }

    /// Start folding the HTTP storage `rel`: give it each (host or URL, cookie
    /// name) pair ([`HttpStorageStore::row`]), then [`HttpStorageStore::finish`] it.
    pub fn http_storage(&mut self, rel: &str) -> HttpStorageStore<'_> {
        HttpStorageStore {
            acc: self,
            rel: rel.to_string(),
            hosts: BTreeSet::new(),
            cookies: BTreeSet::new(),
        }
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
            count += 1;
            let Some((host, h)) = self.cookie_host(c.domain, rel) else {
                continue;
            };
            h.cookies.insert(escape_bytes(c.name.as_bytes()).0);
            if let Some(t) = c.created {
                h.seen(t);
            }
            hosts.insert(host);
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
                let role = (!a.not_a_host_name).then(|| domain::role(&host)).flatten();
                Host {
                    domain: if a.not_a_host_name {
                        host.clone()
                    } else {
                        domain::registrable_domain(&host)
                    },
                    not_a_host_name: a.not_a_host_name,
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

/// One URL cache being folded into a [`HostsBuilder`], a response at a time: the
/// memory it holds grows with the hosts, not with the rows.
pub struct UrlCacheStore<'a> {
    acc: &'a mut HostsBuilder,
    rel: String,
    responses: u64,
    missing: u64,
    no_host: u64,
    hosts: BTreeSet<String>,
}

impl UrlCacheStore<'_> {
    /// One response.
    pub fn row(&mut self, row: CacheRow) {
        let Some((host, path)) = row.url.as_deref().and_then(domain::split_url) else {
            self.no_host += 1;
            return;
        };
        let bytes = match row.body {
            Some(Body::Inline(n)) => n,
            Some(Body::OnDisk(Some(n))) => n,
            Some(Body::OnDisk(None)) => {
                self.missing += 1;
                0
            }
            None => 0,
        };
        self.responses += 1;
        if !self.hosts.contains(&host) {
            self.hosts.insert(host.clone());
        }
        let keep = self.acc.keep_paths;
        let Some(h) = self.acc.host(&host, &self.rel) else {
            return;
        };
        h.responses = h.responses.saturating_add(1);
        h.bytes = h.bytes.saturating_add(bytes);
        if let Some(t) = &row.time {
            h.seen(t);
        }
        if keep {
            h.paths.insert(escape_bytes(path.as_bytes()).0);
        }
    }

    /// All rows were given: the store and its notes.
    pub fn finish(self, receiver: bool, repeated_bodies: u64) {
        let rel = self.rel.clone();
        if !receiver {
            self.acc.note(
                &rel,
                "no usable cfurl_cache_receiver_data table: body sizes unknown".into(),
            );
        }
        if repeated_bodies > 0 {
            self.acc.note(
                &rel,
                format!(
                    "{repeated_bodies} body row(s) repeat the entry_ID of an earlier one (ignored: a response has one body)"
                ),
            );
        }
        self.done();
    }

    /// Reading stopped with an error (reported as an issue by the caller): the
    /// store is listed only if some rows were counted.
    pub fn abandon(self) {
        if self.responses > 0 || self.no_host > 0 {
            self.done();
        }
    }

    fn done(self) {
        let UrlCacheStore {
            acc,
            rel,
            responses,
            missing,
            no_host,
            hosts,
        } = self;
        if missing > 0 {
            acc.note(
                &rel,
                format!(
                    "{missing} body file(s) named in the cache are missing from fsCachedData (not counted)"
                ),
            );
        }
        if no_host > 0 {
            acc.note(
                &rel,
                format!("{no_host} cached response(s) without a usable host URL (not counted)"),
            );
        }
        acc.stores.push(Store {
            path: rel,
            kind: StoreKind::UrlCache.id().into(),
            responses,
            cookies: 0,
            hosts: hosts.len() as u64,
        });
    }
}

/// One HTTP storage being folded into a [`HostsBuilder`], a row at a time. A cookie
/// (host and name) is counted once, however many rows or tables repeat it.
pub struct HttpStorageStore<'a> {
    acc: &'a mut HostsBuilder,
    rel: String,
    hosts: BTreeSet<String>,
    cookies: BTreeSet<(String, String)>,
}

impl HttpStorageStore<'_> {
    /// One row: a host (or URL) and maybe a cookie name.
    pub fn row(&mut self, raw: &str, name: Option<&str>) {
        let Some((host, h)) = self.acc.cookie_host(raw, &self.rel) else {
            return;
        };
        if !self.hosts.contains(&host) {
            self.hosts.insert(host.clone());
        }
        if let Some(n) = name {
            let n = escape_bytes(n.as_bytes()).0;
            if !h.cookies.contains(&n) {
                h.cookies.insert(n.clone());
            }
            self.cookies.insert((host, n));
        }
    }

    /// All rows were given; `used` tables had a host column, out of `tables`.
    pub fn finish(self, used: usize, tables: &[String]) {
        if used == 0 {
            self.acc.note(
                &self.rel,
                format!(
                    "unrecognised schema: no table has a domain or host column (tables: {})",
                    if tables.is_empty() {
                        "none".to_string()
                    } else {
                        printable(&tables.join(", ")).into_owned()
                    }
                ),
            );
        }
        self.done();
    }

    /// Reading stopped with an error: the store is listed only if rows were counted.
    pub fn abandon(self) {
        if !self.hosts.is_empty() {
            self.done();
        }
    }

    fn done(self) {
        self.acc.stores.push(Store {
            path: self.rel,
            kind: StoreKind::HttpStorage.id().into(),
            responses: 0,
            cookies: self.cookies.len() as u64,
            hosts: self.hosts.len() as u64,
        });
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
    fn cookies_without_a_host_name_are_kept_without_paths_or_queries() {
        let mut b = HostsBuilder::new(false);
        let mut st = b.http_storage("h.sqlite");
        for (raw, name) in [
            (".weixin.qq.com", "wxuin"),
            (
                "file:///Users/SYNTHETIC_USER/a.html?t=SYNTHETIC_SECRET",
                "a",
            ),
            (".^filecookies^", "b"),
            ("bad\u{1b}[31mhost", "c"),
        ] {
            st.row(raw, Some(name));
        }
        st.finish(1, &["cookies".to_string()]);
        let r = b.finish(Vec::new(), &HostsOptions::default());
        assert_eq!(r.stores[0].cookies, 4);
        let hosts: Vec<(&str, bool)> = r
            .hosts
            .iter()
            .map(|h| (h.host.as_str(), h.not_a_host_name))
            .collect();
        for want in [
            ("weixin.qq.com", false),
            ("file://", true),
            (".^filecookies^", true),
            ("bad\\x1b[31mhost", true),
        ] {
            assert!(hosts.contains(&want), "{want:?} not in {hosts:?}");
        }
        let text = format!("{r:?}");
        assert!(!text.contains("SYNTHETIC"), "{text}");
        assert!(r
            .hosts
            .iter()
            .filter(|h| h.not_a_host_name)
            .all(|h| h.domain == h.host && h.role.is_none()));
    }

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
