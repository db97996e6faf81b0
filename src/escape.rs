//! Lossless, printable path names.
//!
//! File names on macOS and Linux are bytes. The report shows every name as text:
//! valid UTF-8 stays as it is, while bytes that are not UTF-8 and control characters
//! become `\xNN` and a backslash becomes `\\`, so distinct names stay distinct and no
//! name can move the terminal cursor. Nothing is dropped.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escape raw bytes; see the module docs.
pub fn escape_bytes(bytes: &[u8]) -> (String, bool) {
    let (s, utf8) = escape_cow(bytes);
    (s.into_owned(), utf8)
}

/// [`escape_bytes`], borrowing when nothing needs escaping (the walk's common case).
pub fn escape_cow(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !s.chars().any(|c| c == '\\' || c.is_control()) {
            return (Cow::Borrowed(s), true);
        }
    }
    let mut out = String::with_capacity(bytes.len());
    let mut utf8 = true;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    // Each byte of its UTF-8 form, so unescaping gives the same bytes.
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            utf8 = false;
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    (Cow::Owned(out), utf8)
}

/// Undo [`escape_bytes`] (used by tests to prove the escaping is lossless).
pub fn unescape(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            match b.get(i + 1)? {
                b'\\' => {
                    out.push(b'\\');
                    i += 2;
                }
                b'x' => {
                    let hex = std::str::from_utf8(b.get(i + 2..i + 4)?).ok()?;
                    out.push(u8::from_str_radix(hex, 16).ok()?);
                    i += 4;
                }
                _ => return None,
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(escape_bytes(b"abc.jpg"), ("abc.jpg".to_string(), true));
        assert_eq!(
            escape_bytes("产学研.xlsx".as_bytes()),
            ("产学研.xlsx".to_string(), true)
        );
        assert_eq!(escape_bytes(b"a\xffb"), ("a\\xffb".to_string(), false));
        assert_eq!(escape_bytes(b"a\\b\n"), ("a\\\\b\\x0a".to_string(), true));
    }

    proptest! {
        #[test]
        fn lossless(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let (s, _) = escape_bytes(&bytes);
            prop_assert_eq!(unescape(&s), Some(bytes));
            prop_assert!(!s.chars().any(|c| c.is_control()));
        }
    }
}
