//! Errors that stop a run (exit 2), and the mapping of per-file I/O errors to issues.

use crate::model::Issue;
use std::io;
use std::path::PathBuf;

/// A fatal problem: the run stops with exit code 2 and this one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {reason}{hint}", path = path.display(), reason = io_reason(source), hint = fda_hint(source))]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: not a folder", path.display())]
    NotADirectory { path: PathBuf },
    #[error("{}: this does not look like WeChat data (no container, Data, com.tencent.xinWeChat, version, account or xwechat_files folder found); pass --any to scan it anyway", path.display())]
    NotWeChat { path: PathBuf },
    #[error("no WeChat data found under {}: looked for {looked}; pass a folder to scan, e.g. `wechat-inspect scan PATH`", home.display())]
    NothingFound { home: PathBuf, looked: String },
    #[error("HOME is not set; pass a folder to scan, e.g. `wechat-inspect scan PATH`")]
    NoHome,
    #[error("cannot write {}: {reason}{hint}", path.display(), reason = io_reason(source), hint = fda_hint(source))]
    Output { path: PathBuf, source: io::Error },
    #[error("{}: not a wechat-inspect scan report: {reason}", path.display())]
    NotAReport { path: PathBuf, reason: String },
    #[error("{0}")]
    Usage(String),
    #[error("--names {}: {reason}", path.display())]
    Names { path: PathBuf, reason: String },
    /// `--key-file` refused (never quotes the file's contents).
    #[error("{0}")]
    KeyFile(#[from] crate::readers::sqlite::keyfile::KeyFileError),
}

/// An I/O error in words for people: the system's sentence without the
/// "(os error N)" tail, starting lower-case so it reads on after "path: ".
pub fn io_reason(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match err.raw_os_error() {
        Some(code) => text
            .strip_suffix(&format!(" (os error {code})"))
            .unwrap_or(&text)
            .to_string(),
        None => text,
    };
    lower_first(&text)
}

/// `No such file` → `no such file`; an acronym (`I/O error`, `WAL`) stays.
pub fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() && b != '/' => {
            a.to_lowercase().chain(s[a.len_utf8()..].chars()).collect()
        }
        _ => s.to_string(),
    }
}

/// Result alias for fallible library calls.
pub type Result<T> = std::result::Result<T, Error>;

/// The Full Disk Access hint for a macOS "Operation not permitted" (EPERM, TCC).
pub fn fda_hint(err: &io::Error) -> &'static str {
    fda_hint_on(err, cfg!(target_os = "macos"))
}

/// [`fda_hint`] as it would be on macOS (`macos = true`) or elsewhere: testable anywhere.
pub fn fda_hint_on(err: &io::Error, macos: bool) -> &'static str {
    if macos {
        fda_hint_for(err)
    } else {
        ""
    }
}

/// The hint itself, independent of the OS so it can be tested anywhere.
pub fn fda_hint_for(err: &io::Error) -> &'static str {
    if err.raw_os_error() == Some(libc::EPERM) {
        " (macOS blocks this folder: give your terminal Full Disk Access in System Settings → Privacy & Security → Full Disk Access, then restart it)"
    } else {
        ""
    }
}

/// Turn a per-entry I/O error into a report issue.
pub fn io_issue(path: &str, err: &io::Error) -> Issue {
    io_issue_on(path, err, cfg!(target_os = "macos"))
}

/// [`io_issue`] as it would be on macOS (`macos = true`) or elsewhere.
pub fn io_issue_on(path: &str, err: &io::Error, macos: bool) -> Issue {
    let kind = match err.kind() {
        io::ErrorKind::PermissionDenied => "permission",
        io::ErrorKind::NotFound => "vanished",
        _ if err.raw_os_error() == Some(libc::EPERM) => "permission",
        _ if err.raw_os_error() == Some(libc::ENOTDIR) => "vanished",
        _ => "io",
    };
    let message = match kind {
        "vanished" => "disappeared during the scan".to_string(),
        _ => format!("{}{}", io_reason(err), fda_hint_on(err, macos)),
    };
    Issue {
        path: path.to_string(),
        kind: kind.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_reasons_are_plain_words() {
        let e = io::Error::from_raw_os_error(libc::ENOENT);
        assert_eq!(io_reason(&e), "no such file or directory");
        assert_eq!(
            io_reason(&io::Error::other("it is a folder")),
            "it is a folder"
        );
        assert_eq!(lower_first("I/O error"), "I/O error");
        assert_eq!(lower_first("WAL page"), "WAL page");
        let fatal = Error::Io {
            path: "/x/y".into(),
            source: e,
        }
        .to_string();
        assert_eq!(fatal, "/x/y: no such file or directory");
    }

    #[test]
    fn eperm_gets_the_full_disk_access_hint() {
        let e = io::Error::from_raw_os_error(libc::EPERM);
        assert!(fda_hint_for(&e).contains("Full Disk Access"));
        assert_eq!(
            fda_hint_for(&io::Error::from_raw_os_error(libc::EACCES)),
            ""
        );
        assert_eq!(io_issue("a", &e).kind, "permission");
        assert_eq!(
            io_issue("a", &io::Error::from_raw_os_error(libc::ENOENT)).kind,
            "vanished"
        );
    }

    /// A faked EPERM (what macOS returns under ~/Library/Containers without Full Disk
    /// Access) reaches both the per-file issue and the fatal line.
    #[test]
    fn faked_eperm_reaches_the_issue_and_the_fatal_line() {
        let eperm = || io::Error::from_raw_os_error(libc::EPERM);
        // The per-file issue, as on macOS, and as elsewhere.
        let on_mac = io_issue_on("Data/Documents", &eperm(), true);
        assert_eq!(on_mac.kind, "permission");
        assert!(on_mac.message.contains("Full Disk Access"), "{on_mac:?}");
        let elsewhere = io_issue_on("Data/Documents", &eperm(), false);
        assert_eq!(elsewhere.kind, "permission");
        assert!(!elsewhere.message.contains("Full Disk Access"));
        // EACCES (plain permission bits) never gets the hint.
        let eacces = io_issue_on("x", &io::Error::from_raw_os_error(libc::EACCES), true);
        assert_eq!(eacces.kind, "permission");
        assert!(!eacces.message.contains("Full Disk Access"));
        // What this build does: the hint exactly on macOS, in the issue and in the
        // fatal lines for an unreadable root and an unwritable `-o`.
        let mac = cfg!(target_os = "macos");
        assert_eq!(
            io_issue("x", &eperm()).message.contains("Full Disk Access"),
            mac
        );
        let fatal = Error::Io {
            path: "/Users/me/Library/Containers/com.tencent.xinWeChat".into(),
            source: eperm(),
        }
        .to_string();
        assert!(fatal.starts_with("/Users/me/Library/Containers/com.tencent.xinWeChat: "));
        assert_eq!(fatal.contains("Full Disk Access"), mac, "{fatal}");
        assert!(!fatal.contains('\n'));
        let out = Error::Output {
            path: "/Users/me/Desktop/r.json".into(),
            source: eperm(),
        }
        .to_string();
        assert_eq!(out.contains("Full Disk Access"), mac, "{out}");
    }
}
