//! Printable text: the one place that decides which characters never reach a terminal
//! or a spreadsheet raw, and how they are shown instead.
//!
//! Unsafe characters ([`is_unsafe`]) are the C0 controls (line feed and tab
//! included), DEL, the C1 controls (U+0080–U+009F) and the bidirectional controls
//! U+202A–U+202E and U+2066–U+2069 (which reorder what a terminal shows). They are
//! shown as `\xNN`, one escape per byte of their UTF-8 form (`ESC` → `\x1b`, U+009B →
//! `\xc2\x9b`, U+202E → `\xe2\x80\xae`), so one notation covers every case.
//!
//! - File names ([`escape_bytes`], [`escape_cow`]) are bytes: valid UTF-8 stays as it
//!   is, while bytes that are not UTF-8 and unsafe characters become `\xNN` and a
//!   backslash becomes `\\`, so distinct names stay distinct ([`unescape`] gives the
//!   bytes back). Nothing is dropped.
//! - Other strings read from files or the command line (plist values, table names, a
//!   report given to `diff`, the PATH argument) go through [`printable`]: the same
//!   `\xNN` for unsafe characters, backslashes left alone (not reversible, but a name
//!   already escaped stays as it is).
//! - Every renderer writes through [`Printable`], a writer that applies the same rule
//!   to everything it is given except the line feeds that end lines, so no string it
//!   missed can move the cursor either. In JSON mode it writes `\uXXXX` instead, which
//!   is the same string to a JSON parser.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Characters never written raw: C0 (line feed and tab included), DEL, C1 and the
/// bidirectional embedding, override and isolate controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A cheap pre-check over bytes: `false` means no unsafe character (and no backslash
/// when `backslash`) can be in `bytes`. Lead bytes 0xC2 (C1) and 0xE2 (bidi) are only
/// suspects; the exact test follows.
fn suspect(bytes: &[u8], backslash: bool) -> bool {
    bytes
        .iter()
        .any(|&b| b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xe2 || (backslash && b == b'\\'))
}

fn push_hex(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        let _ = write!(out, "\\x{b:02x}");
    }
}

/// Escape raw bytes (a file name); see the module docs.
pub fn escape_bytes(bytes: &[u8]) -> (String, bool) {
    let (s, utf8) = escape_cow(bytes);
    (s.into_owned(), utf8)
}

/// [`escape_bytes`], borrowing when nothing needs escaping (the walk's common case).
pub fn escape_cow(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    if let Ok(s) = std::str::from_utf8(bytes) {
        if !suspect(bytes, true) || !s.chars().any(|c| c == '\\' || is_unsafe(c)) {
            return (Cow::Borrowed(s), true);
        }
    }
    let mut out = String::with_capacity(bytes.len());
    let mut utf8 = true;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                // Each byte of its UTF-8 form, so unescaping gives the same bytes.
                c if is_unsafe(c) => push_hex(&mut out, c),
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

/// A string read from a file or the command line, safe to print: every unsafe
/// character as `\xNN` per byte, everything else (backslashes too) as it is.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !suspect(s.as_bytes(), false) || !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_hex(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
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

/// How [`Printable`] shows an unsafe character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// `\xNN` per byte (tables, CSV, HTML).
    Text,
    /// `\uXXXX` (JSON: the same string to a parser; the characters only ever occur
    /// inside JSON strings, since the syntax around them is ASCII).
    Json,
}

/// A writer that lets no unsafe character through (see the module docs): every
/// renderer writes through one. Line feeds pass (they end the renderer's lines);
/// a string's own line feeds are escaped before it is written ([`printable`]).
/// Bytes that are not UTF-8 are written as `\xNN` (text) or U+FFFD (JSON).
pub struct Printable<'a> {
    inner: &'a mut dyn Write,
    notation: Notation,
    /// The start of a UTF-8 sequence split across two writes.
    pending: Vec<u8>,
}

impl<'a> Printable<'a> {
    pub fn new(inner: &'a mut dyn Write, notation: Notation) -> Self {
        Printable {
            inner,
            notation,
            pending: Vec::new(),
        }
    }

    /// The writer underneath, for bytes the renderer itself chose (colour codes).
    pub fn raw(&mut self) -> io::Result<&mut dyn Write> {
        self.drain()?;
        Ok(&mut *self.inner)
    }

    /// Write out a sequence left incomplete at the end, escaped, and flush.
    pub fn finish(mut self) -> io::Result<()> {
        self.drain()?;
        self.inner.flush()
    }

    fn drain(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.pending);
        self.emit_invalid(&bytes)
    }

    fn emit_invalid(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut s = String::new();
        for b in bytes {
            match self.notation {
                Notation::Text => {
                    let _ = write!(s, "\\x{b:02x}");
                }
                Notation::Json => s.push_str("\\ufffd"),
            }
        }
        self.inner.write_all(s.as_bytes())
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        for chunk in bytes.utf8_chunks() {
            let valid = chunk.valid();
            if !suspect(valid.as_bytes(), false) {
                self.inner.write_all(valid.as_bytes())?;
            } else {
                let mut start = 0;
                for (i, c) in valid.char_indices() {
                    if c == '\n' || !is_unsafe(c) {
                        continue;
                    }
                    self.inner.write_all(&valid.as_bytes()[start..i])?;
                    let mut esc = String::new();
                    match self.notation {
                        Notation::Text => push_hex(&mut esc, c),
                        Notation::Json => {
                            let _ = write!(esc, "\\u{:04x}", u32::from(c));
                        }
                    }
                    self.inner.write_all(esc.as_bytes())?;
                    start = i + c.len_utf8();
                }
                self.inner.write_all(&valid.as_bytes()[start..])?;
            }
            self.emit_invalid(chunk.invalid())?;
        }
        Ok(())
    }
}

/// The length of an incomplete UTF-8 sequence at the end of `b` (0 when none).
fn incomplete_tail(b: &[u8]) -> usize {
    for back in 1..=3.min(b.len()) {
        let byte = b[b.len() - back];
        if byte & 0xc0 == 0x80 {
            continue; // a continuation byte: look further back
        }
        let need = match byte {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => return 0,
        };
        return if need > back { back } else { 0 };
    }
    0
}

impl Write for Printable<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let data: &[u8] = if self.pending.is_empty() {
            buf
        } else {
            let mut v = std::mem::take(&mut self.pending);
            v.extend_from_slice(buf);
            joined = v;
            &joined
        };
        let keep = incomplete_tail(data);
        self.emit(&data[..data.len() - keep])?;
        self.pending = data[data.len() - keep..].to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
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
        // C1 and bidi controls in a name, byte by byte.
        assert_eq!(
            escape_bytes("a\u{9b}b\u{202e}c\u{2066}".as_bytes()).0,
            "a\\xc2\\x9bb\\xe2\\x80\\xaec\\xe2\\x81\\xa6"
        );
        // Neighbours of the bidi ranges stay.
        assert_eq!(
            escape_bytes("\u{2029}\u{2065}·→".as_bytes()).0,
            "\u{2029}\u{2065}·→"
        );
    }

    #[test]
    fn printable_escapes_controls_but_not_backslashes() {
        assert_eq!(printable("zh-Hans"), "zh-Hans");
        assert_eq!(printable("a\\x1b"), "a\\x1b");
        assert_eq!(printable("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(printable("a\nb\tc\x7f"), "a\\x0ab\\x09c\\x7f");
        assert_eq!(printable("\u{202d}x"), "\\xe2\\x80\\xadx");
    }

    fn through(notation: Notation, pieces: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = Printable::new(&mut out, notation);
        for p in pieces {
            w.write_all(p).unwrap();
        }
        w.finish().unwrap();
        out
    }

    #[test]
    fn the_writer_passes_line_feeds_and_escapes_the_rest() {
        let text = through(
            Notation::Text,
            &[b"a\x1b[2Jb\n", "\u{9b}c\u{202e}\n".as_bytes()],
        );
        assert_eq!(text, b"a\\x1b[2Jb\n\\xc2\\x9bc\\xe2\\x80\\xae\n");
        let json = through(Notation::Json, &["\"\u{7f}\u{85}\u{2069}\"\n".as_bytes()]);
        assert_eq!(json, b"\"\\u007f\\u0085\\u2069\"\n");
        let v: String = serde_json::from_slice(&json).unwrap();
        assert_eq!(v, "\u{7f}\u{85}\u{2069}");
        // A character split across writes is seen whole.
        let split = "\u{202e}";
        let b = split.as_bytes();
        assert_eq!(
            through(Notation::Text, &[&b[..1], &b[1..2], &b[2..]]),
            b"\\xe2\\x80\\xae"
        );
        assert_eq!(through(Notation::Text, &["é·".as_bytes()]), "é·".as_bytes());
        // A truncated sequence at the very end is escaped, not dropped or passed.
        assert_eq!(through(Notation::Text, &[b"x\xe2\x80"]), b"x\\xe2\\x80");
    }

    proptest! {
        #[test]
        fn lossless(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let (s, _) = escape_bytes(&bytes);
            prop_assert_eq!(unescape(&s), Some(bytes));
            prop_assert!(!s.chars().any(is_unsafe));
        }

        #[test]
        fn nothing_unsafe_gets_through_the_writer(
            pieces in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..16), 0..8),
            s in "\\PC*",
        ) {
            let mut all: Vec<&[u8]> = pieces.iter().map(|p| &p[..]).collect();
            all.push(s.as_bytes());
            for notation in [Notation::Text, Notation::Json] {
                let out = through(notation, &all);
                let out = String::from_utf8(out).unwrap();
                prop_assert!(!out.chars().any(|c| c != '\n' && is_unsafe(c)), "{:?}", out);
            }
            prop_assert!(!printable(&s).chars().any(is_unsafe));
        }
    }
}
