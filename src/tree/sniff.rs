//! File types from names, and from the first bytes where names don't tell.
//!
//! Pure functions: the walker decides (with [`Sniff::needs_head_raw`]) whether to read a
//! file's first [`HEAD_LEN`] bytes and passes them in. Every file whose name does not
//! already say what it is gets read, so a SQLite database is found whatever it is
//! called (`.sqlitedb`, `.storedata`, `.abcddb`, `.localstorage`, no extension, ...);
//! media, documents and the like ([`NAMED_NOT_DATABASE`]) are not, nor are `.dat`
//! images unless `--dat-schemes` asks for them, so most files of a WeChat tree cost no
//! read at all.

use crate::readers::dat::{sniff_dat, DatScheme};
use crate::readers::sqlite::SQLITE_MAGIC;
use crate::tree::classify::Layout;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How many leading bytes the sniffers look at.
pub const HEAD_LEN: usize = 16;
// The `.dat` sniffer gets all the bytes it looks at.
const _: () = assert!(HEAD_LEN >= crate::readers::dat::DAT_SNIFF_LEN);

/// The extension of a file name, lowercased, or `None` if it has none worth the name.
pub fn extension(name: &str) -> Option<Cow<'_, str>> {
    let dot = name.rfind('.')?;
    let ext = &name[dot + 1..];
    if dot == 0
        || ext.is_empty()
        || ext.len() > MAX_EXT
        || !ext.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    if ext.bytes().any(|b| b.is_ascii_uppercase()) {
        Some(Cow::Owned(ext.to_ascii_lowercase()))
    } else {
        Some(Cow::Borrowed(ext))
    }
}

/// Extensions that say what a file is (media, documents, archives, text, fonts, WeChat's
/// own logs and mini-program packages): such files are never sniffed. Sorted (binary
/// search; a test checks it).
pub const NAMED_NOT_DATABASE: &[&str] = &[
    "3gp", "7z", "aac", "aif", "aiff", "amr", "apk", "avi", "bmp", "bz2", "caf", "css", "csv",
    "dmg", "doc", "docx", "epub", "flac", "flv", "gif", "gz", "heic", "heif", "htm", "html",
    "icns", "ico", "ipa", "jpeg", "jpg", "js", "json", "log", "m4a", "m4v", "md", "mkv", "mov",
    "mp3", "mp4", "mpeg", "mpg", "numbers", "odp", "ods", "odt", "ogg", "opus", "otf", "pages",
    "pdf", "plist", "png", "ppt", "pptx", "psd", "rar", "rtf", "silk", "svg", "tar", "tgz", "tif",
    "tiff", "ttf", "txt", "wav", "webm", "webp", "wma", "wmv", "woff", "woff2", "wxapkg", "xlog",
    "xls", "xlsx", "xml", "xz", "zip",
];

/// Which files' first bytes the walk reads.
///
/// Reading a head costs an `open`, a `read` and a `close` on top of the one metadata
/// call every entry gets. Files whose extension says what they are (media, documents:
/// [`NAMED_NOT_DATABASE`]) are most of a tree and are never read; every other file is
/// (few in a WeChat tree), so a SQLite database is found whatever its name. Database
/// sidecars are named for their database and not read. `.dat` images are most of a 4.x
/// tree, and reading each one (cold, a random read per file) makes a scan about 1.4-1.6×
/// slower, so their schemes are opt-in (`--dat-schemes`), the way peers make costly
/// accuracy opt-in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sniff {
    /// Also read every `.dat` file, for its 4.x image scheme.
    pub dat: bool,
}

impl Sniff {
    /// Whether [`file_type`] wants the first bytes of the file called `name`: its raw
    /// name, as the walk lists it (no escaped copy: escaping never adds a `.` nor
    /// changes an ASCII letter or digit, so the [`extension`] and the sidecar suffixes
    /// are the same either way; tested).
    pub fn needs_head_raw(self, name: &[u8]) -> bool {
        let mut lower = [0u8; MAX_EXT];
        match raw_extension(name, &mut lower) {
            None => !is_sidecar(name),
            Some(ext) => self.wants(ext),
        }
    }

    /// Whether a file with extension `ext` (lowercase) is read.
    fn wants(self, ext: &str) -> bool {
        match ext {
            "dat" => self.dat,
            ext => NAMED_NOT_DATABASE.binary_search(&ext).is_err(),
        }
    }
}

/// The longest extension [`extension`] gives.
const MAX_EXT: usize = 12;

/// A database's sidecar (`-wal`, `-shm`, `-journal`): named for it, never read.
fn is_sidecar(name: &[u8]) -> bool {
    name.ends_with(b"-wal") || name.ends_with(b"-shm") || name.ends_with(b"-journal")
}

/// [`extension`] of a raw name, lowercased into `lower`.
fn raw_extension<'b>(name: &[u8], lower: &'b mut [u8; MAX_EXT]) -> Option<&'b str> {
    let dot = name.iter().rposition(|&b| b == b'.')?;
    let ext = &name[dot + 1..];
    if dot == 0 || ext.is_empty() || ext.len() > MAX_EXT {
        return None;
    }
    if !ext.iter().all(u8::is_ascii_alphanumeric) {
        return None;
    }
    let out = &mut lower[..ext.len()];
    out.copy_from_slice(ext);
    out.make_ascii_lowercase();
    std::str::from_utf8(out).ok()
}

/// Image kinds recognisable from their magic, possibly under single-byte XOR.
const IMAGE_MAGICS: [(&[u8], &str); 7] = [
    (&[0xFF, 0xD8, 0xFF], "jpeg"),
    (&[0x89, 0x50, 0x4E, 0x47], "png"),
    (b"GIF8", "gif"),
    (b"wxgf", "wxgf"),
    (&[0x49, 0x49, 0x2A, 0x00], "tiff"),
    (&[0x4D, 0x4D, 0x00, 0x2A], "tiff"),
    (b"BM", "bmp"),
];

/// The 4.x `.dat` image scheme as a file-type id (`dat-v1`, `dat-v2`, `dat-xor`,
/// `dat-unknown`), from [`crate::readers::dat::sniff_dat`] (layout doc §3.5); `dat` when the
/// head was not read.
pub fn dat_scheme(head: Option<&[u8]>) -> &'static str {
    match head.map(sniff_dat) {
        None => "dat",
        Some(DatScheme::V1) => "dat-v1",
        Some(DatScheme::V2) => "dat-v2",
        Some(DatScheme::Xor { .. }) => "dat-xor",
        Some(DatScheme::Unknown) => "dat-unknown",
    }
}

/// The type of a file without a telling extension, from its magic.
fn sniff_magic(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(SQLITE_MAGIC) {
        return Some("sqlite");
    }
    if head.starts_with(b"bplist00") {
        return Some("plist");
    }
    if head.starts_with(b"<?xml") || head.starts_with(b"<plist") {
        return Some("xml");
    }
    for (magic, kind) in IMAGE_MAGICS {
        if magic.len() >= 3 && head.starts_with(magic) {
            return Some(kind);
        }
    }
    if head.len() >= 8 && &head[4..8] == b"ftyp" {
        return Some("mp4");
    }
    if head.starts_with(b"#!SILK") || head.starts_with(b"\x02#!SILK") {
        return Some("silk");
    }
    if head.starts_with(b"%PDF") {
        return Some("pdf");
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some("zip");
    }
    if head.starts_with(b"RIFF") {
        return Some("riff");
    }
    None
}

/// The file-type id used in the report: the extension, or a sniffed id where the name
/// does not tell (`dat-v1`, `dat-v2`, `dat-xor`, `sqlite`, `sqlcipher`, `plist`, ...).
/// `ext` is the name's [`extension`].
pub fn file_type<'a>(
    name: &str,
    ext: Option<Cow<'a, str>>,
    size: u64,
    head: Option<&[u8]>,
) -> Cow<'a, str> {
    for (suffix, id) in [
        ("-wal", "sqlite-wal"),
        ("-shm", "sqlite-shm"),
        ("-journal", "sqlite-journal"),
    ] {
        if name.ends_with(suffix) && name.len() > suffix.len() {
            return Cow::Borrowed(id);
        }
    }
    if ext.as_deref() == Some("dat") {
        return Cow::Borrowed(dat_scheme(head));
    }
    let head = head.unwrap_or(&[]);
    // A SQLite database is one whatever it is called.
    if head.starts_with(SQLITE_MAGIC) {
        return Cow::Borrowed("sqlite");
    }
    let sniffed = match ext {
        Some(ext) if matches!(&*ext, "db" | "sqlite" | "sqlite3") => {
            if size == 0 {
                "empty-db"
            } else {
                "sqlcipher"
            }
        }
        Some(ext) if ext == "archive" && head.starts_with(b"bplist00") => "plist",
        Some(ext) => return ext,
        None => match sniff_magic(head) {
            Some(kind) => kind,
            None if size == 0 => "(empty)",
            None => "(none)",
        },
    };
    Cow::Borrowed(sniffed)
}

/// Image variant: thumbnail, original or HD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Variant {
    /// `_.pic_thumb.*` (3.x), `*_t.dat` (4.x).
    Thumbnail,
    /// `_.pic.*` (3.x), `*.dat` (4.x).
    Original,
    /// `_.pic_hd.*` (3.x), `*_h.dat` (4.x).
    Hd,
}

impl Variant {
    /// Stable id, as in the JSON.
    pub fn id(self) -> &'static str {
        match self {
            Variant::Thumbnail => "thumbnail",
            Variant::Original => "original",
            Variant::Hd => "hd",
        }
    }
}

/// The variant of a chat image by its name, for the layout it is in.
pub fn image_variant(layout: Layout, name: &str) -> Option<Variant> {
    let name = name.as_bytes();
    match layout {
        Layout::Wechat3 => {
            if contains_ignore_case(name, b"_.pic_thumb") {
                Some(Variant::Thumbnail)
            } else if contains_ignore_case(name, b"_.pic_hd") {
                Some(Variant::Hd)
            } else if contains_ignore_case(name, b"_.pic") {
                Some(Variant::Original)
            } else {
                None
            }
        }
        Layout::Wechat4 => {
            if ends_with_ignore_case(name, b"_t.dat") {
                Some(Variant::Thumbnail)
            } else if ends_with_ignore_case(name, b"_h.dat") {
                Some(Variant::Hd)
            } else if ends_with_ignore_case(name, b".dat") {
                Some(Variant::Original)
            } else {
                None
            }
        }
        Layout::Shared => None,
    }
}

/// ASCII case-insensitive `ends_with`, without allocating (this runs once per image).
fn ends_with_ignore_case(name: &[u8], suffix: &[u8]) -> bool {
    name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// ASCII case-insensitive `contains` (`needle` lowercase), without allocating.
fn contains_ignore_case(name: &[u8], needle: &[u8]) -> bool {
    name.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(extension("a.JPG").as_deref(), Some("jpg"));
        assert_eq!(extension(".hidden"), None);
        assert_eq!(extension("noext"), None);
        assert_eq!(extension("x.aud.silk").as_deref(), Some("silk"));
    }

    #[test]
    fn dat_schemes() {
        assert_eq!(dat_scheme(Some(&[7, 8, 0x56, 0x31, 8, 7, 0])), "dat-v1");
        assert_eq!(dat_scheme(Some(&[7, 8, 0x56, 0x32, 8, 7])), "dat-v2");
        let xored: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0].iter().map(|b| b ^ 0x5A).collect();
        assert_eq!(dat_scheme(Some(&xored)), "dat-xor");
        assert_eq!(dat_scheme(Some(&[])), "dat-unknown");
        assert_eq!(dat_scheme(Some(&[0, 0, 0, 0])), "dat-unknown");
        assert_eq!(dat_scheme(None), "dat");
    }

    #[test]
    fn heads_read() {
        let default = Sniff::default();
        let dat = Sniff { dat: true };
        for (name, by_default, with_dat) in [
            ("ab.dat", false, true),
            ("ab_t.dat", false, true),
            ("msg_0.db", true, true),
            ("Cache.db-wal", false, false),
            ("BAK_0_MEDIA", true, true),
            ("Cache.db-shm", false, false),
            ("Photos.sqlite-journal", false, false),
            ("fav.archive", true, true),
            ("a.jpg", false, false),
            ("A.JPG", false, false),
            ("report.pdf", false, false),
            ("1.aud.silk", false, false),
            ("MM_20240102.xlog", false, false),
            ("com.tencent.xinWeChat.plist", false, false),
            // Names that do not say what the file is: real SQLite databases on a Mac.
            ("Notes.storedata", true, true),
            ("AddressBook-v22.abcddb", true, true),
            ("https_mp.weixin.qq.com_0.localstorage", true, true),
            ("Accounts4.sqlitedb", true, true),
            ("knowledgeC.data", true, true),
            ("x.bin", true, true),
        ] {
            assert_eq!(
                default.needs_head_raw(name.as_bytes()),
                by_default,
                "{name}"
            );
            assert_eq!(dat.needs_head_raw(name.as_bytes()), with_dat, "{name}");
        }
    }

    #[test]
    fn needs_head_raw_agrees_with_the_escaped_name() {
        let names: &[&[u8]] = &[
            b"a.db",
            b"A.DB",
            b"x.JPG",
            b"x.jpg",
            b".hidden",
            b"noext",
            b"trailing.",
            b"msg_0.db-wal",
            b"msg_0.db-shm",
            b"x-journal",
            b"x-wal.bak",
            b"abc.thirteenchars",
            b"abc.twelvechars1",
            b"abc.twelvechar",
            b"a.d\\b",
            b"a.d\xffb",
            b"a\xff.jpg",
            b"a.jp\x1bg",
            b"\x1b.png",
            b"a.\xe2\x80\xae",
            b"x.Dat",
            b"x.dat",
            b"\xff-wal",
            b"x-wa\xff",
            b"",
            b".",
            b"..x",
        ];
        for sniff in [Sniff::default(), Sniff { dat: true }] {
            for &raw in names {
                let (name, _) = crate::escape::escape_cow(raw);
                // What the escaped name says.
                let escaped = match extension(&name) {
                    None => !is_sidecar(name.as_bytes()),
                    Some(ext) => sniff.wants(&ext),
                };
                assert_eq!(sniff.needs_head_raw(raw), escaped, "{name}");
            }
        }
    }

    #[test]
    fn types() {
        let t = |name: &str, size, head| file_type(name, extension(name), size, head).into_owned();
        assert_eq!(t("msg_0.db", 4096, Some(&[1; 16])), "sqlcipher");
        assert_eq!(t("a.db", 4096, Some(b"SQLite format 3\0")), "sqlite");
        assert_eq!(t("msg_0.db-wal", 10, None), "sqlite-wal");
        assert_eq!(t("BAK_0_MEDIA", 10, Some(b"xxxx")), "(none)");
        assert_eq!(t("x", 0, Some(b"")), "(empty)");
        assert_eq!(t("fav.archive", 10, Some(b"bplist00")), "plist");
        assert_eq!(t("ab.dat", 10, None), "dat");
        assert_eq!(t("A.JPG", 10, None), "jpg");
        // SQLite whatever the name; the name's type when the head says nothing.
        let sqlite = Some(&b"SQLite format 3\0"[..]);
        assert_eq!(t("Notes.storedata", 4096, sqlite), "sqlite");
        assert_eq!(t("Accounts4.sqlitedb", 4096, sqlite), "sqlite");
        assert_eq!(t("Notes.storedata", 4096, Some(b"bplist00")), "storedata");
        assert_eq!(t("Cache.db-wal", 4096, sqlite), "sqlite-wal");
    }

    #[test]
    fn named_not_database_is_sorted_and_lowercase() {
        assert!(NAMED_NOT_DATABASE.windows(2).all(|w| w[0] < w[1]));
        for ext in NAMED_NOT_DATABASE {
            assert_eq!(extension(&format!("x.{ext}")).as_deref(), Some(*ext));
        }
        // Nothing a database could be called is in it.
        for db in [
            "db",
            "sqlite",
            "sqlite3",
            "sqlitedb",
            "storedata",
            "abcddb",
            "localstorage",
        ] {
            assert!(NAMED_NOT_DATABASE.binary_search(&db).is_err(), "{db}");
        }
    }

    #[test]
    fn variants() {
        use Layout::{Shared, Wechat3, Wechat4};
        use Variant::{Hd, Original, Thumbnail};
        for (layout, name, want) in [
            (Wechat3, "1_.pic_thumb.jpg", Some(Thumbnail)),
            (Wechat3, "1_.pic_hd.jpg", Some(Hd)),
            (Wechat3, "1_.pic.jpg", Some(Original)),
            (Wechat3, "1_.PIC_HD.jpg", Some(Hd)),
            (Wechat3, "1_.pi", None),
            (Wechat4, "ab_t.dat", Some(Thumbnail)),
            (Wechat4, "ab_h.dat", Some(Hd)),
            (Wechat4, "ab.dat", Some(Original)),
            (Wechat4, "AB_T.DAT", Some(Thumbnail)),
            (Wechat4, "ab.jpg", None),
            (Shared, "ab.dat", None),
        ] {
            assert_eq!(image_variant(layout, name), want, "{layout:?} {name}");
        }
    }
}
