//! Apple's binary cookie store (`*.binarycookies`), parsed defensively from the
//! published format (Lessica/CookiesTool README and `BinaryCookies.swift`; the
//! same layout is described by many forensic tools):
//!
//! ```text
//! file    "cook"  u32 BE page count  u32 BE page size × count  pages…
//!         u32 BE checksum  8-byte footer  optional binary plist      (ignored)
//! page    00 00 01 00  u32 LE cookie count  u32 LE offset × count  00 00 00 00
//!         cookie records (offsets are from the start of the page)
//! cookie  u32 LE size, u32 version, u32 flags (1 secure, 4 httpOnly), u32 has-port,
//!         u32 LE offsets (from the record start) of url/domain, name, path, value,
//!         8 bytes (comment offsets, "end marker"), f64 LE expiry, f64 LE creation
//!         (both seconds since 2001-01-01 UTC), then NUL-terminated strings
//! ```
//!
//! Every read is bounds-checked, counts are capped by the bytes that could hold
//! them, and nothing panics: a problem becomes a message in [`Parsed::problems`]
//! and parsing goes on with the next page or cookie. **The cookie value is never
//! read**: its offset is skipped, and no byte of it is kept.

use chrono::{DateTime, SecondsFormat, Utc};

/// Largest binary cookie file read (bigger ones are an issue, not a read).
pub const MAX_COOKIE_FILE: usize = 16 * 1024 * 1024;
/// Seconds from the Unix epoch to 2001-01-01T00:00:00Z (Mac absolute time 0).
pub const MAC_EPOCH_OFFSET: i64 = 978_307_200;
/// Longest domain, name or path kept (longer ones are cut, marked with `…`).
pub const MAX_STRING: usize = 1024;
/// Size of a cookie record's fixed header.
pub const COOKIE_HEADER_LEN: usize = 56;
const PAGE_MAGIC: [u8; 4] = [0x00, 0x00, 0x01, 0x00];

/// One cookie, without its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Cookie {
    /// The url/domain field as stored (often with a leading `.`).
    pub domain: String,
    pub name: String,
    pub path: String,
    pub flags: u32,
    /// RFC 3339 (UTC), if the stored time is a finite, representable instant.
    pub expires: Option<String>,
    pub created: Option<String>,
}

/// What [`parse`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    pub cookies: Vec<Cookie>,
    /// Pages that were declared.
    pub pages: u32,
    /// Why some (or all) of the file could not be read.
    pub problems: Vec<String>,
}

fn u32_be(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn u32_le(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn f64_le(b: &[u8], at: usize) -> Option<f64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(f64::from_le_bytes(a))
}

/// Mac absolute time (seconds since 2001-01-01 UTC) → RFC 3339, whole seconds.
pub fn mac_time(secs: f64) -> Option<String> {
    if !secs.is_finite() || secs.abs() > 1e12 {
        return None;
    }
    let unix = (secs.floor() as i64).checked_add(MAC_EPOCH_OFFSET)?;
    let t: DateTime<Utc> = DateTime::from_timestamp(unix, 0)?;
    Some(t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// The NUL-terminated string at `rec[off..]`, lossily decoded and capped.
fn c_string(rec: &[u8], off: u32) -> Result<String, &'static str> {
    let start = usize::try_from(off).map_err(|_| "offset out of range")?;
    if start < COOKIE_HEADER_LEN {
        return Err("string offset inside the record header");
    }
    let tail = rec
        .get(start..)
        .ok_or("string offset past the record end")?;
    let len = tail
        .iter()
        .position(|&b| b == 0)
        .ok_or("string not NUL-terminated within the record")?;
    let bytes = &tail[..len.min(MAX_STRING)];
    let mut s = String::from_utf8_lossy(bytes).into_owned();
    if len > MAX_STRING {
        s.push('…');
    }
    Ok(s)
}

/// One cookie record (`rec` is exactly its declared size).
fn cookie(rec: &[u8]) -> Result<Cookie, &'static str> {
    if rec.len() < COOKIE_HEADER_LEN {
        return Err("cookie record shorter than its header");
    }
    let field = |i: usize| u32_le(rec, i * 4).ok_or("truncated cookie header");
    let flags = field(2)?;
    // The value is only located (so no other field may overlap it), never kept.
    let value = usize::try_from(field(7)?).unwrap_or(usize::MAX);
    let value_end = rec
        .get(value..)
        .and_then(|t| t.iter().position(|&b| b == 0))
        .map_or(rec.len(), |n| value + n);
    let text = |off: u32| -> Result<String, &'static str> {
        let s = c_string(rec, off)?;
        let start = usize::try_from(off).unwrap_or(usize::MAX);
        if start <= value_end && value <= start.saturating_add(s.len()) && value < rec.len() {
            return Err("a field overlaps the cookie value");
        }
        Ok(s)
    };
    let domain = text(field(4)?)?;
    let name = text(field(5)?)?;
    let path = text(field(6)?)?;
    let expires = f64_le(rec, 40).and_then(mac_time);
    let created = f64_le(rec, 48).and_then(mac_time);
    Ok(Cookie {
        domain,
        name,
        path,
        flags,
        expires,
        created,
    })
}

/// One page; appends cookies and problems.
fn page(p: &[u8], index: usize, out: &mut Parsed) {
    let mut problem = |what: String| out.problems.push(format!("page {index}: {what}"));
    if p.get(..4) != Some(&PAGE_MAGIC[..]) {
        problem("does not start with 00 00 01 00".into());
        return;
    }
    let Some(count) = u32_le(p, 4) else {
        problem("truncated before the cookie count".into());
        return;
    };
    // Each cookie needs at least a 4-byte offset; never trust the count beyond that.
    let room = p.len().saturating_sub(8) / 4;
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    if count > room {
        problem(format!(
            "declares {count} cookies but has room for at most {room} offsets"
        ));
    }
    let count = count.min(room);
    let mut cookies = Vec::new();
    let mut problems = Vec::new();
    for i in 0..count {
        let Some(off) = u32_le(p, 8 + 4 * i) else {
            break;
        };
        let start = usize::try_from(off).unwrap_or(usize::MAX);
        let Some(size) = u32_le(p, start) else {
            problems.push(format!("cookie {i}: offset {off} past the page end"));
            continue;
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let Some(rec) = start.checked_add(size).and_then(|end| p.get(start..end)) else {
            problems.push(format!(
                "cookie {i}: record of {size} bytes runs past the page end"
            ));
            continue;
        };
        match cookie(rec) {
            Ok(c) => cookies.push(c),
            Err(e) => problems.push(format!("cookie {i}: {e}")),
        }
    }
    let footer_at = 8 + 4 * count;
    if u32_le(p, footer_at) != Some(0) {
        problems.push("missing the 00 00 00 00 page footer".into());
    }
    for pr in problems {
        problem(pr);
    }
    out.cookies.extend(cookies);
}

/// Parse a whole `*.binarycookies` file (see the module docs). Never panics.
pub fn parse(b: &[u8]) -> Parsed {
    let mut out = Parsed::default();
    if b.get(..4) != Some(&b"cook"[..]) {
        out.problems
            .push("not a binary cookie file (no \"cook\" magic)".into());
        return out;
    }
    let Some(pages) = u32_be(b, 4) else {
        out.problems.push("truncated before the page count".into());
        return out;
    };
    out.pages = pages;
    let room = b.len().saturating_sub(8) / 4;
    let n = usize::try_from(pages).unwrap_or(usize::MAX);
    if n > room {
        out.problems.push(format!(
            "declares {n} pages but has room for at most {room} page sizes"
        ));
    }
    let n = n.min(room);
    let mut at = 8 + 4 * n;
    for i in 0..n {
        let Some(size) = u32_be(b, 8 + 4 * i) else {
            break;
        };
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let Some(p) = at.checked_add(size).and_then(|end| b.get(at..end)) else {
            out.problems.push(format!(
                "page {i}: {size} bytes declared, only {} left (truncated file)",
                b.len().saturating_sub(at)
            ));
            break;
        };
        page(p, i, &mut out);
        at += size;
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One cookie record, byte by byte from the published format.
    fn record(domain: &str, name: &str, path: &str, value: &str, flags: u32) -> Vec<u8> {
        let url_off = COOKIE_HEADER_LEN as u32;
        let name_off = url_off + domain.len() as u32 + 1;
        let path_off = name_off + name.len() as u32 + 1;
        let value_off = path_off + path.len() as u32 + 1;
        let size = value_off + value.len() as u32 + 1;
        let mut v = Vec::new();
        for x in [size, 0, flags, 0, url_off, name_off, path_off, value_off] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&[0u8; 8]); // end marker
        v.extend_from_slice(&757_382_400f64.to_le_bytes()); // 2025-01-01
        v.extend_from_slice(&725_760_000f64.to_le_bytes()); // 2024-01-01
        for s in [domain, name, path, value] {
            v.extend_from_slice(s.as_bytes());
            v.push(0);
        }
        v
    }

    fn page_bytes(records: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0, 0, 1, 0];
        v.extend_from_slice(&(records.len() as u32).to_le_bytes());
        let mut off = 12 + 4 * records.len() as u32;
        for r in records {
            v.extend_from_slice(&off.to_le_bytes());
            off += r.len() as u32;
        }
        v.extend_from_slice(&[0, 0, 0, 0]);
        for r in records {
            v.extend_from_slice(r);
        }
        v
    }

    pub(crate) fn file(pages: &[Vec<u8>]) -> Vec<u8> {
        let mut v = b"cook".to_vec();
        v.extend_from_slice(&(pages.len() as u32).to_be_bytes());
        for p in pages {
            v.extend_from_slice(&(p.len() as u32).to_be_bytes());
        }
        for p in pages {
            v.extend_from_slice(p);
        }
        v.extend_from_slice(&0u32.to_be_bytes()); // checksum (ignored)
        v.extend_from_slice(&[0x07, 0x17, 0x20, 0x05, 0, 0, 0, 0x4B]);
        v
    }

    fn sample() -> Vec<u8> {
        file(&[
            page_bytes(&[
                record(".weixin.qq.com", "wxuin", "/", "SYNTHETIC_SECRET_A", 1),
                record("res.wx.qq.com", "sid", "/a/", "SYNTHETIC_SECRET_B", 5),
            ]),
            page_bytes(&[record(".qq.com", "pgv_pvid", "/", "SYNTHETIC_SECRET_C", 0)]),
        ])
    }

    #[test]
    fn parses_a_file_built_from_the_published_format() {
        let p = parse(&sample());
        assert!(p.problems.is_empty(), "{:?}", p.problems);
        assert_eq!(p.pages, 2);
        let got: Vec<_> = p
            .cookies
            .iter()
            .map(|c| (c.domain.as_str(), c.name.as_str(), c.path.as_str(), c.flags))
            .collect();
        assert_eq!(
            got,
            [
                (".weixin.qq.com", "wxuin", "/", 1),
                ("res.wx.qq.com", "sid", "/a/", 5),
                (".qq.com", "pgv_pvid", "/", 0)
            ]
        );
        assert_eq!(
            p.cookies[0].created.as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        assert_eq!(
            p.cookies[0].expires.as_deref(),
            Some("2025-01-01T00:00:00Z")
        );
        assert!(!format!("{p:?}").contains("SYNTHETIC_SECRET"));
    }

    #[test]
    fn truncation_and_garbage_are_problems_not_panics() {
        let full = sample();
        for cut in 0..full.len() - 12 {
            let p = parse(&full[..cut]);
            assert!(!p.problems.is_empty(), "cut at {cut} went unnoticed");
        }
        assert!(!parse(b"garbage garbage").problems.is_empty());
        // A huge declared page count on a tiny file is capped, not allocated.
        let mut v = b"cook".to_vec();
        v.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(!parse(&v).problems.is_empty());
    }

    #[test]
    fn a_string_without_nul_is_rejected() {
        let mut rec = record("a.com", "n", "/", "v", 0);
        let last = rec.len() - 1;
        rec[last] = b'x';
        // value lacks its NUL but the value is never read: still fine.
        assert!(cookie(&rec).is_ok());
        let mut rec = record("a.com", "n", "/", "", 0);
        rec.truncate(COOKIE_HEADER_LEN + 3);
        assert!(cookie(&rec).is_err());
    }

    #[test]
    fn mac_times() {
        assert_eq!(mac_time(0.0).as_deref(), Some("2001-01-01T00:00:00Z"));
        assert_eq!(mac_time(f64::NAN), None);
        assert_eq!(mac_time(f64::INFINITY), None);
        assert_eq!(mac_time(1e300), None);
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse(&b);
            let mut with_magic = b"cook".to_vec();
            with_magic.extend_from_slice(&b);
            let _ = parse(&with_magic);
        }

        #[test]
        fn mutated_files_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut b = sample();
            for (i, x) in edits {
                let at = i.index(b.len());
                b[at] = x;
            }
            let end = cut.index(b.len() + 1);
            let p = parse(&b[..end]);
            prop_assert!(p.cookies.len() <= end / 4 + 1);
        }
    }
}
