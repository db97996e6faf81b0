//! Synthetic WeChat for macOS data container, for benchmarks and scanner tests.
//!
//! ```text
//! cargo run --release --example synth -- --files N [--seed S] [--layout both|v3|v4]
//!     [--links none|some|half|all] OUT
//! ```
//!
//! Writes a deterministic tree under `OUT` (which must not exist, or be empty): the same
//! `--files`, `--seed` and `--layout` give the same names, sizes, mtimes and hard links. All
//! randomness comes from one splitmix64 stream consumed in a fixed order, and the only floating
//! point operations used are `+ - * / sqrt round`, which IEEE 754 rounds identically on every
//! platform (no libm `exp`/`ln`/`pow`), so the tree is the same on Linux and macOS.
//!
//! Files are sparse: `set_len` to the synthetic size, then only a few header bytes (real magic
//! numbers: JPEG, MP4, SILK, V1/V2 `.dat`, SQLite, SQLCipher noise, WAL, ...). A 1M-file tree
//! takes roughly one filesystem block per non-empty file on disk.
//!
//! The layout follows `shared/docs/wechat-macos-layout.md` §1–§3 (3.x `2.0b4.0.9/<md5>/...`,
//! 4.x `xwechat_files/<wxid>_<4hex>/...`). Exactly `N` regular-file directory entries are
//! created, hard links included; no directory holds more than `DIR_CAP` entries.
//!
//! Hard links (`--links`): `some` (the default) re-uses an earlier image, video or file from
//! another chat for 3.5 % of media events (about 1 % of entries); `none` makes none (the
//! link-free twin for memory comparisons); `half` links forwarded media into other chats of the
//! same account until half of the media entries have two or more links (as WeChat's `Hardlink`
//! tables suggest: one received image forwarded into several chats); `all` gives every file a
//! second link `hl-<name>` in its own folder (`--files` must then be even).

#[path = "common/md5.rs"]
mod md5;
#[path = "common/splitmix.rs"]
mod splitmix;
use md5::md5_hex;

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};

/// Newest timestamp in the tree: 2025-10-15T00:00:00Z (fixed, so output does not depend on "now").
const END: i64 = 1_760_486_400;
/// About six years of history.
const START: i64 = END - 6 * 365 * 86_400 - 86_400;
/// 2025-08-01T00:00:00Z: 4.x images written after this use the V2 `.dat` format.
const V2_FROM: i64 = 1_754_006_400;
/// 3.x accounts stop receiving data here (the user migrated to 4.x).
const V3_END: i64 = END - 200 * 86_400;
/// 4.x history starts here (migrated history included).
const V4_START: i64 = START + 120 * 86_400;
/// Maximum entries per directory.
const DIR_CAP: u32 = 3_000;
const VERSION_DIR: &str = "2.0b4.0.9";
const KB: f64 = 1024.0;
const MB: f64 = 1024.0 * 1024.0;
const GB: f64 = 1024.0 * 1024.0 * 1024.0;

/// How many hard links the tree gets (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
enum Links {
    /// No hard links at all.
    None,
    /// 3.5 % of media events re-use an earlier file from another chat (today's trees).
    Some,
    /// Half of the media entries have two or more links (forwarded media).
    Half,
    /// Every file has exactly two links (`hl-<name>` next to it).
    All,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
enum Layout {
    Both,
    V3,
    V4,
}

/// Generate a synthetic WeChat for macOS container (sparse files, deterministic per seed).
#[derive(Parser, Debug)]
#[command(name = "synth")]
struct Args {
    /// Number of regular-file directory entries to create (hard links included).
    #[arg(long)]
    files: u64,
    /// PRNG seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Which WeChat generations to lay out.
    #[arg(long, value_enum, default_value_t = Layout::Both)]
    layout: Layout,
    /// Hard links: none, some (about 1 % of entries), half (half the media), all (two links each).
    #[arg(long, value_enum, default_value_t = Links::Some)]
    links: Links,
    /// Output directory (must not exist, or be empty).
    out: PathBuf,
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/// splitmix64 (Steele, Lea, Flood 2014).
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        splitmix::next(&mut self.0)
    }
    /// Uniform in [0, 1).
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform in [0, n); n > 0.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    /// Uniform in [lo, hi].
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    /// Approximately standard normal (Irwin–Hall, 12 uniforms): only + and -.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.f64()).sum::<f64>() - 6.0
    }
    /// Log-normal size in bytes, clamped to [lo, hi].
    fn size(&mut self, median: f64, sigma: f64, lo: f64, hi: f64) -> u64 {
        let v = median * exp_det(sigma * self.normal());
        v.min(hi).max(lo) as u64
    }
    /// Timestamp in [lo, hi], density rising linearly towards hi (people use WeChat more over time).
    fn time(&mut self, lo: i64, hi: i64) -> i64 {
        lo + ((hi - lo) as f64 * self.f64().sqrt()) as i64
    }
    fn hex(&mut self, n: usize) -> String {
        const H: &[u8; 16] = b"0123456789abcdef";
        (0..n).map(|_| H[self.below(16) as usize] as char).collect()
    }
    fn alnum(&mut self, n: usize) -> String {
        const A: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..n).map(|_| A[self.below(36) as usize] as char).collect()
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|i| {
                let lo = if i == 0 { 1 } else { 0 };
                char::from(b'0' + self.range(lo, 9) as u8)
            })
            .collect()
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// exp(x) with only correctly rounded IEEE operations, so results are identical on every platform.
fn exp_det(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    let x = x.clamp(-60.0, 60.0);
    let k = (x / LN2).round();
    let r = x - k * LN2;
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    for i in 1..=18 {
        term *= r / f64::from(i);
        sum += term;
    }
    sum * f64::from_bits(((1023 + k as i64) as u64) << 52)
}

// ---------------------------------------------------------------------------------------------
// MD5 (RFC 1321): WeChat names 3.x account dirs and chat dirs md5(username).

/// `YYYY-MM` (UTC) of a Unix time (Hinnant's civil-from-days).
fn month(t: i64) -> String {
    let z = t.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}")
}

/// `YYYYMMDD` (UTC).
fn day(t: i64) -> String {
    let ym = month(t);
    let z = t.div_euclid(86_400) + 719_468;
    let doe = z - z.div_euclid(146_097) * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    format!("{}{:02}", ym.replace('-', ""), d)
}

// ---------------------------------------------------------------------------------------------
// File headers (only these bytes are written; the rest of each file is a hole)

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01,
];
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const GIF: &[u8] = b"GIF89a";
const MP4: &[u8] = &[
    0, 0, 0, 0x20, b'f', b't', b'y', b'p', b'i', b's', b'o', b'm', 0, 0, 2, 0,
];
const MOV: &[u8] = &[
    0, 0, 0, 0x14, b'f', b't', b'y', b'p', b'q', b't', b' ', b' ',
];
const SILK: &[u8] = b"\x02#!SILK_V3";
const ZIP: &[u8] = &[b'P', b'K', 3, 4, 20, 0, 6, 0];
const PDF: &[u8] = b"%PDF-1.7\n";
const RAR: &[u8] = b"Rar!\x1a\x07\x01\x00";
const SEVENZ: &[u8] = &[b'7', b'z', 0xBC, 0xAF, 0x27, 0x1C];

fn wav_header(size: u64) -> Vec<u8> {
    let mut h = b"RIFF".to_vec();
    h.extend_from_slice(&(size.saturating_sub(8) as u32).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h
}

/// A 100-byte SQLite database header (fileformat2 §1.3), WAL mode.
fn sqlite_header(rng: &mut Rng, size: u64, page: u32) -> Vec<u8> {
    let mut h = vec![0u8; 100];
    h[..16].copy_from_slice(b"SQLite format 3\0");
    let ps: u16 = if page == 65_536 { 1 } else { page as u16 };
    h[16..18].copy_from_slice(&ps.to_be_bytes());
    h[18] = 2; // write version: WAL
    h[19] = 2;
    h[21] = 64;
    h[22] = 32;
    h[23] = 32;
    let change = rng.range(1, 100_000) as u32;
    let pages = (size / u64::from(page)) as u32;
    h[24..28].copy_from_slice(&change.to_be_bytes());
    h[28..32].copy_from_slice(&pages.to_be_bytes());
    let free = rng.below(u64::from(pages / 8 + 1)) as u32;
    if free > 0 {
        h[32..36].copy_from_slice(&pages.saturating_sub(free).max(2).to_be_bytes());
    }
    h[36..40].copy_from_slice(&free.to_be_bytes());
    h[40..44].copy_from_slice(&(rng.range(1, 200) as u32).to_be_bytes());
    h[44..48].copy_from_slice(&4u32.to_be_bytes());
    h[56..60].copy_from_slice(&1u32.to_be_bytes()); // UTF-8
    h[92..96].copy_from_slice(&change.to_be_bytes());
    h[96..100].copy_from_slice(&3_045_001u32.to_be_bytes());
    h
}

/// SQLCipher: the first 16 bytes are the salt and everything after is ciphertext (noise).
fn sqlcipher_header(rng: &mut Rng) -> Vec<u8> {
    rng.bytes(48)
}

/// 32-byte WAL header (magic, format 3007000, page size, checkpoint seq, salts, checksums).
fn wal_header(rng: &mut Rng, page: u32) -> Vec<u8> {
    let mut h = Vec::with_capacity(32);
    h.extend_from_slice(&0x377F_0682u32.to_be_bytes());
    h.extend_from_slice(&3_007_000u32.to_be_bytes());
    h.extend_from_slice(&page.to_be_bytes());
    h.extend_from_slice(&(rng.below(50) as u32).to_be_bytes());
    h.extend_from_slice(&rng.bytes(16));
    h
}

/// 4.x image `.dat`: V1/V2 (`07 08 56 3x 08 07`, aes_len, xor_len, pad) or old single-byte XOR.
fn dat_header(rng: &mut Rng, t: i64, xor_key: u8, magic: &[u8]) -> Vec<u8> {
    let v2 = t >= V2_FROM;
    if v2 || rng.chance(0.6) {
        let mut h = vec![0x07, 0x08, 0x56, if v2 { 0x32 } else { 0x31 }, 0x08, 0x07];
        h.extend_from_slice(&1024u32.to_le_bytes());
        h.extend_from_slice(&(rng.range(0, 0x100_000) as u32).to_le_bytes());
        h.push(0);
        h.extend_from_slice(&rng.bytes(16));
        h
    } else {
        magic.iter().map(|b| b ^ xor_key).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// The writer

struct DirInfo {
    entries: u32,
    mtime: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
enum LinkKind {
    V3Image,
    V3Video,
    V3File,
    V4Image,
}

#[derive(Clone)]
struct LinkCand {
    path: PathBuf,
    name: String,
    kind: LinkKind,
    chat: usize,
    size: u64,
    /// Links made to it so far (`--links half` stops at `MAX_FORWARDS`).
    links: u32,
}

struct Gen {
    root: PathBuf,
    rng: Rng,
    /// Regular-file entries written (new files + hard links).
    files: u64,
    /// Stop writing once `files` reaches this.
    limit: u64,
    links: u64,
    /// Entries whose inode has two or more links (sources of links included).
    linked: u64,
    /// Link sources seen so far (to count `linked`).
    linked_src: HashSet<PathBuf>,
    /// Entries written by media events (the denominator of `--links half`).
    media_entries: u64,
    mode: Links,
    bytes_unique: u64,
    bytes_links: u64,
    dirs: HashMap<PathBuf, DirInfo>,
    /// File paths whose names are not unique by construction (original file names).
    taken: HashSet<PathBuf>,
    pool: Vec<LinkCand>,
    /// `--links half`: candidates per `LinkKind`, so a link always finds one of its kind.
    pools: [Vec<LinkCand>; 4],
}

impl Gen {
    fn ensure_dir(&mut self, dir: &Path) -> Result<()> {
        if self.dirs.contains_key(dir) {
            return Ok(());
        }
        fs::create_dir_all(dir).with_context(|| format!("mkdir {}", dir.display()))?;
        let mut fresh = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d {
            if self.dirs.contains_key(p) || !p.starts_with(&self.root) {
                break;
            }
            fresh.push(p.to_path_buf());
            d = p.parent();
        }
        for p in &fresh {
            self.dirs.insert(
                p.clone(),
                DirInfo {
                    entries: 0,
                    mtime: 0,
                },
            );
        }
        for p in &fresh {
            if let Some(info) = p.parent().and_then(|q| self.dirs.get_mut(q)) {
                info.entries += 1;
            }
        }
        Ok(())
    }

    fn room(&self, dir: &Path, n: u32) -> bool {
        self.dirs.get(dir).is_none_or(|d| d.entries + n <= DIR_CAP)
    }

    fn note(&mut self, dir: &Path, mtime: i64) {
        if let Some(info) = self.dirs.get_mut(dir) {
            info.entries += 1;
            info.mtime = info.mtime.max(mtime);
        }
    }

    /// Create one sparse file. Returns false (and writes nothing) when the file budget is spent,
    /// the directory is full, or the path exists.
    fn put(&mut self, dir: &Path, name: &str, size: u64, mtime: i64, head: &[u8]) -> Result<bool> {
        // `--links all`: the file and its second link `hl-<name>` go in together.
        let n = if self.mode == Links::All { 2 } else { 1 };
        if self.files + n > self.limit || !self.room(dir, n as u32) {
            return Ok(false);
        }
        self.ensure_dir(dir)?;
        let path = dir.join(name);
        let mut f = match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(e).with_context(|| format!("create {}", path.display())),
        };
        let n = head.len().min(usize::try_from(size).unwrap_or(usize::MAX));
        if n > 0 {
            f.write_all(&head[..n])?;
        }
        if size > n as u64 {
            f.set_len(size)?;
        }
        f.set_modified(systime(mtime))?;
        self.files += 1;
        self.bytes_unique += size;
        self.bytes_links += size;
        self.note(dir, mtime);
        if self.mode == Links::All {
            let twin = dir.join(format!("hl-{name}"));
            fs::hard_link(&path, &twin).with_context(|| format!("link {}", twin.display()))?;
            self.files += 1;
            self.links += 1;
            self.linked += 2;
            self.bytes_links += size;
            self.note(dir, mtime);
        }
        Ok(true)
    }

    /// Create a file whose name may collide: WeChat appends `(1)`, `(2)`, ... before the extension.
    fn put_unique(
        &mut self,
        dir: &Path,
        name: &str,
        size: u64,
        t: i64,
        head: &[u8],
    ) -> Result<Option<String>> {
        let (stem, ext) = match name.rfind('.') {
            Some(i) if i > 0 => (&name[..i], &name[i..]),
            _ => (name, ""),
        };
        for k in 0..50 {
            let cand = if k == 0 {
                name.to_string()
            } else {
                format!("{stem}({k}){ext}")
            };
            let p = dir.join(&cand);
            if self.taken.contains(&p) {
                continue;
            }
            if self.put(dir, &cand, size, t, head)? {
                self.taken.insert(p);
                return Ok(Some(cand));
            }
            return Ok(None);
        }
        Ok(None)
    }

    fn link(&mut self, src: &Path, dir: &Path, name: &str, size: u64) -> Result<bool> {
        if self.files >= self.limit || !self.room(dir, 1) {
            return Ok(false);
        }
        self.ensure_dir(dir)?;
        let dst = dir.join(name);
        if self.taken.contains(&dst) {
            return Ok(false);
        }
        match fs::hard_link(src, &dst) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
            Err(e) => return Err(e).with_context(|| format!("link {}", dst.display())),
        }
        self.taken.insert(dst);
        self.files += 1;
        self.links += 1;
        // The source becomes a hard-linked entry with its first link.
        self.linked += if self.linked_src.insert(src.to_path_buf()) {
            2
        } else {
            1
        };
        self.bytes_links += size;
        self.note(dir, 0);
        Ok(true)
    }

    fn remember(&mut self, cand: LinkCand) {
        const POOL: usize = 4096;
        match self.mode {
            Links::None | Links::All => return,
            Links::Half => {
                let k = cand.kind as usize;
                if self.pools[k].len() < POOL {
                    self.pools[k].push(cand);
                } else {
                    let i = self.rng.below(POOL as u64) as usize;
                    self.pools[k][i] = cand;
                }
                return;
            }
            Links::Some => {}
        }
        if self.pool.len() < POOL {
            self.pool.push(cand);
        } else {
            let i = self.rng.below(POOL as u64) as usize;
            self.pool[i] = cand;
        }
    }

    /// A database plus (usually) its `-wal` and `-shm` sidecars.
    fn db(&mut self, dir: &Path, name: &str, spec: DbSpec, t: i64) -> Result<()> {
        let page = u64::from(spec.page);
        let size = (self
            .rng
            .size(spec.median, 0.7, page as f64 * 2.0, spec.median * 20.0)
            / page)
            .max(2)
            * page;
        let head = if spec.plain {
            sqlite_header(&mut self.rng, size, spec.page)
        } else {
            sqlcipher_header(&mut self.rng)
        };
        self.put(dir, name, size, t, &head)?;
        if spec.sidecars {
            let wal = match spec.wal_fixed {
                Some(w) => w,
                None if self.rng.chance(0.3) => 0,
                None => 32 + (page + 24) * self.rng.range(1, 2000),
            };
            let h = if wal > 0 {
                wal_header(&mut self.rng, spec.page)
            } else {
                Vec::new()
            };
            self.put(dir, &format!("{name}-wal"), wal, t, &h)?;
            let shm_head = 3_007_000u32.to_le_bytes();
            self.put(dir, &format!("{name}-shm"), 32_768, t, &shm_head)?;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
struct DbSpec {
    median: f64,
    page: u32,
    plain: bool,
    sidecars: bool,
    wal_fixed: Option<u64>,
}

const fn v3db(median: f64) -> DbSpec {
    DbSpec {
        median,
        page: 1024,
        plain: false,
        sidecars: true,
        wal_fixed: None,
    }
}
const fn v4db(median: f64) -> DbSpec {
    DbSpec {
        median,
        page: 4096,
        plain: false,
        sidecars: true,
        wal_fixed: Some(4 * 1024 * 1024),
    }
}
const fn plaindb(median: f64) -> DbSpec {
    DbSpec {
        median,
        page: 4096,
        plain: true,
        sidecars: true,
        wal_fixed: None,
    }
}

fn systime(t: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(t).unwrap_or(0))
}

// ---------------------------------------------------------------------------------------------
// Accounts and chats

struct Chat {
    hash: String,
    next_id: u64,
}

struct Account {
    wxid: String,
    /// 3.x account dir: md5(wxid).
    v3_dir: String,
    /// 4.x account dir: `<wxid>_<4hex>`.
    v4_dir: String,
    chats: Vec<Chat>,
    cum: Vec<f64>,
    /// Share of the media budget.
    share: f64,
    t_lo: i64,
    t_hi: i64,
    xor_key: u8,
}

fn username(rng: &mut Rng) -> String {
    let r = rng.f64();
    if r < 0.55 {
        format!("wxid_{}", rng.alnum(14))
    } else if r < 0.92 {
        let n = rng.range(8, 11) as usize;
        format!("{}@chatroom", rng.digits(n))
    } else if r < 0.97 {
        format!("gh_{}", rng.hex(12))
    } else {
        // old custom WeChat ID
        let stem = *rng.pick(&["lily", "chen", "wang_li", "zhang", "mike", "Suhang"]);
        format!("{stem}{}", rng.digits(6))
    }
}

fn chats_for(rng: &mut Rng, users: &[String]) -> (Vec<Chat>, Vec<f64>) {
    let chats: Vec<Chat> = users
        .iter()
        .map(|u| Chat {
            hash: md5_hex(u),
            next_id: rng.range(1, 5000),
        })
        .collect();
    // Zipf(1.0) activity: a handful of chats hold most of the media.
    let mut cum = Vec::with_capacity(chats.len());
    let mut acc = 0.0;
    for rank in 0..chats.len() {
        acc += 1.0 / (rank as f64 + 1.5);
        cum.push(acc);
    }
    (chats, cum)
}

fn pick_weighted(rng: &mut Rng, cum: &[f64]) -> usize {
    let total = cum.last().copied().unwrap_or(1.0);
    let x = rng.f64() * total;
    cum.partition_point(|&c| c <= x)
        .min(cum.len().saturating_sub(1))
}

// ---------------------------------------------------------------------------------------------
// Original file names for received files

const FILE_STEMS: &[&str] = &[
    "产学研数据2",
    "合同扫描件",
    "会议纪要",
    "报价单",
    "年终总结",
    "项目计划书",
    "发票",
    "简历_张伟",
    "Q3 report",
    "invoice_2023",
    "budget final",
    "slides",
    "IMG_2041",
    "scan0001",
    "photos",
    "设计稿",
    "需求文档v3",
    "课程表",
    "旅行攻略",
    "家长会通知",
    "财务报表",
    "design-spec",
    "meeting notes",
    "contract_signed",
    "README",
    "data export",
    "backup",
    "安装包",
    "素材",
];

/// (extension, header, median bytes, sigma, max bytes, weight)
type ExtSpec = (&'static str, &'static [u8], f64, f64, f64, u32);
const FILE_EXTS: &[ExtSpec] = &[
    ("pdf", PDF, 900.0 * KB, 1.2, 400.0 * MB, 20),
    ("docx", ZIP, 150.0 * KB, 1.0, 80.0 * MB, 14),
    ("xlsx", ZIP, 90.0 * KB, 1.1, 120.0 * MB, 12),
    ("pptx", ZIP, 4.0 * MB, 1.0, 600.0 * MB, 6),
    (
        "doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        80.0 * KB,
        1.0,
        40.0 * MB,
        3,
    ),
    ("zip", ZIP, 5.0 * MB, 1.6, 6.0 * GB, 8),
    ("rar", RAR, 6.0 * MB, 1.5, 4.0 * GB, 3),
    ("7z", SEVENZ, 8.0 * MB, 1.5, 4.0 * GB, 1),
    ("txt", b"hello\n", 4.0 * KB, 1.2, 20.0 * MB, 5),
    ("csv", b"id,name,value\n", 40.0 * KB, 1.4, 300.0 * MB, 3),
    ("apk", ZIP, 30.0 * MB, 0.8, 2.0 * GB, 2),
    ("dmg", b"", 150.0 * MB, 0.9, 8.0 * GB, 1),
    ("mp4", MP4, 15.0 * MB, 1.3, 6.0 * GB, 4),
    ("mov", MOV, 25.0 * MB, 1.2, 8.0 * GB, 2),
    ("jpg", JPEG, 2.0 * MB, 0.8, 30.0 * MB, 6),
    ("png", PNG, 1.0 * MB, 1.0, 30.0 * MB, 3),
    ("psd", b"8BPS", 30.0 * MB, 1.0, 3.0 * GB, 1),
    ("mp3", b"ID3\x04", 5.0 * MB, 0.6, 200.0 * MB, 2),
];

fn random_file(rng: &mut Rng) -> (String, u64, &'static [u8]) {
    let total: u32 = FILE_EXTS.iter().map(|e| e.5).sum();
    let mut x = rng.below(u64::from(total)) as u32;
    let mut spec = FILE_EXTS[0];
    for e in FILE_EXTS {
        if x < e.5 {
            spec = *e;
            break;
        }
        x -= e.5;
    }
    let stem = rng.pick(FILE_STEMS);
    let name = if rng.chance(0.5) {
        format!("{stem}.{}", spec.0)
    } else {
        format!("{stem}_{}.{}", rng.range(1, 999), spec.0)
    };
    let size = rng.size(spec.2, spec.3, 200.0, spec.4);
    (name, size, spec.1)
}

// ---------------------------------------------------------------------------------------------
// Event kinds

#[derive(Clone, Copy)]
enum Ev {
    Image,
    Video,
    Audio,
    File,
    OpenData,
    DfTemp,
    Sticker,
    Favorite,
    Avatar,
    // 4.x only
    AttachVideo,
    Voice,
    Cache,
    RwTemp,
    HeadImage,
    Emoticon,
    Fav4,
}

const V3_EVENTS: &[(Ev, u32)] = &[
    (Ev::Image, 500),
    (Ev::Video, 50),
    (Ev::Audio, 180),
    (Ev::File, 60),
    (Ev::OpenData, 10),
    (Ev::DfTemp, 3),
    (Ev::Sticker, 30),
    (Ev::Favorite, 15),
    (Ev::Avatar, 12),
];

const V4_EVENTS: &[(Ev, u32)] = &[
    (Ev::Image, 500),
    (Ev::Video, 50),
    (Ev::AttachVideo, 7),
    (Ev::Voice, 3),
    (Ev::File, 60),
    (Ev::Cache, 120),
    (Ev::RwTemp, 20),
    (Ev::HeadImage, 10),
    (Ev::Emoticon, 30),
    (Ev::Fav4, 15),
];

fn pick_event(rng: &mut Rng, table: &[(Ev, u32)]) -> Ev {
    let total: u32 = table.iter().map(|e| e.1).sum();
    let mut x = rng.below(u64::from(total)) as u32;
    for (ev, w) in table {
        if x < *w {
            return *ev;
        }
        x -= w;
    }
    table[0].0
}

/// Probability that a media event re-uses (hard-links) an earlier file from another chat.
const LINK_P: f64 = 0.035;
/// `--links half`: at most this many other chats get a link to one received file.
const MAX_FORWARDS: u32 = 4;

struct Paths {
    data: PathBuf,
}

impl Paths {
    fn v3_version(&self) -> PathBuf {
        self.data
            .join("Library/Application Support/com.tencent.xinWeChat")
            .join(VERSION_DIR)
    }
    fn xwechat(&self) -> PathBuf {
        self.data.join("Documents/xwechat_files")
    }
}

impl Gen {
    fn pick_chat(
        &mut self,
        a: &Account,
        sub: impl Fn(&str) -> PathBuf,
        need: u32,
    ) -> Option<(usize, PathBuf)> {
        for _ in 0..16 {
            let i = pick_weighted(&mut self.rng, &a.cum);
            let dir = sub(&a.chats[i].hash);
            if self.room(&dir, need) {
                return Some((i, dir));
            }
        }
        None
    }

    fn try_link(&mut self, kind: LinkKind, chat: usize) -> Option<LinkCand> {
        match self.mode {
            Links::None | Links::All => return None,
            Links::Half => {
                // Link while fewer than half of the media entries are hard-linked.
                let k = kind as usize;
                if self.pools[k].is_empty() || self.linked * 2 >= self.media_entries {
                    return None;
                }
                for _ in 0..8 {
                    let i = self.rng.below(self.pools[k].len() as u64) as usize;
                    let c = &mut self.pools[k][i];
                    if c.chat != chat && c.links < MAX_FORWARDS {
                        c.links += 1;
                        return Some(c.clone());
                    }
                }
                return None;
            }
            Links::Some => {}
        }
        if self.pool.is_empty() || !self.rng.chance(LINK_P) {
            return None;
        }
        let c = self.pool[self.rng.below(self.pool.len() as u64) as usize].clone();
        (c.kind == kind && c.chat != chat).then_some(c)
    }

    /// One 3.x media event. Returns whether anything was written.
    fn v3_event(&mut self, a: &mut Account, base: &Path, version: &Path, ev: Ev) -> Result<bool> {
        let mt = base.join("Message/MessageTemp");
        let t = self.rng.time(a.t_lo, a.t_hi);
        match ev {
            Ev::Image | Ev::Video | Ev::Audio | Ev::File | Ev::OpenData | Ev::DfTemp => {
                let sub = match ev {
                    Ev::Image | Ev::DfTemp => "Image",
                    Ev::Video => "Video",
                    Ev::Audio => "Audio",
                    Ev::File => "File",
                    _ => "OpenData",
                };
                let Some((ci, dir)) = self.pick_chat(a, |h| mt.join(h).join(sub), 3) else {
                    return Ok(false);
                };
                let id = a.chats[ci].next_id;
                a.chats[ci].next_id += self.rng.range(1, 40);
                match ev {
                    Ev::Image => {
                        if let Some(c) = self.try_link(LinkKind::V3Image, ci) {
                            return self.link(&c.path, &dir, &format!("{id}{t}_.pic.jpg"), c.size);
                        }
                        let thumb = self.rng.size(12.0 * KB, 0.6, 2.0 * KB, 200.0 * KB);
                        let mut any =
                            self.put(&dir, &format!("{id}{t}_.pic_thumb.jpg"), thumb, t, JPEG)?;
                        if self.rng.chance(0.9) {
                            let name = format!("{id}{t}_.pic.jpg");
                            let size = self.rng.size(250.0 * KB, 0.9, 30.0 * KB, 8.0 * MB);
                            if self.put(&dir, &name, size, t, JPEG)? {
                                any = true;
                                let path = dir.join(&name);
                                self.remember(LinkCand {
                                    path,
                                    name,
                                    kind: LinkKind::V3Image,
                                    chat: ci,
                                    size,
                                    links: 0,
                                });
                            }
                        }
                        if self.rng.chance(0.25) {
                            let size = self.rng.size(1.8 * MB, 0.6, 400.0 * KB, 20.0 * MB);
                            any |=
                                self.put(&dir, &format!("{id}{t}_.pic_hd.jpg"), size, t, JPEG)?;
                        }
                        Ok(any)
                    }
                    Ev::DfTemp => {
                        let size = self.rng.size(300.0 * KB, 0.8, 10.0 * KB, 5.0 * MB);
                        self.put(&dir, &format!("{id}{t}.dftemp.jpg"), size, t, JPEG)
                    }
                    Ev::Video => {
                        let name = format!("{id}_{t}.mp4");
                        if let Some(c) = self.try_link(LinkKind::V3Video, ci) {
                            return self.link(&c.path, &dir, &name, c.size);
                        }
                        let size = self.video_size();
                        let ok = self.put(&dir, &name, size, t, MP4)?;
                        if ok {
                            let path = dir.join(&name);
                            self.remember(LinkCand {
                                path,
                                name,
                                kind: LinkKind::V3Video,
                                chat: ci,
                                size,
                                links: 0,
                            });
                            if self.rng.chance(0.1) {
                                let raw = (size as f64 * (1.5 + self.rng.f64() * 2.0)) as u64;
                                self.put(&dir, &format!("{id}_{t}_raw.mp4"), raw, t, MP4)?;
                            }
                        }
                        Ok(ok)
                    }
                    Ev::Audio => {
                        let size = self.rng.size(15.0 * KB, 0.8, 1.0 * KB, 600.0 * KB);
                        self.put(&dir, &format!("{id}.aud.silk"), size, t, SILK)
                    }
                    Ev::File => {
                        if let Some(c) = self.try_link(LinkKind::V3File, ci) {
                            let name = c.name.clone();
                            return self.link(&c.path, &dir, &name, c.size);
                        }
                        let (name, size, head) = random_file(&mut self.rng);
                        match self.put_unique(&dir, &name, size, t, head)? {
                            Some(name) => {
                                let path = dir.join(&name);
                                self.remember(LinkCand {
                                    path,
                                    name,
                                    kind: LinkKind::V3File,
                                    chat: ci,
                                    size,
                                    links: 0,
                                });
                                Ok(true)
                            }
                            None => Ok(false),
                        }
                    }
                    _ => {
                        let d = dir.join(self.rng.range(1, 6).to_string());
                        let size = self.rng.size(200.0 * KB, 1.0, 8.0 * KB, 20.0 * MB);
                        let h = wav_header(size);
                        let name = format!("{}.wav", self.rng.hex(32));
                        self.put(&d, &name, size, t, &h)
                    }
                }
            }
            Ev::Sticker => {
                let dir = base.join("Stickers/NonPersistence");
                let size = self.rng.size(120.0 * KB, 1.0, 2.0 * KB, 8.0 * MB);
                let name = self.rng.hex(32);
                self.put(&dir, &name, size, t, GIF)
            }
            Ev::Favorite => {
                let dir = base.join("Favorites/data").join(self.rng.hex(32));
                let n = self.rng.range(1, 3);
                let mut any = false;
                for _ in 0..n {
                    let (ext, head, med): (&str, &[u8], f64) = *self.rng.pick(&[
                        ("jpg", JPEG, 600.0 * KB),
                        ("silk", SILK, 20.0 * KB),
                        ("mp4", MP4, 5.0 * MB),
                    ]);
                    let size = self.rng.size(med, 0.8, 1.0 * KB, 200.0 * MB);
                    let name = format!("{}.{ext}", self.rng.hex(32));
                    any |= self.put(&dir, &name, size, t, head)?;
                }
                Ok(any)
            }
            Ev::Avatar => {
                let dir = version.join("Avatar");
                let size = self.rng.size(25.0 * KB, 0.7, 1.0 * KB, 1.0 * MB);
                let (ext, head) = if self.rng.chance(0.8) {
                    ("jpg", JPEG)
                } else {
                    ("png", PNG)
                };
                let name = format!("{}.{ext}", self.rng.hex(32));
                self.put(&dir, &name, size, t, head)
            }
            _ => Ok(false),
        }
    }

    fn video_size(&mut self) -> u64 {
        if self.rng.chance(0.01) {
            self.rng.size(150.0 * MB, 0.7, 40.0 * MB, 2.0 * GB)
        } else {
            self.rng.size(3.0 * MB, 1.1, 200.0 * KB, 800.0 * MB)
        }
    }

    /// One 4.x media event.
    fn v4_event(&mut self, a: &mut Account, base: &Path, ev: Ev) -> Result<bool> {
        let t = self.rng.time(a.t_lo, a.t_hi);
        let mon = month(t);
        let attach = base.join("msg/attach");
        match ev {
            Ev::Image => {
                let Some((ci, dir)) =
                    self.pick_chat(a, |h| attach.join(h).join(&mon).join("Img"), 3)
                else {
                    return Ok(false);
                };
                if let Some(c) = self.try_link(LinkKind::V4Image, ci) {
                    let name = c.name.clone();
                    return self.link(&c.path, &dir, &name, c.size);
                }
                let md = self.rng.hex(32);
                let thumb = self.rng.size(12.0 * KB, 0.6, 2.0 * KB, 200.0 * KB);
                let h = dat_header(&mut self.rng, t, a.xor_key, JPEG);
                let mut any = self.put(&dir, &format!("{md}_t.dat"), thumb, t, &h)?;
                if self.rng.chance(0.9) {
                    let name = format!("{md}.dat");
                    let size = self.rng.size(250.0 * KB, 0.9, 30.0 * KB, 8.0 * MB);
                    let h = dat_header(&mut self.rng, t, a.xor_key, JPEG);
                    if self.put(&dir, &name, size, t, &h)? {
                        any = true;
                        let path = dir.join(&name);
                        self.remember(LinkCand {
                            path,
                            name,
                            kind: LinkKind::V4Image,
                            chat: ci,
                            size,
                            links: 0,
                        });
                    }
                }
                if self.rng.chance(0.25) {
                    let size = self.rng.size(1.8 * MB, 0.6, 400.0 * KB, 20.0 * MB);
                    let h = dat_header(&mut self.rng, t, a.xor_key, JPEG);
                    any |= self.put(&dir, &format!("{md}_h.dat"), size, t, &h)?;
                }
                Ok(any)
            }
            Ev::Video => {
                let dir = base.join("msg/video").join(&mon);
                if !self.room(&dir, 3) {
                    return Ok(false);
                }
                let md = self.rng.hex(32);
                let thumb = self.rng.size(40.0 * KB, 0.6, 4.0 * KB, 400.0 * KB);
                let mut any = self.put(&dir, &format!("{md}_thumb.jpg"), thumb, t, JPEG)?;
                let size = self.video_size();
                any |= self.put(&dir, &format!("{md}.mp4"), size, t, MP4)?;
                if self.rng.chance(0.08) {
                    let raw = (size as f64 * (1.5 + self.rng.f64() * 2.0)) as u64;
                    any |= self.put(&dir, &format!("{md}_raw.mp4"), raw, t, MP4)?;
                }
                Ok(any)
            }
            Ev::AttachVideo | Ev::Voice => {
                let sub = if matches!(ev, Ev::Voice) {
                    "Voice"
                } else {
                    "Video"
                };
                let Some((_, dir)) = self.pick_chat(a, |h| attach.join(h).join(&mon).join(sub), 1)
                else {
                    return Ok(false);
                };
                let md = self.rng.hex(32);
                if matches!(ev, Ev::Voice) {
                    let size = self.rng.size(15.0 * KB, 0.8, 1.0 * KB, 600.0 * KB);
                    self.put(&dir, &format!("{md}.silk"), size, t, SILK)
                } else {
                    let size = self.video_size();
                    self.put(&dir, &format!("{md}.mp4"), size, t, MP4)
                }
            }
            Ev::File => {
                let dir = base.join("msg/file").join(&mon);
                let (name, size, head) = random_file(&mut self.rng);
                Ok(self.put_unique(&dir, &name, size, t, head)?.is_some())
            }
            Ev::Cache => {
                let r = self.rng.f64();
                let cache = base.join("cache").join(&mon);
                if r < 0.75 {
                    let Some((_, dir)) = self.pick_chat(a, |h| cache.join("Message").join(h), 1)
                    else {
                        return Ok(false);
                    };
                    let size = self.rng.size(30.0 * KB, 1.0, 1.0 * KB, 3.0 * MB);
                    let name = format!("{}_t.dat", self.rng.hex(32));
                    let h = dat_header(&mut self.rng, t, a.xor_key, JPEG);
                    self.put(&dir, &name, size, t, &h)
                } else {
                    let (sub, head): (&str, &[u8]) = if r < 0.88 {
                        ("Emoticon", GIF)
                    } else {
                        ("HttpResource", PNG)
                    };
                    let dir = cache.join(sub);
                    let size = self.rng.size(40.0 * KB, 1.0, 1.0 * KB, 5.0 * MB);
                    let name = self.rng.hex(32);
                    self.put(&dir, &name, size, t, head)
                }
            }
            Ev::RwTemp => {
                let rw = base.join("temp/RWTemp").join(&mon);
                let Some((_, dir)) = self.pick_chat(a, |h| rw.join(h), 1) else {
                    return Ok(false);
                };
                let (name, size, head) = random_file(&mut self.rng);
                let t2 = (t + self.rng.range(60, 30 * 86_400) as i64).min(END);
                Ok(self.put_unique(&dir, &name, size, t2, head)?.is_some())
            }
            Ev::HeadImage => {
                let dir = base.join("temp/head_image");
                let size = self.rng.size(25.0 * KB, 0.7, 1.0 * KB, 1.0 * MB);
                let name = format!("{}.jpg", self.rng.hex(32));
                self.put(&dir, &name, size, t, JPEG)
            }
            Ev::Emoticon => {
                let md = self.rng.hex(32);
                let dir = base.join("business/emoticon").join(&md[..2]);
                let size = self.rng.size(150.0 * KB, 1.0, 2.0 * KB, 10.0 * MB);
                self.put(&dir, &md, size, t, GIF)
            }
            Ev::Fav4 => {
                let dir = base.join("business/favorite").join(&mon);
                let (ext, head, med): (&str, &[u8], f64) = *self.rng.pick(&[
                    ("dat", JPEG, 600.0 * KB),
                    ("silk", SILK, 20.0 * KB),
                    ("mp4", MP4, 5.0 * MB),
                ]);
                let size = self.rng.size(med, 0.8, 1.0 * KB, 200.0 * MB);
                let name = format!("{}.{ext}", self.rng.hex(32));
                self.put(&dir, &name, size, t, head)
            }
            _ => Ok(false),
        }
    }

    /// Spend `budget` files on media events for one account.
    fn media(&mut self, a: &mut Account, budget: u64, v4: bool, p: &Paths) -> Result<()> {
        self.limit = self.files + budget;
        self.pool.clear();
        for p in &mut self.pools {
            p.clear();
        }
        let version = p.v3_version();
        let base = if v4 {
            p.xwechat().join(&a.v4_dir)
        } else {
            version.join(&a.v3_dir)
        };
        let table = if v4 { V4_EVENTS } else { V3_EVENTS };
        let mut misses = 0u32;
        while self.files < self.limit {
            let ev = pick_event(&mut self.rng, table);
            let before = self.files;
            let ok = if v4 {
                self.v4_event(a, &base, ev)?
            } else {
                self.v3_event(a, &base, &version, ev)?
            };
            self.media_entries += self.files - before;
            if ok {
                misses = 0;
            } else {
                misses += 1;
                if misses > 100_000 {
                    bail!(
                        "cannot place more files for account {} without exceeding {DIR_CAP} entries per \
                         directory; use fewer --files",
                        a.wxid
                    );
                }
            }
        }
        Ok(())
    }

    fn finish_dirs(&mut self) -> Result<()> {
        let mut dirs: Vec<(PathBuf, i64)> = self
            .dirs
            .iter()
            .map(|(p, d)| (p.clone(), d.mtime))
            .collect();
        // Deepest first, so each parent sees its children's final mtimes.
        dirs.sort_by(|a, b| {
            b.0.components()
                .count()
                .cmp(&a.0.components().count())
                .then(a.0.cmp(&b.0))
        });
        let mut m: HashMap<PathBuf, i64> = dirs.iter().cloned().collect();
        for (p, _) in &dirs {
            let mine = m.get(p).copied().unwrap_or(0);
            if let Some(parent) = p.parent() {
                if let Some(pm) = m.get_mut(parent) {
                    *pm = (*pm).max(mine);
                }
            }
        }
        for (p, _) in &dirs {
            let t = m.get(p).copied().filter(|&t| t > 0).unwrap_or(START);
            File::open(p)
                .and_then(|f| f.set_modified(systime(t)))
                .with_context(|| format!("set mtime {}", p.display()))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed structure: databases, logs, markers

fn write_plist(g: &mut Gen, dir: &Path, t: i64) -> Result<()> {
    let mut d = plist::Dictionary::new();
    d.insert(
        "AppleLanguages".into(),
        plist::Value::Array(vec!["zh-Hans".into(), "en".into()]),
    );
    d.insert(
        "SULastCheckTime".into(),
        plist::Value::Date(systime(t - 86_400).into()),
    );
    d.insert("NSUserNotificationsAllowedByUser".into(), true.into());
    d.insert("MMLastLoginUsrName".into(), "wxid_synthetic".into());
    let mut buf = Vec::new();
    plist::to_writer_binary(&mut buf, &plist::Value::Dictionary(d))?;
    g.put(
        dir,
        "com.tencent.xinWeChat.plist",
        buf.len() as u64,
        t,
        &buf,
    )?;
    Ok(())
}

fn xlogs(g: &mut Gen, dir: &Path, prefix: &str, n: u64, t_hi: i64) -> Result<()> {
    for i in 0..n {
        let t = t_hi - (i as i64) * 86_400 - g.rng.range(0, 3_600) as i64;
        let size = g.rng.size(1.5 * MB, 1.0, 20.0 * KB, 60.0 * MB);
        let mut h = vec![0x09u8];
        h.extend_from_slice(&(g.rng.below(65_536) as u16).to_le_bytes());
        h.extend_from_slice(&[0, 23]);
        h.extend_from_slice(&(size.saturating_sub(80) as u32).to_le_bytes());
        h.extend_from_slice(&g.rng.bytes(64));
        g.put(dir, &format!("{prefix}_{}.xlog", day(t)), size, t, &h)?;
    }
    Ok(())
}

fn common(g: &mut Gen, p: &Paths, layout: Layout, n: u64) -> Result<()> {
    let lib = p.data.join("Library");
    write_plist(g, &lib.join("Preferences"), END - 3_600)?;
    let size = g.rng.size(40.0 * KB, 0.5, 1.0 * KB, 1.0 * MB);
    g.put(
        &lib.join("Caches/Matrix/AppReboot"),
        "AppReboot.dat",
        size,
        END - 7_200,
        b"",
    )?;
    if layout != Layout::V4 {
        let caches = lib.join("Caches/com.tencent.xinWeChat");
        g.db(&caches, "Cache.db", plaindb(3.0 * MB), V3_END)?;
        g.db(
            &lib.join("HTTPStorages/com.tencent.xinWeChat"),
            "httpstorages.sqlite",
            plaindb(200.0 * KB),
            V3_END,
        )?;
        xlogs(
            g,
            &caches.join(VERSION_DIR).join("log"),
            "MacWeChat",
            (n / 3_000).clamp(20, 400),
            V3_END,
        )?;
    }
    if layout != Layout::V3 {
        let app = p.data.join("Documents/app_data");
        g.put(
            &app.join("lock"),
            "lock.ini",
            24,
            END,
            b"[lock]\npid=1234\n",
        )?;
        xlogs(
            g,
            &app.join("log"),
            "Weixin",
            (n / 3_000).clamp(20, 400),
            END,
        )?;
        for sub in ["radium", "player"] {
            xlogs(
                g,
                &app.join("log").join(sub),
                sub,
                (n / 20_000).clamp(3, 60),
                END,
            )?;
        }
        // Mini-program packages.
        let apps = (n / 20_000).clamp(5, 150);
        for _ in 0..apps {
            let appid = format!("wx{}", g.rng.hex(16));
            let dir = app
                .join("radium/Applet/packages")
                .join(&appid)
                .join(g.rng.range(1, 99).to_string());
            let t = g.rng.time(V4_START, END);
            let size = g.rng.size(1.5 * MB, 0.8, 50.0 * KB, 30.0 * MB);
            let mut h = vec![0xBE, 0, 0, 0, 0];
            h.extend_from_slice(&g.rng.bytes(8));
            h.push(0xED);
            g.put(&dir, "__APP__.wxapkg", size, t, &h)?;
        }
        let kv = app.join("net/kvcomm");
        for i in 0..4 {
            let name = format!("key_{}_{i}.statistic", g.rng.range(100_000, 999_999));
            let head = g.rng.bytes(8);
            g.put(&kv, &name, 256, END, &head)?;
        }
        // WMPF (mini-program framework) cache.
        let wmpf = p.data.join(".wxapplet/WMPF");
        let files = (n / 2_000).clamp(30, 1_500);
        for _ in 0..files {
            let dir = wmpf
                .join(g.rng.pick(&["runtime", "plugins", "cache", "storage"]))
                .join(g.rng.hex(2));
            let t = g.rng.time(V4_START, END);
            let size = g.rng.size(80.0 * KB, 1.5, 200.0, 40.0 * MB);
            let name = format!(
                "{}.{}",
                g.rng.hex(16),
                g.rng.pick(&["js", "wasm", "dat", "json"])
            );
            g.put(&dir, &name, size, t, b"")?;
        }
    }
    Ok(())
}

fn v3_version_level(g: &mut Gen, p: &Paths, accts: &[Account]) -> Result<()> {
    let v = p.v3_version();
    for (name, size) in [
        ("checkVersionFile", 16u64),
        ("nsid", 36),
        ("topinfo.data", 4096),
        ("upgradeHistoryFile", 512),
        ("whatsNewVersionFile", 64),
    ] {
        g.put(&v, name, size, V3_END - 86_400, b"bplist00")?;
    }
    for d in ["CGI", "MMappedKV", "WeVoIP"] {
        let t = g.rng.time(START, V3_END);
        let size = g.rng.size(64.0 * KB, 1.0, 1.0 * KB, 8.0 * MB);
        let name = g.rng.hex(16);
        g.put(&v.join(d), &name, size, t, b"")?;
    }
    for _ in 0..g.rng.range(3, 12) {
        let t = g.rng.time(START, V3_END);
        let size = g.rng.range(8_000, 400_000);
        g.put(
            &v.join("CrashReport"),
            &format!("WeChat_{}.crash", day(t)),
            size,
            t,
            b"Incident Identifier: ",
        )?;
    }
    for _ in 0..g.rng.range(20, 60) {
        let t = g.rng.time(START, V3_END);
        let dir = v
            .join("MMResourceMgr")
            .join(g.rng.pick(&["Emoticon", "Font", "Sticker", "Config"]));
        let size = g.rng.size(300.0 * KB, 1.2, 1.0 * KB, 60.0 * MB);
        let name = g.rng.hex(32);
        g.put(&dir, &name, size, t, b"")?;
    }
    for (i, a) in accts.iter().enumerate() {
        g.db(
            &v.join("KeyValue").join(&a.v3_dir),
            "KeyValue.db",
            v3db(400.0 * KB),
            a.t_hi,
        )?;
        if i == 0 {
            // A phone→Mac backup: Backup.db plus 2 GB-ish payload shards.
            let dir = v.join("Backup").join(&a.v3_dir).join(g.rng.hex(16));
            let t = g.rng.time(a.t_lo, a.t_hi);
            g.db(&dir, "Backup.db", v3db(2.0 * MB), t)?;
            let size = g.rng.range(50, 400) * 1024 * 1024;
            let head = g.rng.bytes(16);
            g.put(&dir, "BAK_0_TEXT", size, t, &head)?;
            for k in 0..g.rng.range(2, 6) {
                let size = if k == 0 {
                    2_147_483_648
                } else {
                    g.rng.range(200, 2_048) * 1024 * 1024
                };
                let head = g.rng.bytes(16);
                g.put(&dir, &format!("BAK_{k}_MEDIA"), size, t, &head)?;
            }
        }
    }
    Ok(())
}

fn v3_account(g: &mut Gen, p: &Paths, a: &Account) -> Result<()> {
    let base = p.v3_version().join(&a.v3_dir);
    let s = (a.share * 4.0).clamp(0.05, 1.5);
    let t = a.t_hi;
    let m = base.join("Message");
    for i in 0..10 {
        g.db(&m, &format!("msg_{i}.db"), v3db(60.0 * MB * s), t)?;
    }
    g.db(&m, "fileMsg.db", v3db(2.0 * MB * s), t)?;
    g.db(&m.join("fts"), "ftsmessage.db", v3db(120.0 * MB * s), t)?;
    g.db(
        &m.join("ftsfile"),
        "ftsfilemessage.db",
        v3db(5.0 * MB * s),
        t,
    )?;
    let dbs: &[(&str, &str, f64)] = &[
        ("Contact", "wccontact_new2.db", 20.0 * MB),
        ("Group", "group_new.db", 15.0 * MB),
        ("Session", "session_new.db", 1.0 * MB),
        ("Hardlink", "hldata.db", 8.0 * MB),
        ("Favorites", "favorites.db", 2.0 * MB),
        ("Stickers", "stickers.db", 1.0 * MB),
        ("FileStateSync", "filestatesync.db", 400.0 * KB),
        ("Account", "Beta.db", 200.0 * KB),
        ("ChatSync", "ChatSync.db", 300.0 * KB),
        ("RevokeMsg", "revokemsg.db", 100.0 * KB),
        ("Sync", "openim_oplog.db", 200.0 * KB),
        ("Sync", "oplog_1.1.db", 300.0 * KB),
        ("MMLive", "live_main.db", 100.0 * KB),
        ("Sns/Data", "sns.db", 25.0 * MB),
    ];
    for (dir, name, med) in dbs {
        g.db(&base.join(dir), name, v3db(med * s), t)?;
    }
    let mut web = v3db(500.0 * KB);
    web.page = 4096;
    g.db(&base.join("WebTemplate"), "webtemplate.db", web, t)?;
    g.db(&base, "mediaData.db", v3db(4.0 * MB * s), t)?;
    g.db(
        &base.join("solitaire"),
        "solitaire_chat.db",
        plaindb(100.0 * KB),
        t,
    )?;
    g.db(
        &base.join("voip/multiTalk"),
        "multiTalk.db",
        plaindb(60.0 * KB),
        t,
    )?;
    let size = g.rng.range(2_000, 200_000);
    g.put(&base.join("Stickers"), "fav.archive", size, t, b"bplist00")?;
    Ok(())
}

fn v4_account(g: &mut Gen, p: &Paths, a: &Account, n: u64) -> Result<()> {
    let base = p.xwechat().join(&a.v4_dir);
    let db = base.join("db_storage");
    let s = (a.share * 2.0).clamp(0.05, 1.5);
    let t = a.t_hi;
    let shards = ((a.share * n as f64) / 150_000.0).ceil().clamp(1.0, 10.0) as u32;
    let msg = db.join("message");
    for i in 0..shards {
        g.db(&msg, &format!("message_{i}.db"), v4db(150.0 * MB * s), t)?;
    }
    g.db(&msg, "biz_message_0.db", v4db(40.0 * MB * s), t)?;
    g.db(&msg, "media_0.db", v4db(300.0 * MB * s), t)?;
    g.db(&msg, "message_resource.db", v4db(30.0 * MB * s), t)?;
    g.db(&msg, "message_fts.db", v4db(250.0 * MB * s), t)?;
    g.db(&msg, "message_revoke.db", v4db(200.0 * KB), t)?;
    let head = g.rng.bytes(16);
    g.put(&msg, "message_0.kvdb", 65_536, t, &head)?;
    let dbs: &[(&str, &str, f64)] = &[
        ("contact", "contact.db", 30.0 * MB),
        ("contact", "contact_fts.db", 8.0 * MB),
        ("session", "session.db", 2.0 * MB),
        ("hardlink", "hardlink.db", 10.0 * MB),
        ("head_image", "head_image.db", 40.0 * MB),
        ("favorite", "favorite.db", 1.5 * MB),
        ("favorite", "favorite_fts.db", 1.0 * MB),
        ("emoticon", "emoticon.db", 3.0 * MB),
        ("sns", "sns.db", 25.0 * MB),
        ("general", "general.db", 5.0 * MB),
        ("bizchat", "bizchat.db", 200.0 * KB),
        ("chatbot", "chatbot_message.db", 100.0 * KB),
        ("solitaire", "solitaire.db", 100.0 * KB),
        ("third_app_icon", "third_app_icon.db", 500.0 * KB),
    ];
    for (dir, name, med) in dbs {
        g.db(&db.join(dir), name, v4db(med * s), t)?;
    }
    g.put(&base.join("config"), "config.ini", 512, t, b"[config]\n")?;
    g.put(
        &base.join("apm_record/process_duration"),
        &format!("{}.dat", day(t)),
        4096,
        t,
        b"",
    )?;
    let login = p.xwechat().join("all_users/login").join(&a.wxid);
    g.db(&login, "key_info.db", plaindb(16.0 * KB), t)?;
    let app_acct = p.data.join("Documents/app_data").join(&a.wxid);
    g.put(&app_acct, "lock.ini", 24, t, b"[lock]\npid=1234\n")?;
    let heads = p.xwechat().join("all_users/head_imgs");
    let size = g.rng.size(25.0 * KB, 0.5, 2.0 * KB, 500.0 * KB);
    g.put(&heads, &format!("{}.jpg", md5_hex(&a.wxid)), size, t, JPEG)?;
    Ok(())
}

fn v4_all_users(g: &mut Gen, p: &Paths) -> Result<()> {
    let cfg = p.xwechat().join("all_users/config");
    let head = g.rng.bytes(12);
    g.put(&cfg, "global_config", 4096, END, &head)?;
    let head = g.rng.bytes(16);
    g.put(&cfg, "global_config.crc", 16, END, &head)?;
    g.put(
        &p.xwechat().join("all_users/sqlite"),
        "lock.ini",
        24,
        END,
        b"[lock]\npid=1234\n",
    )?;
    Ok(())
}

/// The 3.x→4.x migration backup (`xwechat_files/old_backup/<hash>/<UUID>/BAK_N_*`), in 2 GB shards.
fn old_backup(g: &mut Gen, p: &Paths, a: &Account) -> Result<()> {
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        g.rng.hex(8),
        g.rng.hex(4),
        g.rng.hex(4),
        g.rng.hex(4),
        g.rng.hex(12)
    )
    .to_uppercase();
    let dir = p.xwechat().join("old_backup").join(&a.v3_dir).join(uuid);
    let t = V3_END + 86_400;
    for k in 0..g.rng.range(2, 5) {
        let size = g.rng.range(20, 300) * 1024 * 1024;
        let head = g.rng.bytes(16);
        g.put(&dir, &format!("BAK_{k}_TEXT"), size, t, &head)?;
    }
    for k in 0..g.rng.range(3, 8) {
        let head = g.rng.bytes(16);
        g.put(&dir, &format!("BAK_{k}_MEDIA"), 2_147_483_648, t, &head)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------

fn make_accounts(rng: &mut Rng, layout: Layout, n_chats: usize) -> (Vec<Account>, Vec<Account>) {
    let (v3_share, v4_share) = match layout {
        Layout::Both => (0.35, 0.65),
        Layout::V3 => (1.0, 0.0),
        Layout::V4 => (0.0, 1.0),
    };
    // The main user migrated from 3.x to 4.x: same wxid, same chats.
    let main_wxid = format!("wxid_{}", rng.alnum(14));
    let main_users: Vec<String> = {
        let mut u: Vec<String> = (0..n_chats).map(|_| username(rng)).collect();
        if u.len() > 3 {
            u[2] = "filehelper".into();
        }
        u
    };
    let mk =
        |rng: &mut Rng, wxid: String, share: f64, chats: usize, shared: bool, lo: i64, hi: i64| {
            let users: Vec<String> = if shared {
                let mut u: Vec<String> = main_users.iter().take(chats).cloned().collect();
                while u.len() < chats {
                    u.push(username(rng));
                }
                u
            } else {
                let mut u: Vec<String> = (0..chats).map(|_| username(rng)).collect();
                if u.len() > 5 {
                    u[4] = "filehelper".into();
                }
                u
            };
            let (chats, cum) = chats_for(rng, &users);
            let v4_dir = format!("{wxid}_{}", rng.hex(4));
            Account {
                v3_dir: md5_hex(&wxid),
                v4_dir,
                wxid,
                chats,
                cum,
                share,
                t_lo: lo,
                t_hi: hi,
                xor_key: rng.below(256) as u8,
            }
        };
    let chats_of = |share: f64| ((n_chats as f64 * share).round() as usize).max(12);
    let mut v3 = Vec::new();
    if v3_share > 0.0 {
        let weights = [0.8, 0.15, 0.05];
        for (i, w) in weights.iter().enumerate() {
            let share = v3_share * w;
            let wxid = if i == 0 {
                main_wxid.clone()
            } else {
                format!("wxid_{}", rng.alnum(14))
            };
            let lo = START + (i as i64) * 300 * 86_400;
            v3.push(mk(rng, wxid, share, chats_of(share), i == 0, lo, V3_END));
        }
    }
    let mut v4 = Vec::new();
    if v4_share > 0.0 {
        let weights = [0.85, 0.15];
        for (i, w) in weights.iter().enumerate() {
            let share = v4_share * w;
            let wxid = match i {
                0 => main_wxid.clone(),
                _ => {
                    let stem = *rng.pick(&["Suhang", "lily_chen", "work"]);
                    format!("{stem}{}", rng.digits(6))
                }
            };
            let lo = if i == 0 { V4_START } else { END - 400 * 86_400 };
            v4.push(mk(rng, wxid, share, chats_of(share), i == 0, lo, END));
        }
    }
    (v3, v4)
}

fn human(b: u64) -> String {
    let b = b as f64;
    if b >= 1024.0 * GB {
        format!("{:.1} TiB", b / (1024.0 * GB))
    } else if b >= GB {
        format!("{:.1} GiB", b / GB)
    } else {
        format!("{:.1} MiB", b / MB)
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    if md5_hex("filehelper") != "9e20f478899dc29eb19741386f9343c8" {
        bail!("md5 self-check failed");
    }
    if args.files < 1_000 {
        bail!("--files must be at least 1000 (the fixed databases, logs and markers need a few hundred)");
    }
    if args.links == Links::All && args.files % 2 == 1 {
        bail!("--links all gives every file two links, so --files must be even");
    }
    if args.out.exists() && fs::read_dir(&args.out)?.next().is_some() {
        bail!("{} exists and is not empty", args.out.display());
    }
    fs::create_dir_all(&args.out)?;
    let root = fs::canonicalize(&args.out)?;
    let started = Instant::now();
    let mut g = Gen {
        root: root.clone(),
        rng: Rng(args.seed ^ 0x5EED_0F3E_C4A7),
        files: 0,
        limit: args.files,
        links: 0,
        linked: 0,
        linked_src: HashSet::new(),
        media_entries: 0,
        mode: args.links,
        bytes_unique: 0,
        bytes_links: 0,
        dirs: HashMap::new(),
        taken: HashSet::new(),
        pool: Vec::new(),
        pools: Default::default(),
    };
    g.dirs.insert(
        root.clone(),
        DirInfo {
            entries: 0,
            mtime: 0,
        },
    );
    let p = Paths {
        data: root.join("Data"),
    };
    let n_chats = usize::try_from(args.files / 1_000)
        .unwrap_or(2_000)
        .clamp(50, 2_000);
    let (mut v3, mut v4) = make_accounts(&mut g.rng, args.layout, n_chats);

    // Fixed structure first, then media fills the rest of the budget.
    common(&mut g, &p, args.layout, args.files)?;
    if !v3.is_empty() {
        v3_version_level(&mut g, &p, &v3)?;
        for a in &v3 {
            v3_account(&mut g, &p, a)?;
        }
        // Chats whose media folders exist but hold no file (P1 looks for these).
        for a in &v3 {
            for _ in 0..3 {
                let h = g.rng.hex(32);
                let d = p
                    .v3_version()
                    .join(&a.v3_dir)
                    .join("Message/MessageTemp")
                    .join(h);
                for sub in ["Image", "File"] {
                    g.ensure_dir(&d.join(sub))?;
                }
            }
        }
    }
    if !v4.is_empty() {
        v4_all_users(&mut g, &p)?;
        for a in &v4 {
            v4_account(&mut g, &p, a, args.files)?;
        }
        if let (Some(a), Layout::Both) = (v3.first(), args.layout) {
            old_backup(&mut g, &p, a)?;
        }
    }
    if g.files >= args.files {
        bail!(
            "--files {} is too small for the fixed structure ({} files)",
            args.files,
            g.files
        );
    }

    let media_total = args.files - g.files;
    let mut spent = 0u64;
    let n_accts = v3.len() + v4.len();
    let mut k = 0;
    for (accts, is_v4) in [(&mut v3, false), (&mut v4, true)] {
        for a in accts.iter_mut() {
            k += 1;
            let budget = if k == n_accts {
                media_total - spent
            } else {
                ((media_total as f64 * a.share) as u64).min(media_total - spent)
            };
            // `--links all` writes files in pairs.
            let budget = if args.links == Links::All && k < n_accts {
                budget & !1
            } else {
                budget
            };
            spent += budget;
            g.media(a, budget, is_v4, &p)?;
        }
    }
    g.finish_dirs()?;

    println!(
        "synth: {} files ({} hard links), {} dirs, {} apparent bytes ({}; {} counting every link), layout {:?}, seed {}, {:.1} s; \
         links {:?}: {} entries with 2+ links ({:.1} % of all, {:.1} % of {} media entries)",
        g.files,
        g.links,
        g.dirs.len(),
        g.bytes_unique,
        human(g.bytes_unique),
        human(g.bytes_links),
        args.layout,
        args.seed,
        started.elapsed().as_secs_f64(),
        args.links,
        g.linked,
        100.0 * g.linked as f64 / g.files as f64,
        100.0 * g.linked as f64 / g.media_entries.max(1) as f64,
        g.media_entries,
    );
    Ok(())
}
