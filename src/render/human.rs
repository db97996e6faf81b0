//! Numbers for people: byte sizes in binary units, counts with separators, percentages.
//! Used only by the table and HTML reporters; JSON and CSV carry raw integers.

use crate::escape::printable;

thread_local! {
    /// Decimal units (`--si`) for what this thread renders (see [`with_si`]).
    static SI: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `f` with [`bytes`] in decimal units (kB, MB, GB: what Finder shows) when `si`.
pub fn with_si<T>(si: bool, f: impl FnOnce() -> T) -> T {
    let before = SI.with(|c| c.replace(si));
    let out = f();
    SI.with(|c| c.set(before));
    out
}

/// `1536` → `1.5 KiB` (or `1.5 kB` under [`with_si`]); below one unit, exact bytes.
pub fn bytes(n: u64) -> String {
    let (base, units) = if SI.with(std::cell::Cell::get) {
        (1000.0, ["kB", "MB", "GB", "TB", "PB", "EB"])
    } else {
        (1024.0, ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"])
    };
    if (n as f64) < base {
        return format!("{n} B");
    }
    let mut value = n as f64 / base;
    let mut unit = 0;
    while value >= base && unit < units.len() - 1 {
        value /= base;
        unit += 1;
    }
    format!("{value:.1} {}", units[unit])
}

/// Columns `s` takes on a terminal (CJK and most emoji take two).
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// `1234567` → `1,234,567`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Share of `part` in `whole`, as `12.3%` (`0.0%` when `whole` is 0).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.0%".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

/// A bar of `width` cells for `part / whole`, with eighth-block precision.
pub fn bar(part: u64, whole: u64, width: usize) -> String {
    if whole == 0 || width == 0 {
        return String::new();
    }
    let eighths = ((part as f64 / whole as f64) * (width * 8) as f64).round() as usize;
    let full = eighths / 8;
    let rest = eighths % 8;
    let mut s = "█".repeat(full.min(width));
    if rest > 0 && full < width {
        s.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][rest - 1]);
    }
    s
}

/// Shorten `s` to at most `max` display columns ([`width`]), keeping the end (paths)
/// and marking the cut. Unsafe characters are escaped first ([`printable`]), so the
/// width is what is shown.
pub fn truncate_left(s: &str, max: usize) -> String {
    let s = printable(s);
    if width(&s) <= max {
        return s.into_owned();
    }
    let room = max.saturating_sub(1);
    let mut used = 0;
    let mut start = s.len();
    for (i, c) in s.char_indices().rev() {
        let w = char_width(c);
        if used + w > room {
            break;
        }
        used += w;
        start = i;
    }
    format!("…{}", &s[start..])
}

/// Shorten `s` to at most `max` display columns, keeping the start (ids) and marking
/// the cut. Unsafe characters are escaped first ([`printable`]).
pub fn truncate_right(s: &str, max: usize) -> String {
    let s = printable(s);
    if width(&s) <= max {
        return s.into_owned();
    }
    let room = max.saturating_sub(1);
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let w = char_width(c);
        if used + w > room {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count(12), "12");
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(bar(1, 2, 4), "██");
        assert_eq!(bar(0, 0, 4), "");
        assert_eq!(truncate_left("abcdef", 4), "…def");
        assert_eq!(truncate_right("abcdef", 4), "abc…");
        assert_eq!(truncate_right("a\x1bb", 9), "a\\x1bb");
        assert_eq!(truncate_left("\u{202e}xyz", 4), "…xyz");
    }

    #[test]
    fn decimal_units_and_display_width() {
        assert_eq!(with_si(true, || bytes(1_500_000)), "1.5 MB");
        assert_eq!(with_si(true, || bytes(999)), "999 B");
        assert_eq!(bytes(1_500_000), "1.4 MiB");
        // CJK and emoji take two columns each.
        assert_eq!(width("图片"), 4);
        assert_eq!(truncate_right("图片图片", 5), "图片…");
        assert_eq!(truncate_left("a/图片图片.jpg", 9), "…图片.jpg");
        assert_eq!(width(&truncate_left("😀😀😀😀", 6)), 5);
    }
}
