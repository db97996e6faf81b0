//! A tiny path-pattern language for the classification rules.
//!
//! Patterns are `/`-separated segments matched against path segments,
//! ASCII case-insensitively (APFS, WeChat's home, is case-insensitive):
//!
//! - `**` matches zero or more whole segments;
//! - `*` inside a segment matches any run of characters within it;
//! - `{a,b,c}` matches any one of the listed alternatives (each may use `*`);
//! - `<md5>` matches 32 hex digits (WeChat's account and chat folder names);
//! - `<month>` matches `YYYY-MM`;
//! - anything else matches literally.

/// One compiled pattern segment.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    AnyDepth,
    Md5,
    Month,
    /// Alternatives; each is a glob that may contain `*`.
    Globs(Vec<String>),
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    segs: Vec<Seg>,
}

impl Pattern {
    /// Compile a pattern written in the syntax described in the module docs.
    pub fn new(src: &str) -> Pattern {
        let segs = src
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "**" => Seg::AnyDepth,
                "<md5>" => Seg::Md5,
                "<month>" => Seg::Month,
                _ => Seg::Globs(expand_alternatives(s)),
            })
            .collect();
        Pattern { segs }
    }

    /// Whether the pattern matches the whole of `path` (already split into segments).
    pub fn matches(&self, path: &[&str]) -> bool {
        // Classic wildcard matching with one backtracking point, at segment level:
        // `**` plays the role of `*`, everything else must match one segment.
        let (mut p, mut s) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        while s < path.len() {
            if p < self.segs.len() {
                if self.segs[p] == Seg::AnyDepth {
                    star = Some((p, s));
                    p += 1;
                    continue;
                }
                if seg_matches(&self.segs[p], path[s]) {
                    p += 1;
                    s += 1;
                    continue;
                }
            }
            match star {
                Some((sp, ss)) => {
                    p = sp + 1;
                    s = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            }
        }
        self.segs[p..].iter().all(|seg| *seg == Seg::AnyDepth)
    }
}

fn expand_alternatives(seg: &str) -> Vec<String> {
    match (seg.find('{'), seg.find('}')) {
        (Some(open), Some(close)) if open < close => {
            let (head, rest) = seg.split_at(open);
            let inner = &rest[1..close - open];
            let tail = &rest[close - open + 1..];
            inner
                .split(',')
                .flat_map(|alt| expand_alternatives(&format!("{head}{alt}{tail}")))
                .collect()
        }
        _ => vec![seg.to_string()],
    }
}

fn seg_matches(seg: &Seg, name: &str) -> bool {
    match seg {
        Seg::AnyDepth => true,
        Seg::Md5 => is_md5(name),
        Seg::Month => is_month(name),
        Seg::Globs(globs) => globs
            .iter()
            .any(|g| glob_matches(g.as_bytes(), name.as_bytes())),
    }
}

/// `*`-only glob over bytes, ASCII case-insensitive.
fn glob_matches(pat: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pat.len() && pat[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pat.len() && pat[p].eq_ignore_ascii_case(&text[t]) {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&c| c == b'*')
}

/// 32 hex digits: an md5 as WeChat writes account and chat folder names.
pub fn is_md5(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `YYYY-MM`, as in 4.x month folders.
pub fn is_month(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..].iter().all(u8::is_ascii_digit)
        && matches!(
            &name[5..],
            "01" | "02" | "03" | "04" | "05" | "06" | "07" | "08" | "09" | "10" | "11" | "12"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, path: &str) -> bool {
        let segs: Vec<&str> = path.split('/').collect();
        Pattern::new(p).matches(&segs)
    }

    #[test]
    fn literal_and_any_depth() {
        assert!(m("a/**", "a/b/c"));
        assert!(m("a/**", "a"));
        assert!(m("**/*.xlog", "x/y/z.XLOG"));
        assert!(!m("a/b", "a/b/c"));
        assert!(m("a/**/c", "a/c"));
        assert!(m("a/**/c/**", "a/x/y/c/d"));
        assert!(!m("a/**/c", "a/x/y/d"));
    }

    #[test]
    fn tokens_and_alternatives() {
        assert!(m(
            "<md5>/Message/**",
            "9e20f478899dc29eb19741386f9343c8/Message/msg_0.db"
        ));
        assert!(!m("<md5>/Message/**", "9e20f478/Message/msg_0.db"));
        assert!(m(
            "msg/attach/*/<month>/Img/**",
            "msg/attach/c/2024-05/Img/a.dat"
        ));
        assert!(!m(
            "msg/attach/*/<month>/Img/**",
            "msg/attach/c/2024-13/Img/a.dat"
        ));
        assert!(m("{Contact,IContact}/**", "icontact/x.db"));
        assert!(m("media_*.{db,kvdb}", "media_12.db"));
        assert!(!m("media_*.db", "message_1.db"));
    }
}
