//! SQLCipher page decryption with WeChat's parameters, in memory only.
//!
//! A SQLCipher file has no plaintext header: bytes 0..16 of page 1 are the
//! salt. Every page ends in `reserve` bytes: a 16-byte IV, then the HMAC,
//! then padding. AES-256-CBC covers page bytes `[o .. size − reserve)` (o = 16
//! on page 1, else 0); the HMAC covers `[o .. size − reserve + 16)` followed by
//! the page number as a little-endian u32 (1-based). The MAC key is
//! PBKDF2(enc_key, salt XOR 0x3a, 2 iterations, 32 bytes) with the profile's
//! hash. WeChat's profiles ([`PROFILES`], from the research notes §A.1):
//!
//! | profile | page | enc key from the 32-byte key | HMAC | reserve |
//! |---|---|---|---|---|
//! | 3.x main | 1024 | used raw | SHA-1 | 48 |
//! | 3.x webtemplate | 4096 | used raw | SHA-1 | 48 |
//! | 4.x per-database key | 4096 | used raw | SHA-512 | 80 |
//! | 4.x account key | 4096 | PBKDF2-SHA512, 256000 | SHA-512 | 80 |
//! | 3.x FTS | 1024 | PBKDF2-SHA1, 64000 | SHA-1 | 48 |
//! | 3.x mediaData | 4096 | PBKDF2-SHA1, 64000 | SHA-1 | 48 |
//!
//! [`unlock`] tries them in that order (cheap ones first) until page 1's HMAC
//! verifies; derived keys are cached per salt in the [`KeyRing`]. A key from
//! an `all_keys.json`-style map is the per-database key itself, so only the
//! raw-key profiles are tried with it. Every page
//! read through [`Decrypting`] has its HMAC verified before it is decrypted; a
//! page that fails is a [`PageError::Hmac`], never garbage. Decrypted page 1
//! gets `"SQLite format 3\0"` back and keeps byte 20 (reserved bytes) as
//! decrypted, so the b-tree's usable size stays right. WAL frames of an
//! encrypted database carry plaintext headers and a page encrypted under its
//! database page number, so the same layer serves them (it sits on top of the
//! WAL overlay). Keys and derived keys are never printed or logged (no
//! `Debug` shows them) and are wiped on drop.

use std::collections::HashMap;
use std::path::{Component, Path};
use std::sync::Mutex;

use aes::cipher::{BlockModeDecrypt, InOutBuf, InnerIvInit, KeyInit};
use aes::Aes256;
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha1::Sha1;
use sha2::Sha512;
use zeroize::Zeroizing;

use super::keyfile::KeyFile;
use super::pages::{PageError, PageSizeMismatch, PageSource};
use crate::readers::sqlite::header::SQLITE_MAGIC;

/// Salt length (the first bytes of page 1).
pub const SALT_LEN: usize = 16;
const IV_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// How the encryption key comes from the 32-byte key the user holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kdf {
    /// Used as it is.
    Raw,
    /// PBKDF2-HMAC-SHA1 with this many iterations.
    Pbkdf2Sha1(u32),
    /// PBKDF2-HMAC-SHA512 with this many iterations.
    Pbkdf2Sha512(u32),
}

/// The page HMAC (and the hash of the MAC-key derivation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HmacAlg {
    Sha1,
    Sha512,
}

impl HmacAlg {
    fn len(self) -> usize {
        match self {
            HmacAlg::Sha1 => 20,
            HmacAlg::Sha512 => 64,
        }
    }
}

/// One set of SQLCipher parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Stable name for reports.
    pub name: &'static str,
    pub page_size: u32,
    pub kdf: Kdf,
    pub hmac: HmacAlg,
    /// Reserved bytes at the end of each page (IV + HMAC, rounded up to 16).
    pub reserve: u32,
}

/// WeChat's profiles, in the order [`unlock`] tries them.
pub const PROFILES: [Profile; 6] = [
    Profile {
        name: "wechat3",
        page_size: 1024,
        kdf: Kdf::Raw,
        hmac: HmacAlg::Sha1,
        reserve: 48,
    },
    Profile {
        name: "wechat3-page4096",
        page_size: 4096,
        kdf: Kdf::Raw,
        hmac: HmacAlg::Sha1,
        reserve: 48,
    },
    Profile {
        name: "wechat4-database-key",
        page_size: 4096,
        kdf: Kdf::Raw,
        hmac: HmacAlg::Sha512,
        reserve: 80,
    },
    Profile {
        name: "wechat4",
        page_size: 4096,
        kdf: Kdf::Pbkdf2Sha512(256_000),
        hmac: HmacAlg::Sha512,
        reserve: 80,
    },
    Profile {
        name: "wechat3-fts",
        page_size: 1024,
        kdf: Kdf::Pbkdf2Sha1(64_000),
        hmac: HmacAlg::Sha1,
        reserve: 48,
    },
    Profile {
        name: "wechat3-mediadata",
        page_size: 4096,
        kdf: Kdf::Pbkdf2Sha1(64_000),
        hmac: HmacAlg::Sha1,
        reserve: 48,
    },
];

/// Whether a key opened an encrypted database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Page 1's HMAC verified with one of the profiles.
    Ok,
    /// A key was given for this database but no profile verifies page 1.
    Mismatch,
    /// No key was given for this database.
    None,
}

type Key32 = Zeroizing<[u8; KEY_LEN]>;
/// (base key index, salt, kdf): what a derived key depends on.
type DeriveKey = (usize, [u8; SALT_LEN], Kdf);

/// The keys of a run and the keys derived from them, cached per salt.
pub struct KeyRing {
    keys: KeyFile,
    /// Derived encryption keys.
    derived: Mutex<HashMap<DeriveKey, Key32>>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyRing(<keys hidden>)")
    }
}

impl KeyRing {
    pub fn new(keys: KeyFile) -> Self {
        KeyRing {
            keys,
            derived: Mutex::new(HashMap::new()),
        }
    }

    /// Puts a derived key in the cache (tests: unoptimised PBKDF2 with 256,000
    /// rounds takes seconds, so fixture tests seed keys other tools derived).
    #[cfg(test)]
    pub(crate) fn seed(&self, salt: [u8; SALT_LEN], kdf: Kdf, key: [u8; KEY_LEN]) {
        if let Ok(mut c) = self.derived.lock() {
            c.insert((0, salt, kdf), Zeroizing::new(key));
        }
    }

    /// The base keys that may open the database at `path` with `salt`, with
    /// their index (for the cache). An account key serves every database; a
    /// per-database file serves one by its salt, else by its relative path.
    fn candidates(&self, path: &Path, salt: &[u8; SALT_LEN]) -> Vec<(usize, &[u8; KEY_LEN])> {
        match &self.keys {
            KeyFile::Account(k) => vec![(0, &**k)],
            KeyFile::PerDatabase { entries, .. } => {
                if let Some(i) = entries.iter().position(|e| e.salt.as_ref() == Some(salt)) {
                    return vec![(i, &*entries[i].enc_key)];
                }
                entries
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.salt.is_none() && path_ends_with(path, &e.rel_path))
                    .map(|(i, e)| (i, &*e.enc_key))
                    .collect()
            }
        }
    }

    /// The encryption key for `base` under `kdf` and `salt`, derived once.
    fn derive(&self, idx: usize, base: &[u8; KEY_LEN], salt: &[u8; SALT_LEN], kdf: Kdf) -> Key32 {
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        match kdf {
            Kdf::Raw => {
                out.copy_from_slice(base);
                return out;
            }
            Kdf::Pbkdf2Sha1(_) | Kdf::Pbkdf2Sha512(_) => {}
        }
        let cache_key = (idx, *salt, kdf);
        if let Ok(cache) = self.derived.lock() {
            if let Some(k) = cache.get(&cache_key) {
                out.copy_from_slice(&**k);
                return out;
            }
        }
        match kdf {
            Kdf::Raw => {}
            Kdf::Pbkdf2Sha1(n) => pbkdf2::pbkdf2_hmac::<Sha1>(base, salt, n, &mut *out),
            Kdf::Pbkdf2Sha512(n) => pbkdf2::pbkdf2_hmac::<Sha512>(base, salt, n, &mut *out),
        }
        if let Ok(mut cache) = self.derived.lock() {
            cache.insert(cache_key, out.clone());
        }
        out
    }
}

/// `path` ends with the components of `rel` (`/` or `\` separated).
fn path_ends_with(path: &Path, rel: &str) -> bool {
    let want: Vec<&str> = rel
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if want.is_empty() {
        return false;
    }
    let have: Vec<&std::ffi::OsStr> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s),
            _ => None,
        })
        .collect();
    have.len() >= want.len()
        && have[have.len() - want.len()..]
            .iter()
            .zip(&want)
            .all(|(h, w)| *h == std::ffi::OsStr::new(w))
}

/// A pre-keyed HMAC state, cloned per page.
#[derive(Clone)]
enum MacState {
    Sha1(Hmac<Sha1>),
    Sha512(Hmac<Sha512>),
}

/// The keys of one database under one profile: AES key schedule and a keyed
/// HMAC state (both wiped on drop).
#[derive(Clone)]
pub struct PageKeys {
    aes: Aes256,
    mac: MacState,
    profile: Profile,
}

impl std::fmt::Debug for PageKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PageKeys({}, <keys hidden>)", self.profile.name)
    }
}

impl PageKeys {
    /// Keys for `profile` from the encryption key and the file's salt.
    pub fn new(profile: Profile, enc_key: &[u8; KEY_LEN], salt: &[u8; SALT_LEN]) -> Option<Self> {
        let mut mac_salt = *salt;
        for b in &mut mac_salt {
            *b ^= 0x3a;
        }
        let mut mac_key = Zeroizing::new([0u8; KEY_LEN]);
        let aes = Aes256::new_from_slice(enc_key).ok()?;
        let mac = match profile.hmac {
            HmacAlg::Sha1 => {
                pbkdf2::pbkdf2_hmac::<Sha1>(enc_key, &mac_salt, 2, &mut *mac_key);
                MacState::Sha1(<Hmac<Sha1> as KeyInit>::new_from_slice(&*mac_key).ok()?)
            }
            HmacAlg::Sha512 => {
                pbkdf2::pbkdf2_hmac::<Sha512>(enc_key, &mac_salt, 2, &mut *mac_key);
                MacState::Sha512(<Hmac<Sha512> as KeyInit>::new_from_slice(&*mac_key).ok()?)
            }
        };
        Some(PageKeys { aes, mac, profile })
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Byte ranges of a page: (start of encrypted data, end of it = IV start).
    fn bounds(&self, pgno: u32) -> (usize, usize) {
        let start = if pgno == 1 { SALT_LEN } else { 0 };
        let end = (self.profile.page_size - self.profile.reserve) as usize;
        (start, end)
    }

    /// Page `pgno`'s stored HMAC matches its bytes (constant-time compare).
    pub fn verify(&self, pgno: u32, page: &[u8]) -> bool {
        if page.len() != self.profile.page_size as usize {
            return false;
        }
        let (start, end) = self.bounds(pgno);
        let covered = &page[start..end + IV_LEN];
        let stored = &page[end + IV_LEN..end + IV_LEN + self.profile.hmac.len()];
        let n = pgno.to_le_bytes();
        match &self.mac {
            MacState::Sha1(m) => {
                let mut m = m.clone();
                m.update(covered);
                m.update(&n);
                m.verify_slice(stored).is_ok()
            }
            MacState::Sha512(m) => {
                let mut m = m.clone();
                m.update(covered);
                m.update(&n);
                m.verify_slice(stored).is_ok()
            }
        }
    }

    /// Decrypts a verified page in place; page 1 gets the SQLite magic back.
    /// The reserved tail is left as it is.
    fn decrypt(&self, pgno: u32, page: &mut [u8]) {
        let (start, end) = self.bounds(pgno);
        let (data, tail) = page.split_at_mut(end);
        let Ok(dec) =
            cbc::Decryptor::<Aes256>::inner_iv_slice_init(self.aes.clone(), &tail[..IV_LEN])
        else {
            return;
        };
        let (blocks, _) = InOutBuf::from(&mut data[start..]).into_chunks();
        let mut dec = dec;
        dec.decrypt_blocks_inout(blocks);
        if pgno == 1 {
            page[..SALT_LEN].copy_from_slice(SQLITE_MAGIC);
        }
    }

    /// Encrypts a plaintext page the way SQLCipher writes it (tests only): for
    /// page 1 the first 16 bytes become `salt`; `iv` fills the IV.
    #[cfg(test)]
    pub(crate) fn encrypt(&self, pgno: u32, page: &mut [u8], iv: &[u8; 16], salt: &[u8; 16]) {
        use aes::cipher::BlockModeEncrypt;
        let (start, end) = self.bounds(pgno);
        let (data, tail) = page.split_at_mut(end);
        tail[..IV_LEN].copy_from_slice(iv);
        let mut enc = cbc::Encryptor::<Aes256>::inner_iv_slice_init(self.aes.clone(), iv).unwrap();
        let (blocks, _) = InOutBuf::from(&mut data[start..]).into_chunks();
        enc.encrypt_blocks_inout(blocks);
        if pgno == 1 {
            page[..SALT_LEN].copy_from_slice(salt);
        }
        let hl = self.profile.hmac.len();
        let covered = page[start..end + IV_LEN].to_vec();
        let n = pgno.to_le_bytes();
        let tag: Vec<u8> = match &self.mac {
            MacState::Sha1(m) => {
                let mut m = m.clone();
                m.update(&covered);
                m.update(&n);
                m.finalize().into_bytes().to_vec()
            }
            MacState::Sha512(m) => {
                let mut m = m.clone();
                m.update(&covered);
                m.update(&n);
                m.finalize().into_bytes().to_vec()
            }
        };
        page[end + IV_LEN..end + IV_LEN + hl].copy_from_slice(&tag);
    }
}

/// The result of trying a database's keys.
#[derive(Debug)]
pub enum Unlock {
    /// No key applies to this database.
    NoKey,
    /// Keys apply but none verifies page 1.
    Mismatch,
    /// This profile's keys verify page 1.
    Ok(Box<PageKeys>),
}

impl Unlock {
    pub fn status(&self) -> KeyStatus {
        match self {
            Unlock::NoKey => KeyStatus::None,
            Unlock::Mismatch => KeyStatus::Mismatch,
            Unlock::Ok(_) => KeyStatus::Ok,
        }
    }
}

/// Tries every profile with every key that applies to the database at
/// `path` whose page 1 starts with `salt`: first the profiles whose page size
/// is `likely` (e.g. divides the file's length), then the others, each group
/// cheapest first. A per-database key (from a JSON map) is already derived,
/// so only the raw-key profiles apply to it. `raw_page1(page_size)` gives
/// page 1 as stored (file or WAL) for a page size, or `None` when the
/// database cannot have that page size.
pub fn unlock(
    ring: &KeyRing,
    path: &Path,
    salt: &[u8; SALT_LEN],
    likely: impl Fn(u32) -> bool,
    mut raw_page1: impl FnMut(u32) -> Option<Zeroizing<Vec<u8>>>,
) -> Unlock {
    let bases = ring.candidates(path, salt);
    if bases.is_empty() {
        return Unlock::NoKey;
    }
    let derived_only = matches!(ring.keys, KeyFile::PerDatabase { .. });
    let mut pages: HashMap<u32, Option<Zeroizing<Vec<u8>>>> = HashMap::new();
    let mut order = PROFILES;
    order.sort_by_key(|p| !likely(p.page_size));
    for profile in order {
        if derived_only && profile.kdf != Kdf::Raw {
            continue;
        }
        let page = pages
            .entry(profile.page_size)
            .or_insert_with(|| raw_page1(profile.page_size));
        let Some(page) = page.as_ref() else {
            continue;
        };
        for (idx, base) in &bases {
            let enc = ring.derive(*idx, base, salt, profile.kdf);
            if let Some(keys) = PageKeys::new(profile, &enc, salt) {
                if keys.verify(1, page) {
                    return Unlock::Ok(Box::new(keys));
                }
            }
        }
    }
    Unlock::Mismatch
}

/// Pages of `inner` (stored encrypted: file, or file plus WAL) served
/// decrypted, each HMAC-verified first.
#[derive(Debug)]
pub struct Decrypting<S> {
    inner: S,
    keys: PageKeys,
    zero_pages_ok: bool,
}

impl<S: PageSource> Decrypting<S> {
    /// `inner` must have the profile's page size.
    pub fn new(inner: S, keys: PageKeys) -> Result<Self, PageSizeMismatch> {
        if inner.page_size() != keys.profile.page_size {
            return Err(PageSizeMismatch {
                wal: inner.page_size(),
                db: keys.profile.page_size,
            });
        }
        Ok(Decrypting {
            inner,
            keys,
            zero_pages_ok: false,
        })
    }

    /// SQLCipher accepts an all-zero page in an auto-vacuum database (a page
    /// SQLite read past the end of the file); so do we once this is set.
    pub fn accept_zero_pages(&mut self, on: bool) {
        self.zero_pages_ok = on;
    }
}

impl<S: PageSource> PageSource for Decrypting<S> {
    fn page_size(&self) -> u32 {
        self.inner.page_size()
    }
    fn page_count(&self) -> u32 {
        self.inner.page_count()
    }
    fn read_page(&self, pgno: u32, buf: &mut [u8]) -> Result<(), PageError> {
        self.inner.read_page(pgno, buf)?;
        if !self.keys.verify(pgno, buf) {
            if self.zero_pages_ok && buf.iter().all(|&b| b == 0) {
                return Ok(());
            }
            buf.fill(0);
            return Err(PageError::Hmac { pgno });
        }
        self.keys.decrypt(pgno, buf);
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
