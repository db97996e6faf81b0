//! What a file that may be a database is, from its first bytes and its size:
//! SQLite (the magic), SQLCipher-like, or an unknown format.
//!
//! A SQLCipher file has no plaintext header: page 1 starts with a random
//! 16-byte salt and everything after it is ciphertext, IVs and MACs. So a file
//! is called SQLCipher-like ([`Shape::SqlcipherLike`]) when
//!
//! 1. it starts with no magic number this module knows ([`known_magic`]:
//!    SQLite, compressed and archive formats, images, media, plists,
//!    `mlocate`, Realm, WeChat's `.dat` images, ...), because compressed data
//!    is as random as ciphertext and must not pass the entropy test;
//! 2. its size is a whole number of pages of a plausible page size (every
//!    SQLite page size, 512 to 65536, is a multiple of 512, so: a non-zero
//!    multiple of 512);
//! 3. its first page looks random: the Shannon entropy of its first
//!    [`ENTROPY_BYTES`] bytes is at least [`MIN_ENTROPY_BITS`] bits per byte.
//!    Random bytes measure about 7.8 there (7.6 for a 512-byte file); text,
//!    SQLite pages and most binary formats stay below 6.
//!
//! A file that passes 1 and 3 but not 2 ([`Shape::HighEntropy`]: a SQLCipher
//! file cut inside a page, or noise) is tried with the user's keys, if any;
//! it is SQLCipher only if a key opens it. Anything else is an unknown
//! format: listed by size, never called encrypted.

use super::header::SQLITE_MAGIC;

/// Bytes of the first page the entropy is measured on (a 3.x page; a 4.x
/// page starts the same way).
pub(crate) const ENTROPY_BYTES: usize = 1024;
/// Least entropy of a SQLCipher first page, in bits per byte.
pub(crate) const MIN_ENTROPY_BITS: f64 = 7.0;
/// Smallest SQLite (and SQLCipher) page.
const MIN_PAGE: u64 = 512;

/// What the first bytes and the size say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Starts with `SQLite format 3\0`.
    Sqlite,
    /// No known magic, whole pages, a random-looking first page.
    SqlcipherLike,
    /// No known magic and a random-looking first page, but not whole pages.
    HighEntropy,
    /// Anything else (a known non-database format, low entropy, too short).
    Unknown,
}

/// Magic numbers of formats that are not SQLCipher, at their offsets.
const MAGICS: [(usize, &[u8], &str); 24] = [
    (0, b"bplist00", "binary plist"),
    (0, b"<?xml", "XML"),
    (0, b"\x1f\x8b", "gzip"),
    (0, b"PK\x03\x04", "zip"),
    (0, b"\xfd7zXZ\x00", "xz"),
    (0, b"\x28\xb5\x2f\xfd", "zstd"),
    (0, b"BZh", "bzip2"),
    (0, b"7z\xbc\xaf\x27\x1c", "7z"),
    (0, b"\x04\x22\x4d\x18", "lz4"),
    (0, b"bvx", "lzfse"),
    (0, b"\x89PNG", "PNG"),
    (0, b"\xff\xd8\xff", "JPEG"),
    (0, b"GIF8", "GIF"),
    (0, b"RIFF", "RIFF"),
    (4, b"ftyp", "MP4/HEIC"),
    (0, b"%PDF", "PDF"),
    (0, b"wxgf", "WeChat wxgf image"),
    (0, b"\x07\x08V1\x08\x07", "WeChat V1 image"),
    (0, b"\x07\x08V2\x08\x07", "WeChat V2 image"),
    (0, b"\x00mlocate", "mlocate database"),
    (16, b"T-DB", "Realm database"),
    (0, b"#!SILK", "SILK audio"),
    (0, b"\x02#!SILK", "SILK audio"),
    (0, b"\x7fELF", "ELF"),
];

/// The format a known magic number at the start of `head` names, if any
/// (the SQLite magic is not in this list; see [`shape`]).
pub(crate) fn known_magic(head: &[u8]) -> Option<&'static str> {
    MAGICS
        .iter()
        .find(|(off, m, _)| head.get(*off..off + m.len()) == Some(*m))
        .map(|(_, _, name)| *name)
}

/// Shannon entropy of `b` in bits per byte (0 for an empty slice).
pub(crate) fn entropy(b: &[u8]) -> f64 {
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &x in b {
        counts[usize::from(x)] += 1;
    }
    let n = b.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// The shape of a file of `len` bytes whose first bytes are `head` (at least
/// [`ENTROPY_BYTES`] of them when the file is that long).
pub(crate) fn shape(head: &[u8], len: u64) -> Shape {
    if head.starts_with(SQLITE_MAGIC) {
        return Shape::Sqlite;
    }
    let first = &head[..head.len().min(ENTROPY_BYTES)];
    if known_magic(first).is_some()
        || (first.len() as u64) < MIN_PAGE
        || entropy(first) < MIN_ENTROPY_BITS
    {
        return Shape::Unknown;
    }
    if len > 0 && len.is_multiple_of(MIN_PAGE) {
        Shape::SqlcipherLike
    } else {
        Shape::HighEntropy
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Deterministic noise (SplitMix64).
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut s = seed;
        (0..len)
            .map(|_| {
                s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = s;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                (z ^ (z >> 31)) as u8
            })
            .collect()
    }

    #[test]
    fn sqlcipher_is_whole_pages_of_noise_with_no_known_magic() {
        let n = noise(4096, 1);
        assert_eq!(shape(&n, 4096), Shape::SqlcipherLike);
        assert_eq!(shape(&n, 1024 * 7), Shape::SqlcipherLike);
        assert_eq!(shape(&n[..512], 512), Shape::SqlcipherLike);
        // Cut inside a page: only a key can tell.
        assert_eq!(shape(&n, 4097), Shape::HighEntropy);
        assert_eq!(shape(&n, 4000), Shape::HighEntropy);
    }

    #[test]
    fn anything_else_is_unknown() {
        let mut sqlite = SQLITE_MAGIC.to_vec();
        sqlite.extend(noise(4080, 2));
        assert_eq!(shape(&sqlite, 4096), Shape::Sqlite);
        // Zeros, a repeated byte, text.
        assert_eq!(shape(&[0; 4096], 4096), Shape::Unknown);
        assert_eq!(shape(&[0x5a; 3000], 3000), Shape::Unknown);
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(100);
        assert_eq!(shape(text.as_bytes(), 4096), Shape::Unknown);
        // Too short to be a page.
        assert_eq!(shape(&noise(511, 3), 511), Shape::Unknown);
        assert_eq!(shape(&[], 0), Shape::Unknown);
        // Known magic numbers in front of noise (compressed data is as random as
        // ciphertext): mlocate's database, gzip, zip, a Realm file.
        for magic in [&b"\x00mlocate"[..], b"\x1f\x8b\x08\x00", b"PK\x03\x04"] {
            let mut f = magic.to_vec();
            f.extend(noise(4096 - magic.len(), 4));
            assert_eq!(shape(&f, 4096), Shape::Unknown, "{magic:?}");
        }
        let mut realm = noise(4096, 5);
        realm[16..20].copy_from_slice(b"T-DB");
        assert_eq!(shape(&realm, 4096), Shape::Unknown);
    }

    #[test]
    fn entropy_figures() {
        assert_eq!(entropy(&[]), 0.0);
        assert_eq!(entropy(&[7; 100]), 0.0);
        let all: Vec<u8> = (0..=255).collect();
        assert!((entropy(&all) - 8.0).abs() < 1e-9);
        // Random pages measure well above the threshold.
        for seed in 0..50 {
            assert!(entropy(&noise(1024, seed)) > 7.6);
            assert!(entropy(&noise(512, seed)) > 7.4);
        }
    }

    proptest! {
        /// Never panics, and a file with the SQLite magic is always SQLite.
        #[test]
        fn any_bytes(head in proptest::collection::vec(any::<u8>(), 0..2048), len in any::<u64>()) {
            let _ = shape(&head, len);
            let mut s = SQLITE_MAGIC.to_vec();
            s.extend(&head);
            prop_assert_eq!(shape(&s, len), Shape::Sqlite);
        }
    }
}
