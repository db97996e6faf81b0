//! `--key-file`: the owner's database key, read from a private file.
//!
//! Two formats ([`KeyFile`]):
//! * a 64-hex-digit account key (surrounding whitespace allowed): WeChat 3.x
//!   uses it raw, 4.x through PBKDF2-SHA512 per database salt;
//! * an `all_keys.json`-style map, as ylytdeng/wechat-decrypt writes and
//!   greenbubbles reads: `{"<relative db path>": {"enc_key": "<64 hex>",
//!   "salt": "<32 hex>", ...}, "_db_dir": "<folder>"}`. Each `enc_key` is the
//!   already-derived per-database key; it is matched to a database by its
//!   salt (the file's first 16 bytes), or by the path when no salt is given.
//!   Other fields and other `_`-prefixed keys are ignored.
//!
//! Like ssh with a private key, the file is refused when it is a symlink, not
//! a regular file, not owned by the user running the tool, or readable or
//! writable by group or others. It is read with one bounded read
//! ([`MAX_KEY_FILE_BYTES`]) into a buffer that is wiped afterwards, and no
//! error message ever quotes its contents (serde's messages can, so only the
//! line and column are kept).

use std::fs::OpenOptions;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::Path;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use thiserror::Error;
use zeroize::{Zeroize, Zeroizing};

use super::pages::plain_io;

/// Largest key file read (a JSON map for ~100 databases is ~15 KiB).
pub const MAX_KEY_FILE_BYTES: usize = 1 << 20;

/// The keys the user gave. `Debug` never shows them.
pub enum KeyFile {
    /// One 32-byte account key for every database.
    Account(Zeroizing<[u8; 32]>),
    /// Per-database derived keys.
    PerDatabase {
        entries: Vec<DbKey>,
        /// The `_db_dir` the map was made for, if it says.
        #[cfg_attr(
            not(test),
            expect(
                dead_code,
                reason = "kept for a future check of the map against the roots"
            )
        )]
        db_dir: Option<String>,
    },
}

impl std::fmt::Debug for KeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyFile::Account(_) => f.write_str("KeyFile::Account(<hidden>)"),
            KeyFile::PerDatabase { entries, .. } => {
                write!(
                    f,
                    "KeyFile::PerDatabase({} entries, <hidden>)",
                    entries.len()
                )
            }
        }
    }
}

/// One database's key from a JSON map.
pub struct DbKey {
    /// The map's key: the database path relative to `_db_dir`.
    pub rel_path: String,
    pub enc_key: Zeroizing<[u8; 32]>,
    pub salt: Option<[u8; 16]>,
}

/// Why the key file cannot be used (the command exits 2 with this sentence).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyFileError {
    #[error("{path}: the key file is a symbolic link; pass the file itself")]
    Symlink { path: String },
    #[error("{path}: the key file cannot be read: {reason}")]
    Open { path: String, reason: String },
    #[error("{path}: the key file is not a regular file")]
    NotRegular { path: String },
    #[error("{path}: the key file can be read or changed by other users (mode {mode:04o}); make it private with `chmod 600` and try again")]
    TooOpen { path: String, mode: u32 },
    #[error("{path}: the key file belongs to another user; use a key file you own")]
    NotOwner { path: String },
    #[error("{path}: the key file is over {max} bytes, too large for a key file")]
    TooLarge { path: String, max: usize },
    #[error(
        "{path}: the key file holds neither a 64-digit hex key nor a JSON map of database keys"
    )]
    Format { path: String },
    #[error("{path}: the key file's JSON is not a map of database keys ({what} at line {line}, column {column})")]
    Json {
        path: String,
        what: &'static str,
        line: usize,
        column: usize,
    },
    #[error("{path}: the key file's JSON map lists no database keys")]
    Empty { path: String },
}

fn shown(path: &Path) -> String {
    crate::escape::escape_bytes(path.as_os_str().as_bytes()).0
}

/// Reads and checks the key file at `path`.
pub fn load_key_file(path: &Path) -> Result<KeyFile, KeyFileError> {
    let p = || shown(path);
    let open_err = |e: &io::Error| KeyFileError::Open {
        path: p(),
        reason: plain_io(e),
    };
    let lmeta = std::fs::symlink_metadata(path).map_err(|e| open_err(&e))?;
    if lmeta.file_type().is_symlink() {
        return Err(KeyFileError::Symlink { path: p() });
    }
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                KeyFileError::Symlink { path: p() }
            } else {
                open_err(&e)
            }
        })?;
    let meta = file.metadata().map_err(|e| open_err(&e))?;
    if !meta.is_file() {
        return Err(KeyFileError::NotRegular { path: p() });
    }
    if meta.uid() != rustix::process::geteuid().as_raw() {
        return Err(KeyFileError::NotOwner { path: p() });
    }
    let mode = meta.mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::TooOpen { path: p(), mode });
    }
    if meta.len() > MAX_KEY_FILE_BYTES as u64 {
        return Err(KeyFileError::TooLarge {
            path: p(),
            max: MAX_KEY_FILE_BYTES,
        });
    }
    // One fixed buffer, never reallocated (a reallocation would leave a copy).
    let mut buf = Zeroizing::new(vec![0u8; MAX_KEY_FILE_BYTES + 1]);
    let mut len = 0;
    let mut reader = &file;
    while len < buf.len() {
        match reader.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(open_err(&e)),
        }
    }
    if len > MAX_KEY_FILE_BYTES {
        return Err(KeyFileError::TooLarge {
            path: p(),
            max: MAX_KEY_FILE_BYTES,
        });
    }
    parse_key_file(&buf[..len]).map_err(|e| e.with_path(p()))
}

/// A parse failure before the path is attached.
#[derive(Debug)]
pub(crate) enum ParseError {
    Format,
    Json {
        what: &'static str,
        line: usize,
        column: usize,
    },
    Empty,
}

impl ParseError {
    fn with_path(self, path: String) -> KeyFileError {
        match self {
            ParseError::Format => KeyFileError::Format { path },
            ParseError::Json { what, line, column } => KeyFileError::Json {
                path,
                what,
                line,
                column,
            },
            ParseError::Empty => KeyFileError::Empty { path },
        }
    }
}

/// Parses key-file bytes (see the module docs).
pub(crate) fn parse_key_file(bytes: &[u8]) -> Result<KeyFile, ParseError> {
    let text = bytes.trim_ascii();
    if let Some(key) = decode_hex::<32>(text) {
        return Ok(KeyFile::Account(key));
    }
    if text.first() != Some(&b'{') {
        return Err(ParseError::Format);
    }
    let map: KeyMap = serde_json::from_slice(text).map_err(|e| ParseError::Json {
        what: match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                "invalid JSON"
            }
            _ => "unexpected content",
        },
        line: e.line(),
        column: e.column(),
    })?;
    if map.entries.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(KeyFile::PerDatabase {
        entries: map.entries,
        db_dir: map.db_dir,
    })
}

/// `N` bytes from exactly `2N` hex digits (an optional `0x` prefix allowed).
fn decode_hex<const N: usize>(s: &[u8]) -> Option<Zeroizing<[u8; N]>> {
    let s = s.strip_prefix(b"0x").unwrap_or(s);
    if s.len() != 2 * N {
        return None;
    }
    let mut out = Zeroizing::new([0u8; N]);
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        *o = (hi * 16 + lo) as u8;
    }
    Some(out)
}

struct KeyMap {
    entries: Vec<DbKey>,
    db_dir: Option<String>,
}

impl<'de> Deserialize<'de> for KeyMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyMap;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of database keys")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<KeyMap, A::Error> {
                let mut out = KeyMap {
                    entries: Vec::new(),
                    db_dir: None,
                };
                while let Some(k) = m.next_key::<String>()? {
                    if k == "_db_dir" {
                        out.db_dir = m.next_value::<Option<String>>()?;
                    } else if k.starts_with('_') {
                        m.next_value::<IgnoredAny>()?;
                    } else {
                        let e: Entry = m.next_value()?;
                        out.entries.push(DbKey {
                            rel_path: k,
                            enc_key: e.enc_key.0,
                            salt: e.salt.map(|s| *s.0),
                        });
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
struct Entry {
    enc_key: Hex<32>,
    #[serde(default)]
    salt: Option<Hex<16>>,
}

/// Hex digits decoded straight from the input (a borrowed string is never
/// copied; an owned one is wiped).
struct Hex<const N: usize>(Zeroizing<[u8; N]>);

impl<'de, const N: usize> Deserialize<'de> for Hex<N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<const N: usize>;
        impl<const N: usize> Visitor<'_> for V<N> {
            type Value = Hex<N>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "{} hex digits", 2 * N)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Hex<N>, E> {
                decode_hex::<N>(s.as_bytes())
                    .map(Hex)
                    .ok_or_else(|| E::custom(format!("a value that is not {} hex digits", 2 * N)))
            }
            fn visit_string<E: de::Error>(self, mut s: String) -> Result<Hex<N>, E> {
                let r = self.visit_str(&s);
                s.zeroize();
                r
            }
        }
        d.deserialize_str(V::<N>)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    const K: &str = "2dd29ca851e7b56e4697b0e1f08507293d761a05ce4d1b628663f411a8086d99";

    fn write(dir: &Path, name: &str, body: &str, mode: u32) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        p
    }

    #[test]
    fn account_key_with_whitespace() {
        let KeyFile::Account(k) = parse_key_file(format!("  {K}\n").as_bytes()).unwrap() else {
            panic!()
        };
        assert_eq!(k[0], 0x2d);
        assert_eq!(k[31], 0x99);
        assert!(parse_key_file(K.to_uppercase().as_bytes()).is_ok());
        assert!(parse_key_file(&K.as_bytes()[1..]).is_err());
        assert!(matches!(parse_key_file(b"zz"), Err(ParseError::Format)));
    }

    #[test]
    fn json_map() {
        let salt = "000102030405060708090a0b0c0d0e0f";
        let body = format!(
            r#"{{"message/message_0.db": {{"enc_key": "{K}", "salt": "{salt}", "size_mb": 1.5}},
                "contact/contact.db": {{"enc_key": "{K}"}},
                "_db_dir": "/Users/x/db_storage", "_note": [1, 2]}}"#
        );
        let KeyFile::PerDatabase { entries, db_dir } = parse_key_file(body.as_bytes()).unwrap()
        else {
            panic!()
        };
        assert_eq!(db_dir.as_deref(), Some("/Users/x/db_storage"));
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].rel_path, "message/message_0.db");
        assert_eq!(entries[0].salt.unwrap()[15], 15);
        assert!(entries[1].salt.is_none());
        assert!(matches!(parse_key_file(b"{}"), Err(ParseError::Empty)));
    }

    #[test]
    fn json_errors_never_quote_the_file() {
        let secret = "abcdef0123456789SECRET";
        for body in [
            format!(r#"{{"a.db": {{"enc_key": "{secret}"}}}}"#),
            format!(r#"{{"a.db": "{secret}"}}"#),
            format!(r#"{{"a.db": {{"enc_key": "{K}", "salt": "{secret}"}}}}"#),
            format!(r#"{{"a.db": {{"enc_key": "{K}" "#),
            format!(r#"["{secret}"]"#),
        ] {
            let e = parse_key_file(body.as_bytes())
                .unwrap_err()
                .with_path("f".into());
            let msg = e.to_string();
            assert!(!msg.contains("SECRET") && !msg.contains("abcdef"), "{msg}");
            assert!(!msg.contains(K), "{msg}");
        }
    }

    #[test]
    fn file_checks() {
        let dir = tempfile::tempdir().unwrap();
        let good = write(dir.path(), "k", K, 0o600);
        assert!(matches!(load_key_file(&good), Ok(KeyFile::Account(_))));
        let open = write(dir.path(), "k2", K, 0o640);
        let e = load_key_file(&open).unwrap_err();
        assert!(
            matches!(e, KeyFileError::TooOpen { mode: 0o640, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("chmod 600"));
        let w = write(dir.path(), "k3", K, 0o602);
        assert!(matches!(
            load_key_file(&w),
            Err(KeyFileError::TooOpen { .. })
        ));
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&good, &link).unwrap();
        assert!(matches!(
            load_key_file(&link),
            Err(KeyFileError::Symlink { .. })
        ));
        assert!(matches!(
            load_key_file(dir.path()),
            Err(KeyFileError::NotRegular { .. }) | Err(KeyFileError::TooOpen { .. })
        ));
        let missing = load_key_file(&dir.path().join("none")).unwrap_err();
        assert!(!missing.to_string().contains("os error"), "{missing}");
        let big = write(
            dir.path(),
            "big",
            &" ".repeat(MAX_KEY_FILE_BYTES + 1),
            0o600,
        );
        assert!(matches!(
            load_key_file(&big),
            Err(KeyFileError::TooLarge { .. })
        ));
        let bad = write(dir.path(), "bad", "hello", 0o600);
        assert!(matches!(
            load_key_file(&bad),
            Err(KeyFileError::Format { .. })
        ));
        // Not owned by us: only testable as root (chown to another user).
        if rustix::process::geteuid().is_root() {
            let other = write(dir.path(), "other", K, 0o600);
            std::os::unix::fs::chown(&other, Some(65534), None).unwrap();
            assert!(matches!(
                load_key_file(&other),
                Err(KeyFileError::NotOwner { .. })
            ));
        }
    }

    #[test]
    fn debug_hides_keys() {
        let k = parse_key_file(K.as_bytes()).unwrap();
        assert!(!format!("{k:?}").contains("2dd2"));
    }
}
