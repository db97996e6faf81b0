//! Host names: pulling the host (and path) out of a URL without ever keeping the
//! query or fragment, grouping hosts by registrable domain with a short built-in
//! public-suffix list, and the one data-driven table of well-known WeChat hosts'
//! roles ([`ROLES`], documented in `docs/hosts.md`).

/// The public suffixes we know. Not the full Public Suffix List: enough for the
/// hosts WeChat talks to (Chinese and international generic suffixes). A host
/// under a suffix not listed here falls back to its last two labels.
pub const PUBLIC_SUFFIXES: &[&str] = &[
    "com", "cn", "net", "org", "info", "io", "co", "me", "tv", "cc", "top", "xyz", "hk", "tw",
    "jp", "uk", "de", "fr", "sg", "us", // generic and country top-level domains
    "com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn", // China second-level
    "com.hk", "org.hk", "net.hk", "com.tw", "org.tw",
    "com.sg", // Hong Kong, Taiwan, Singapore
    "co.uk", "org.uk", "ac.uk", "co.jp", "ne.jp", "com.au", "net.au", "org.au",
];

/// How sure we are of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Documented or observed in a cited source.
    #[expect(
        dead_code,
        reason = "no host's role is verified yet; the table and docs/hosts.md keep the column"
    )]
    Verified,
    /// Inferred from the host name (and where WeChat uses it), not confirmed.
    Inferred,
}

impl Evidence {
    pub fn tag(self) -> &'static str {
        match self {
            Evidence::Verified => "V",
            Evidence::Inferred => "I",
        }
    }
}

/// One row of the role table. `pattern` is an exact host, or `*.suffix` for any
/// host below `suffix` (not `suffix` itself). Exact rows win over patterns; among
/// patterns the longest suffix wins.
#[derive(Debug, Clone, Copy)]
pub struct RoleRule {
    pub pattern: &'static str,
    pub role: &'static str,
    pub evidence: Evidence,
}

const fn i(pattern: &'static str, role: &'static str) -> RoleRule {
    RoleRule {
        pattern,
        role,
        evidence: Evidence::Inferred,
    }
}

/// Well-known WeChat hosts and what they serve. Every row is \[I\]: inferred from the
/// host name and the content WeChat caches from it, not from Tencent documentation.
pub const ROLES: &[RoleRule] = &[
    i("mmbiz.qpic.cn", "official-account images"),
    i("mmbiz.qlogo.cn", "official-account images"),
    i("mmsns.qpic.cn", "Moments media"),
    i("shmmsns.qpic.cn", "Moments media"),
    i("*.qpic.cn", "image CDN"),
    i("wx.qlogo.cn", "avatars"),
    i("*.qlogo.cn", "avatars"),
    i("res.wx.qq.com", "static resources"),
    i("mp.weixin.qq.com", "official-account articles"),
    i("szshort.weixin.qq.com", "short-link protocol"),
    i("szextshort.weixin.qq.com", "short-link protocol"),
    i("short.weixin.qq.com", "short-link protocol"),
    i("extshort.weixin.qq.com", "short-link protocol"),
    i("hkshort.weixin.qq.com", "short-link protocol"),
    i("szlong.weixin.qq.com", "long-link protocol"),
    i("long.weixin.qq.com", "long-link protocol"),
    i("hklong.weixin.qq.com", "long-link protocol"),
    i("*.weixin.qq.com", "WeChat service"),
    i("dldir1.qq.com", "downloads and updates"),
    i("dldir1v6.qq.com", "downloads and updates"),
    i("vweixinf.tc.qq.com", "video"),
    i("wxapp.tc.qq.com", "mini-program packages"),
    i("wxsnsdy.tc.qq.com", "Moments video"),
    i("*.wechat.com", "WeChat service (international)"),
];

/// The role of `host`, from [`ROLES`].
pub fn role(host: &str) -> Option<&'static RoleRule> {
    if let Some(r) = ROLES.iter().find(|r| r.pattern == host) {
        return Some(r);
    }
    ROLES
        .iter()
        .filter_map(|r| {
            let suffix = r.pattern.strip_prefix("*.")?;
            let below = host.strip_suffix(suffix)?.ends_with('.');
            below.then_some((suffix.len(), r))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, r)| r)
}

fn is_ip(host: &str) -> bool {
    host.contains(':')
        || (!host.is_empty() && host.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// The registrable domain of `host`: one label more than its longest known public
/// suffix (`mmbiz.qpic.cn` → `qpic.cn`, `a.b.com.cn` → `b.com.cn`). IP addresses,
/// single labels and bare suffixes are their own domain.
pub fn registrable_domain(host: &str) -> String {
    if is_ip(host) {
        return host.to_string();
    }
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let mut suffix_labels = 1;
    for k in (1..n).rev() {
        let cand = labels[n - k..].join(".");
        if PUBLIC_SUFFIXES.contains(&cand.as_str()) {
            suffix_labels = k;
            break;
        }
    }
    if n <= suffix_labels {
        return host.to_string();
    }
    labels[n - suffix_labels - 1..].join(".")
}

/// Normalise a host: lower-case, no leading or trailing dot, no port, and only
/// characters a host name or IP literal can have. `None` when nothing is left.
pub fn normalise_host(raw: &str) -> Option<String> {
    let mut h = raw.trim().trim_start_matches('.').trim_end_matches('.');
    if let Some(rest) = h.strip_prefix('[') {
        h = rest.split(']').next().unwrap_or("");
    } else if let Some((name, port)) = h.rsplit_once(':') {
        if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) {
            h = name;
        }
    }
    let h = h.to_ascii_lowercase();
    let ok = !h.is_empty()
        && h.len() <= 253
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._:".contains(&b));
    ok.then_some(h)
}

/// Host and path of an absolute URL (`scheme://[userinfo@]host[:port]/path?query#frag`),
/// parsed as RFC 3986 says: the authority ends at the first `/`, `?` or `#`, and
/// user-info ends at the last `@` inside it. The query, fragment and user-info are
/// dropped here and never returned. A URL is refused (`None`) when its host or port
/// is not well formed, when an `@` follows the authority in the path, or when an
/// authority with a `:` or an `@` is followed by another `@` anywhere: that is what
/// user-info holding an unencoded `/`, `?` or `#` looks like
/// (`https://user:pa/ss@host/`, `https://user:12?ss@host/`), and then no part of it
/// may be taken for a host or a path. (User-info without a `:` followed by `?` or `#`,
/// `https://name?x@host/`, reads as the host `name` by RFC 3986 and WHATWG alike.)
pub fn split_url(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    if !scheme_ok {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = url_host(host_port)?;
    let after = &rest[end..];
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    let path = &after[..path_end];
    // `user:pa/ss@host` (the '@' in the path), `user:12?ss@host` (a port-like
    // password) or `user:@x?ss@host` (an '@' in the password): what looks like a
    // host or a path is user-info.
    if path.contains('@') || (authority.contains([':', '@']) && after.contains('@')) {
        return None;
    }
    let path = if path.is_empty() { "/" } else { path };
    Some((host, path.to_string()))
}

/// The host of a URL's `host[:port]`: an IP literal in brackets, or a name or IPv4
/// address of letters, digits, `-`, `.` and `_`; the port, if any, only digits.
fn url_host(host_port: &str) -> Option<String> {
    let (host, port) = if let Some(rest) = host_port.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let ok = !inside.is_empty()
            && inside
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !ok {
            return None;
        }
        (inside, after.strip_prefix(':').map_or(after, |p| p))
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, p),
            None => (host_port, ""),
        }
    };
    if !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
        return None;
    }
    if !host_port.starts_with('[')
        && !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        return None;
    }
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    (!h.is_empty() && h.len() <= 253 && !h.starts_with('.')).then_some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        for (h, d) in [
            ("mmbiz.qpic.cn", "qpic.cn"),
            ("wx.qlogo.cn", "qlogo.cn"),
            ("res.wx.qq.com", "qq.com"),
            ("szextshort.weixin.qq.com", "qq.com"),
            ("a.b.example.com.cn", "example.com.cn"),
            ("www.bbc.co.uk", "bbc.co.uk"),
            ("qq.com", "qq.com"),
            ("com", "com"),
            ("localhost", "localhost"),
            ("10.0.0.1", "10.0.0.1"),
            ("x.y.unknowntld", "y.unknowntld"),
        ] {
            assert_eq!(registrable_domain(h), d, "{h}");
        }
    }

    #[test]
    fn roles() {
        let r = |h: &str| role(h).map(|r| r.role);
        assert_eq!(r("mmbiz.qpic.cn"), Some("official-account images"));
        assert_eq!(r("mmsns.qpic.cn"), Some("Moments media"));
        assert_eq!(r("puui.qpic.cn"), Some("image CDN"));
        assert_eq!(r("wx.qlogo.cn"), Some("avatars"));
        assert_eq!(r("thirdwx.qlogo.cn"), Some("avatars"));
        assert_eq!(r("qlogo.cn"), None);
        assert_eq!(r("szextshort.weixin.qq.com"), Some("short-link protocol"));
        assert_eq!(r("szlong.weixin.qq.com"), Some("long-link protocol"));
        assert_eq!(r("foo.weixin.qq.com"), Some("WeChat service"));
        assert_eq!(r("dldir1.qq.com"), Some("downloads and updates"));
        assert_eq!(r("example.com"), None);
        assert_eq!(r("evilweixin.qq.com"), None);
    }

    #[test]
    fn urls_lose_query_fragment_and_userinfo() {
        assert_eq!(
            split_url("https://user:pw@MMBIZ.qpic.cn:443/a/b?token=SECRET#frag"),
            Some(("mmbiz.qpic.cn".into(), "/a/b".into()))
        );
        assert_eq!(
            split_url("https://x.cn?q=1"),
            Some(("x.cn".into(), "/".into()))
        );
        assert_eq!(split_url("data:text/plain,hi"), None);
        assert_eq!(split_url("https:///nohost"), None);
        assert_eq!(
            split_url("http://[::1]:8080/p"),
            Some(("::1".into(), "/p".into()))
        );
        assert_eq!(
            normalise_host(".weixin.qq.com"),
            Some("weixin.qq.com".into())
        );
        assert_eq!(normalise_host("bad host"), None);
    }

    /// User-info never becomes a host or a path, whatever characters it holds
    /// (issue 12, defect 6), and well-formed URLs still parse (RFC 3986).
    #[test]
    fn user_info_is_never_a_host() {
        let u = |s: &str| split_url(s);
        // Unencoded '/', '?', '#' or '@' in user-info: refused, not misread.
        assert_eq!(u("https://alice:pa/ss@h.cn/p"), None);
        assert_eq!(u("https://alice:pa?ss@h.cn/p"), None);
        assert_eq!(u("https://alice:pa#ss@h.cn/p"), None);
        assert_eq!(u("https://alice:12/ss@h.cn/p"), None);
        assert_eq!(u("https://alice:12?ss@h.cn/p"), None);
        assert_eq!(u("https://alice:#ss@h.cn/p"), None);
        assert_eq!(u("https://alice:@a?ss@h.cn/p"), None);
        assert_eq!(
            u("https://a:b@c:d@h.cn/p"),
            Some(("h.cn".into(), "/p".into()))
        );
        // The last '@' of the authority ends user-info.
        assert_eq!(u("https://a@b@h.cn/p"), Some(("h.cn".into(), "/p".into())));
        assert_eq!(
            u("https://a:b@h.cn:8080"),
            Some(("h.cn".into(), "/".into()))
        );
        assert_eq!(u("https://@h.cn/"), Some(("h.cn".into(), "/".into())));
        assert_eq!(
            u("https://u:p@[::1]:80/x"),
            Some(("::1".into(), "/x".into()))
        );
        // '@' in the query or fragment is fine (and dropped with them).
        assert_eq!(
            u("https://h.cn/p?mail=a@b.cn#x@y"),
            Some(("h.cn".into(), "/p".into()))
        );
        // Malformed hosts and ports, schemes.
        assert_eq!(u("https://h.cn:80x/"), None);
        assert_eq!(u("https://h.cn:123456/"), None);
        assert_eq!(u("https://h%2e.cn/"), None);
        assert_eq!(u("https://[zz]/"), None);
        assert_eq!(u("https://[::1/"), None);
        assert_eq!(u("1http://h.cn/"), None);
        assert_eq!(u("://h.cn/"), None);
        assert_eq!(u("HTTPS://H.CN./A"), Some(("h.cn".into(), "/A".into())));
    }

    proptest::proptest! {
        /// Whatever the user-info holds, none of it is returned.
        #[test]
        fn no_user_info_survives(
            user in "[a-z]{1,4}",
            pass in "[a-z0-9/?#@:%]{0,6}",
            host in "[a-z]{1,6}\\.(cn|com)",
            path in "(/[a-z0-9@]{0,4}){0,3}",
        ) {
            let url = format!("https://{user}Q:{pass}SECRET@{host}{path}");
            if let Some((h, p)) = split_url(&url) {
                proptest::prop_assert!(!h.contains("SECRET") && !p.contains("SECRET"), "{url} -> {h} {p}");
                // (Unless the host itself happens to hold those letters: `aQ:…@aq.cn`.)
                proptest::prop_assert!(
                    host.contains(&format!("{user}q")) || !h.contains(&format!("{user}q")),
                    "{url} -> {h}"
                );
                proptest::prop_assert_eq!(h, host);
            }
        }
    }
}
