//! Numbers for people: byte sizes in binary units, counts with separators, percentages.
//! Used only by the table and HTML reporters; JSON and CSV carry raw integers.

use crate::escape::printable;

/// `1536` → `1.5 KiB`; bytes below 1 KiB are shown exactly.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
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

/// Shorten `s` to at most `max` characters, keeping the end (paths) and marking the cut.
/// Unsafe characters are escaped first ([`printable`]), so the width is what is shown.
pub fn truncate_left(s: &str, max: usize) -> String {
    let s = printable(s);
    let n = s.chars().count();
    if n <= max {
        return s.into_owned();
    }
    let keep: String = s.chars().skip(n - max.saturating_sub(1).min(n)).collect();
    format!("…{keep}")
}

/// Shorten `s` to at most `max` characters, keeping the start (ids) and marking the cut.
/// Unsafe characters are escaped first ([`printable`]).
pub fn truncate_right(s: &str, max: usize) -> String {
    let s = printable(s);
    if s.chars().count() <= max {
        return s.into_owned();
    }
    let keep: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{keep}…")
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
}
