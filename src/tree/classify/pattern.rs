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
    Globs(Vec<Glob>),
}

/// One segment glob, compiled to the cheapest test that decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Glob {
    /// No `*`.
    Literal(String),
    /// `text*` (and `*` alone, as an empty prefix).
    Prefix(String),
    /// `*text`.
    Suffix(String),
    /// Any other use of `*`.
    Wild(String),
}

impl Glob {
    fn new(g: String) -> Glob {
        let stars = g.bytes().filter(|&b| b == b'*').count();
        match stars {
            0 => Glob::Literal(g),
            1 if g.ends_with('*') => Glob::Prefix(g[..g.len() - 1].to_string()),
            1 if g.starts_with('*') => Glob::Suffix(g[1..].to_string()),
            _ => Glob::Wild(g),
        }
    }

    fn matches(&self, name: &str) -> bool {
        let name = name.as_bytes();
        match self {
            Glob::Literal(l) => name.eq_ignore_ascii_case(l.as_bytes()),
            Glob::Prefix(p) => {
                name.len() >= p.len() && name[..p.len()].eq_ignore_ascii_case(p.as_bytes())
            }
            Glob::Suffix(x) => {
                name.len() >= x.len()
                    && name[name.len() - x.len()..].eq_ignore_ascii_case(x.as_bytes())
            }
            Glob::Wild(g) => glob_matches(g.as_bytes(), name),
        }
    }
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    segs: Vec<Seg>,
    /// How many segments follow the last `**`; `None` without a `**` (then the path
    /// must have exactly as many segments as the pattern).
    tail: Option<usize>,
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
                _ => Seg::Globs(expand_alternatives(s).into_iter().map(Glob::new).collect()),
            })
            .collect::<Vec<_>>();
        let tail = segs
            .iter()
            .rposition(|s| *s == Seg::AnyDepth)
            .map(|last| segs.len() - last - 1);
        Pattern { segs, tail }
    }

    /// Whether the pattern matches the whole of `path` (already split into segments).
    pub fn matches(&self, path: &[&str]) -> bool {
        self.run(path, None)
    }

    /// Whether some file name in place of `path`'s last segment could make the
    /// pattern match (that segment is treated as matching any single segment).
    pub fn could_match_with_any_last(&self, path: &[&str]) -> bool {
        self.run(path, path.len().checked_sub(1))
    }

    /// Whether the last segment is `**` (so a match of a folder is a match of
    /// everything inside it).
    pub fn ends_in_any_depth(&self) -> bool {
        self.segs.last() == Some(&Seg::AnyDepth)
    }

    /// The matcher; the segment at index `wild`, if any, matches any one segment.
    fn run(&self, path: &[&str], wild: Option<usize>) -> bool {
        let seg_ok = |seg: &Seg, at: usize| wild == Some(at) || seg_matches(seg, path[at]);
        // Cheap necessary conditions first: whatever follows the last `**` must match
        // the path's last segments one to one (most paths fail here, on the file name).
        match self.tail {
            None if path.len() != self.segs.len() => return false,
            Some(k) => {
                if path.len() < k {
                    return false;
                }
                let (segs, from) = (&self.segs[self.segs.len() - k..], path.len() - k);
                if !segs
                    .iter()
                    .enumerate()
                    .all(|(j, seg)| seg_ok(seg, from + j))
                {
                    return false;
                }
            }
            None => {}
        }
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
                if seg_ok(&self.segs[p], s) {
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
        Seg::Globs(globs) => globs.iter().any(|g| g.matches(name)),
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

    /// The obvious recursive matcher, with the general glob for every segment.
    fn reference(pat: &[&str], path: &[&str]) -> bool {
        match pat.split_first() {
            None => path.is_empty(),
            Some((&"**", rest)) => (0..=path.len()).any(|i| reference(rest, &path[i..])),
            Some((seg, rest)) => {
                !path.is_empty()
                    && expand_alternatives(seg)
                        .iter()
                        .any(|g| glob_matches(g.as_bytes(), path[0].as_bytes()))
                    && reference(rest, &path[1..])
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_agree_with_the_reference(
            pat in proptest::collection::vec("(\\*\\*|a\\*|\\*b|a|b|\\*|a\\*b|\\{a,b\\}\\*)", 0..5),
            path in proptest::collection::vec("(a|b|ab|ba|aab|c)", 0..6),
        ) {
            let pat_refs: Vec<&str> = pat.iter().map(String::as_str).collect();
            let path_refs: Vec<&str> = path.iter().map(String::as_str).collect();
            let compiled = Pattern::new(&pat.join("/"));
            proptest::prop_assert_eq!(
                compiled.matches(&path_refs),
                reference(&pat_refs, &path_refs),
                "{:?} on {:?}", pat, path
            );
        }
    }
}
