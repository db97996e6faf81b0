//! Page-level view of an SQLite database as a reader sees it: the main file
//! ([`FilePages`]), the committed frames of its `-wal` laid over it
//! ([`WalOverlay`]) and, for SQLCipher files, decryption on top
//! (`super::cipher::Decrypting`). Pages are read on demand into the caller's
//! buffer; nothing is cached. Memory is flat: the WAL index holds one entry
//! per distinct committed page, however large the `-wal` is.
//!
//! The WAL walk follows SQLite's recovery (`walIndexRecover`, `walDecodeFrame`
//! in wal.c) over the whole file, streamed through a fixed buffer: the header
//! must have the magic, a valid page size, format version 3007000 and a good
//! checksum; a frame is valid when its salts equal the header's, its page
//! number is not zero and the cumulative checksum matches; the walk stops at
//! the first invalid frame; readers see the frames up to the last valid commit
//! frame (non-zero database size), the latest frame of each page winning.
//! A page past the main file's end but within the committed size reads as
//! zeros, as SQLite's short-read rule has it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::os::unix::fs::FileExt;

use serde::Serialize;
use thiserror::Error;
use zeroize::Zeroizing;

use crate::readers::sqlite::wal::{
    parse_shm_header, parse_wal_header, wal_checksum, WalHeader, WAL_FORMAT_VERSION,
    WAL_FRAME_HEADER_LEN, WAL_HEADER_LEN,
};

/// Most distinct pages a WAL index holds (16 bytes each in the map): a 2 GiB
/// WAL of 512-byte pages has about 4 million frames.
pub const MAX_WAL_INDEX_PAGES: usize = 8 << 20;
/// Buffer for streaming the `-wal`: two frames of the largest page size. A
/// cold scan indexes up to 32 WALs at once, and 1 MiB each made its peak (55 MiB
/// instead of 20 on the 300k tree); reading a 4 MiB WAL takes as long either way.
const WAL_READ_BUF: usize = 128 << 10;

/// Read access to the pages of one database state.
pub trait PageSource: Sync {
    /// Bytes per page.
    fn page_size(&self) -> u32;
    /// Pages this source can serve (1..=page_count).
    fn page_count(&self) -> u32;
    /// Reads page `pgno` (1-based) into `buf`, which must be one page long.
    fn read_page(&self, pgno: u32, buf: &mut [u8]) -> Result<(), PageError>;
}

/// Why one page could not be served.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum PageError {
    #[error("page {pgno} is outside the database's {count} pages")]
    OutOfRange { pgno: u32, count: u32 },
    #[error("page {pgno} could not be read: {reason}")]
    Io { pgno: u32, reason: String },
    #[error("page {pgno} failed its HMAC check: it is damaged or was not written with this key")]
    Hmac { pgno: u32 },
    #[error("page {pgno} was asked for with a {len}-byte buffer, not one page")]
    Buffer { pgno: u32, len: usize },
}

impl PageError {
    /// The page the error is about.
    pub fn pgno(&self) -> u32 {
        match self {
            PageError::OutOfRange { pgno, .. }
            | PageError::Io { pgno, .. }
            | PageError::Hmac { pgno }
            | PageError::Buffer { pgno, .. } => *pgno,
        }
    }
}

/// An I/O error as words, without the "(os error N)" tail.
pub(crate) fn plain_io(err: &io::Error) -> String {
    let s = err.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn check_buf(pgno: u32, buf: &[u8], page_size: u32) -> Result<(), PageError> {
    if buf.len() as u64 == u64::from(page_size) {
        Ok(())
    } else {
        Err(PageError::Buffer {
            pgno,
            len: buf.len(),
        })
    }
}

/// Reads `buf.len()` bytes at `offset`, zero-filling past the end of the file;
/// returns how many bytes came from the file.
fn pread_fill(file: &File, offset: u64, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf[done..].fill(0);
    Ok(done)
}

/// The main database file, page by page (`pread`, never past one page).
#[derive(Debug)]
pub struct FilePages {
    file: File,
    page_size: u32,
    page_count: u32,
    /// Bytes of the last page present in the file when it ends inside a page.
    partial_tail: Option<u32>,
}

impl FilePages {
    /// `len` is the file's length when it was opened; a file that ends inside
    /// a page has that page counted, its missing bytes read as zeros (as
    /// SQLite reads them). More than `u32::MAX` pages is refused.
    pub fn new(file: File, len: u64, page_size: u32) -> Result<Self, PagesSizeError> {
        if !valid_page_size(page_size) {
            return Err(PagesSizeError::PageSize { page_size });
        }
        let ps = u64::from(page_size);
        let pages = len.div_ceil(ps);
        let page_count =
            u32::try_from(pages).map_err(|_| PagesSizeError::TooManyPages { pages })?;
        let rem = len % ps;
        Ok(FilePages {
            file,
            page_size,
            page_count,
            partial_tail: (rem != 0).then_some(rem as u32),
        })
    }

    /// When the file ends inside its last page: that page's number and how many
    /// of its bytes exist.
    pub fn partial_tail(&self) -> Option<(u32, u32)> {
        self.partial_tail.map(|b| (self.page_count, b))
    }
}

/// A size that cannot be paged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PagesSizeError {
    #[error("page size {page_size} is not a power of two from 512 to 65536")]
    PageSize { page_size: u32 },
    #[error("the file would hold {pages} pages, more than SQLite can address")]
    TooManyPages { pages: u64 },
}

/// Page sizes SQLite can use.
pub fn valid_page_size(p: u32) -> bool {
    p.is_power_of_two() && (512..=65536).contains(&p)
}

impl PageSource for FilePages {
    fn page_size(&self) -> u32 {
        self.page_size
    }
    fn page_count(&self) -> u32 {
        self.page_count
    }
    fn read_page(&self, pgno: u32, buf: &mut [u8]) -> Result<(), PageError> {
        check_buf(pgno, buf, self.page_size)?;
        if pgno == 0 || pgno > self.page_count {
            return Err(PageError::OutOfRange {
                pgno,
                count: self.page_count,
            });
        }
        let off = u64::from(pgno - 1) * u64::from(self.page_size);
        pread_fill(&self.file, off, buf).map_err(|e| PageError::Io {
            pgno,
            reason: plain_io(&e),
        })?;
        Ok(())
    }
}

/// What the walk over a `-wal` found (frame numbers are 1-based counts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WalStats {
    /// Length of the `-wal` file.
    pub file_bytes: u64,
    /// Page size in the WAL header (0 when the header is unusable).
    pub page_size: u32,
    /// Whole frames the file has room for: `(len − 32) / (page size + 24)`.
    pub frames_total: u64,
    /// Frames in the valid prefix (salts, checksum chain, page number).
    pub frames_valid: u64,
    /// Frames up to and including the last valid commit frame: what readers see.
    pub frames_committed: u64,
    /// Valid frames after the last commit (a transaction still being written).
    pub frames_uncommitted: u64,
    /// Committed frames not yet copied into the database file, when the
    /// `-shm` header is valid and belongs to this WAL; otherwise all committed
    /// frames.
    pub frames_pending: u64,
    /// `frames_pending` comes from a valid `-shm` (else it is an upper bound).
    pub checkpoint_known: bool,
    /// Database size in pages after the last commit.
    pub db_pages_after_commit: Option<u32>,
    /// Distinct pages the committed frames write.
    pub distinct_pages: u64,
    /// Why SQLite would ignore the whole file, if it would.
    pub ignored_because: Option<String>,
}

/// Why a `-wal` could not be indexed (SQLite would fail to open the database).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WalIndexError {
    #[error("the WAL could not be read: {0}")]
    Io(String),
    #[error("the WAL's committed frames write more than {MAX_WAL_INDEX_PAGES} distinct pages")]
    TooManyPages,
}

/// The committed frames of a `-wal`: for each page, the file offset of the
/// page data of its latest committed frame.
#[derive(Debug, Default)]
pub struct WalIndex {
    pub stats: WalStats,
    header: Option<WalHeader>,
    frames: HashMap<u32, u64>,
}

impl WalIndex {
    /// Walks the whole `-wal` (of `len` bytes) by SQLite's recovery rules,
    /// streaming it through a fixed buffer. `shm` is the start of the `-shm`
    /// file, if any (only its header is used, for `frames_pending`).
    pub fn build(wal: &File, len: u64, shm: Option<&[u8]>) -> Result<Self, WalIndexError> {
        // No bigger than the file: many small WALs are indexed at once (one per
        // metadata worker).
        let cap = usize::try_from(len).map_or(WAL_READ_BUF, |l| l.clamp(4096, WAL_READ_BUF));
        let mut reader = BufReader::with_capacity(cap, ReadAt { file: wal, pos: 0 });
        let mut idx = WalIndex {
            stats: WalStats {
                file_bytes: len,
                ..WalStats::default()
            },
            ..WalIndex::default()
        };
        let mut hdr = [0u8; WAL_HEADER_LEN];
        if len < WAL_HEADER_LEN as u64 {
            if len > 0 {
                idx.stats.ignored_because = Some("it is shorter than a WAL header".into());
            }
            return Ok(idx);
        }
        read_exact(&mut reader, &mut hdr)?;
        let header = match parse_wal_header(&hdr) {
            Ok(h) => h,
            Err(e) => {
                idx.stats.ignored_because = Some(e.to_string());
                return Ok(idx);
            }
        };
        let page = header.page_size;
        idx.stats.page_size = page;
        let frame_len = u64::from(page) + WAL_FRAME_HEADER_LEN as u64;
        idx.stats.frames_total = (len - WAL_HEADER_LEN as u64) / frame_len;
        if !header.header_checksum_valid {
            idx.stats.ignored_because = Some("its header checksum does not match".into());
            return Ok(idx);
        }
        if header.format_version != WAL_FORMAT_VERSION {
            idx.stats.ignored_because = Some(format!(
                "its format version {} is not 3007000",
                header.format_version
            ));
            return Ok(idx);
        }
        let be = header.big_endian_checksums;
        let mut ck = (header.checksum1, header.checksum2);
        let mut fh = [0u8; WAL_FRAME_HEADER_LEN];
        let mut data = Zeroizing::new(vec![0u8; page as usize]);
        // Pages written since the last commit, with their newest frame.
        let mut open_txn: HashMap<u32, u64> = HashMap::new();
        let mut offset = WAL_HEADER_LEN as u64;
        for _ in 0..idx.stats.frames_total {
            read_exact(&mut reader, &mut fh)?;
            read_exact(&mut reader, &mut data)?;
            let pgno = be32(&fh, 0);
            let commit = be32(&fh, 4);
            if be32(&fh, 8) != header.salt1 || be32(&fh, 12) != header.salt2 || pgno == 0 {
                break;
            }
            let c = wal_checksum(&fh[..8], be, ck);
            let c = wal_checksum(&data, be, c);
            if c != (be32(&fh, 16), be32(&fh, 20)) {
                break;
            }
            ck = c;
            idx.stats.frames_valid += 1;
            open_txn.insert(pgno, offset + WAL_FRAME_HEADER_LEN as u64);
            if commit != 0 {
                for (p, off) in open_txn.drain() {
                    idx.frames.insert(p, off);
                }
                if idx.frames.len() > MAX_WAL_INDEX_PAGES {
                    return Err(WalIndexError::TooManyPages);
                }
                idx.stats.frames_committed = idx.stats.frames_valid;
                idx.stats.db_pages_after_commit = Some(commit);
            } else if open_txn.len() > MAX_WAL_INDEX_PAGES {
                return Err(WalIndexError::TooManyPages);
            }
            offset += frame_len;
        }
        idx.stats.frames_uncommitted = idx.stats.frames_valid - idx.stats.frames_committed;
        idx.stats.distinct_pages = idx.frames.len() as u64;
        let backfilled = shm.and_then(|s| parse_shm_header(s).ok()).and_then(|s| {
            let usable = s.is_init
                && s.copies_match
                && s.checksum_valid
                && (s.salt1, s.salt2) == (header.salt1, header.salt2)
                && u64::from(s.n_backfill) <= idx.stats.frames_committed;
            usable.then_some(u64::from(s.n_backfill))
        });
        idx.stats.checkpoint_known = backfilled.is_some();
        idx.stats.frames_pending = idx.stats.frames_committed - backfilled.unwrap_or(0);
        idx.header = Some(header);
        Ok(idx)
    }

    /// The WAL has at least one committed frame: SQLite reads through it.
    pub fn has_commits(&self) -> bool {
        self.stats.db_pages_after_commit.is_some()
    }

    /// Where the data of page `pgno`'s latest committed frame starts in the file.
    pub fn frame_of(&self, pgno: u32) -> Option<u64> {
        self.frames.get(&pgno).copied()
    }
}

fn be32(b: &[u8], off: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(off..off + 4) {
        w.copy_from_slice(s);
    }
    u32::from_be_bytes(w)
}

fn read_exact(r: &mut impl Read, buf: &mut [u8]) -> Result<(), WalIndexError> {
    r.read_exact(buf).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            WalIndexError::Io("the file became shorter while it was read".into())
        } else {
            WalIndexError::Io(plain_io(&e))
        }
    })
}

/// `Read` over a shared `File` by position (`pread`), so the descriptor's own
/// offset is never used.
struct ReadAt<'a> {
    file: &'a File,
    pos: u64,
}

impl Read for ReadAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// The database as readers see it: `inner` (the main file) with the committed
/// frames of the `-wal` laid over it. Page count: the last commit's size when
/// the WAL has commits, else `inner`'s.
#[derive(Debug)]
pub struct WalOverlay<S> {
    inner: S,
    wal: File,
    index: WalIndex,
    page_count: u32,
}

/// The WAL's page size differs from the database's.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the WAL's page size {wal} differs from the database's {db}")]
pub struct PageSizeMismatch {
    pub wal: u32,
    pub db: u32,
}

impl<S: PageSource> WalOverlay<S> {
    /// Lays `index` (built from `wal`) over `inner`. A WAL without commits
    /// changes nothing; one with commits must have `inner`'s page size.
    pub fn new(inner: S, wal: File, index: WalIndex) -> Result<Self, PageSizeMismatch> {
        let page_count = match index.stats.db_pages_after_commit {
            Some(n) => {
                if index.stats.page_size != inner.page_size() {
                    return Err(PageSizeMismatch {
                        wal: index.stats.page_size,
                        db: inner.page_size(),
                    });
                }
                n
            }
            None => inner.page_count(),
        };
        Ok(WalOverlay {
            inner,
            wal,
            index,
            page_count,
        })
    }
}

impl<S: PageSource> PageSource for WalOverlay<S> {
    fn page_size(&self) -> u32 {
        self.inner.page_size()
    }
    fn page_count(&self) -> u32 {
        self.page_count
    }
    fn read_page(&self, pgno: u32, buf: &mut [u8]) -> Result<(), PageError> {
        check_buf(pgno, buf, self.page_size())?;
        if pgno == 0 || pgno > self.page_count {
            return Err(PageError::OutOfRange {
                pgno,
                count: self.page_count,
            });
        }
        if let Some(off) = self.index.frame_of(pgno) {
            let got = pread_fill(&self.wal, off, buf).map_err(|e| PageError::Io {
                pgno,
                reason: plain_io(&e),
            })?;
            if got < buf.len() {
                return Err(PageError::Io {
                    pgno,
                    reason: "the WAL became shorter while it was read".into(),
                });
            }
            return Ok(());
        }
        if pgno <= self.inner.page_count() {
            self.inner.read_page(pgno, buf)
        } else {
            buf.fill(0);
            Ok(())
        }
    }
}

impl<T: PageSource + ?Sized> PageSource for &T {
    fn page_size(&self) -> u32 {
        (**self).page_size()
    }
    fn page_count(&self) -> u32 {
        (**self).page_count()
    }
    fn read_page(&self, pgno: u32, buf: &mut [u8]) -> Result<(), PageError> {
        (**self).read_page(pgno, buf)
    }
}

impl<T: PageSource + ?Sized> PageSource for Box<T> {
    fn page_size(&self) -> u32 {
        (**self).page_size()
    }
    fn page_count(&self) -> u32 {
        (**self).page_count()
    }
    fn read_page(&self, pgno: u32, buf: &mut [u8]) -> Result<(), PageError> {
        (**self).read_page(pgno, buf)
    }
}

/// Why a whole image could not be built.
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImageError {
    #[error("the database is {bytes} bytes, over the {max}-byte limit for reading it whole")]
    TooLarge { bytes: u64, max: u64 },
    #[error(transparent)]
    Page(#[from] PageError),
}

/// The first `pages` pages of `src` as one in-memory image (wiped on drop), for
/// `sqlite3_deserialize`: bytes 18 and 19 of the header are set to 1 (rollback
/// mode), as the deserialize docs prescribe for a WAL database's image. At most
/// `max` bytes; any page that cannot be read is an error.
#[cfg(test)]
pub fn read_image(
    src: &dyn PageSource,
    pages: u32,
    max: u64,
) -> Result<Zeroizing<Vec<u8>>, ImageError> {
    let ps = src.page_size() as usize;
    let bytes = u64::from(pages) * ps as u64;
    if bytes > max {
        return Err(ImageError::TooLarge { bytes, max });
    }
    let mut img = Zeroizing::new(vec![0u8; bytes as usize]);
    for (i, chunk) in img.chunks_exact_mut(ps).enumerate() {
        src.read_page(i as u32 + 1, chunk)?;
    }
    if img.len() >= 20 && (img[18] == 2 || img[19] == 2) {
        img[18] = 1;
        img[19] = 1;
    }
    Ok(img)
}

/// The first `pages` pages of `src` as a byte stream, page 1's bytes 18 and 19
/// set to 1 (rollback mode) as in [`read_image`]: for
/// `Connection::deserialize_read_exact`, which reads it straight into the
/// buffer SQLite will own, so the image exists once, in SQLite's memory.
/// A page that cannot be read ends the stream with an error; [`Self::error`]
/// keeps it.
pub struct ImageReader<'a> {
    src: &'a dyn PageSource,
    pages: u32,
    next: u32,
    page: Zeroizing<Vec<u8>>,
    pos: usize,
    error: Option<PageError>,
}

impl<'a> ImageReader<'a> {
    pub fn new(src: &'a dyn PageSource, pages: u32) -> Self {
        let ps = src.page_size() as usize;
        ImageReader {
            src,
            pages,
            next: 1,
            page: Zeroizing::new(vec![0u8; ps]),
            pos: ps,
            error: None,
        }
    }

    /// Bytes the stream holds.
    pub fn len(&self) -> u64 {
        u64::from(self.pages) * u64::from(self.src.page_size())
    }

    /// The page error that ended the stream early, if one did.
    pub fn error(&self) -> Option<&PageError> {
        self.error.as_ref()
    }
}

impl Read for ImageReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.page.len() {
            if self.next > self.pages || out.is_empty() {
                return Ok(0);
            }
            if let Err(e) = self.src.read_page(self.next, &mut self.page) {
                let msg = e.to_string();
                self.error = Some(e);
                return Err(io::Error::other(msg));
            }
            if self.next == 1 && self.page.len() >= 20 && (self.page[18] == 2 || self.page[19] == 2)
            {
                self.page[18] = 1;
                self.page[19] = 1;
            }
            self.next += 1;
            self.pos = 0;
        }
        let n = out.len().min(self.page.len() - self.pos);
        out[..n].copy_from_slice(&self.page[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
