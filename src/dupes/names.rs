//! Name patterns for duplicates that need no read (the zero-read figures of `scan`):
//! the md5 stem of a 4.x media file, and the original name behind a `name (1).ext` copy.

use std::borrow::Cow;

/// The media md5 that names a 4.x file (`<md5>.dat`, `<md5>_t.dat`, `<md5>_h.dat`,
/// `<md5>.mp4`, ...): 32 lowercase hex digits at the start, then the end, `.` or `_`.
/// The same stem in two chat folders is the same media.
pub fn md5_stem(name: &str) -> Option<&str> {
    let b = name.as_bytes();
    let hex = b.get(..32)?;
    if !hex.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    match b.get(32) {
        None | Some(b'.') | Some(b'_') => Some(&name[..32]),
        _ => None,
    }
}

/// The name a copy was made from: `report (1).pdf`, `report(2).pdf` and
/// `report (1)(1).pdf` (4.x) all give `report.pdf`. `None` when the name carries no
/// copy number (or nothing is left without it). Numbers have 1 to 4 digits.
pub fn original_name(name: &str) -> Option<Cow<'_, str>> {
    let (stem, ext) = match name.rfind('.') {
        Some(i) if i > 0 => name.split_at(i),
        _ => (name, ""),
    };
    let mut base = stem;
    while let Some(open) = copy_number_start(base) {
        base = base[..open].strip_suffix(' ').unwrap_or(&base[..open]);
    }
    if base.len() == stem.len() || base.is_empty() {
        return None;
    }
    Some(if ext.is_empty() {
        Cow::Borrowed(base)
    } else {
        Cow::Owned(format!("{base}{ext}"))
    })
}

/// Where a trailing `(digits)` starts in `s`, if it ends with one.
fn copy_number_start(s: &str) -> Option<usize> {
    let inner = s.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let digits = &inner[open + 1..];
    ((1..=4).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit())).then_some(open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn md5_stems() {
        let md5 = "0cfe4c619a34496db475c29c52a0638b";
        for name in [
            md5.to_string(),
            format!("{md5}.dat"),
            format!("{md5}_t.dat"),
            format!("{md5}_h.dat"),
        ] {
            assert_eq!(md5_stem(&name), Some(md5), "{name}");
        }
        for name in [
            "0CFE4C619A34496DB475C29C52A0638B.dat",
            "0cfe4c619a34496db475c29c52a0638.dat",
            "0cfe4c619a34496db475c29c52a0638bX.dat",
            "报告.pdf",
            "",
        ] {
            assert_eq!(md5_stem(name), None, "{name}");
        }
    }

    #[test]
    fn original_names() {
        for (copy, orig) in [
            ("report (1).pdf", "report.pdf"),
            ("report(2).pdf", "report.pdf"),
            ("report (1)(1).pdf", "report.pdf"),
            ("简历 704 (12).txt", "简历 704.txt"),
            ("archive.tar (1).gz", "archive.tar.gz"),
            ("Makefile (3)", "Makefile"),
            (".hidden (1)", ".hidden"),
        ] {
            assert_eq!(original_name(copy).as_deref(), Some(orig), "{copy}");
        }
        for name in [
            "report.pdf",
            "report (a).pdf",
            "report (12345).pdf",
            "(1).pdf",
            "() .txt",
            "x ().pdf",
        ] {
            assert_eq!(original_name(name), None, "{name}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(name in "\\PC{0,40}") {
            let _ = (md5_stem(&name), original_name(&name));
        }

        #[test]
        fn a_numbered_copy_gives_back_its_name(
            stem in "[a-z 报告]{0,8}[a-z报告]",
            ext in proptest::option::of("[a-z0-9]{1,4}"),
            numbers in proptest::collection::vec((any::<bool>(), 1u16..10_000), 1..3),
        ) {
            let ext = ext.map(|e| format!(".{e}")).unwrap_or_default();
            let marks: String = numbers.iter().map(|(space, n)| format!("{}({n})", if *space { " " } else { "" })).collect();
            let copy = format!("{stem}{marks}{ext}");
            let want = format!("{stem}{ext}");
            let got = original_name(&copy);
            prop_assert_eq!(got.as_deref(), Some(want.as_str()));
        }
    }
}
