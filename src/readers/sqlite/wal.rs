//! Parser for SQLite write-ahead logs (`-wal`) and wal-index headers (`-shm`).
//!
//! Pure functions over bytes the caller has read (the caller bounds the read;
//! `file_len` says how big the file really is). The frame walk follows
//! SQLite's own recovery (`walIndexRecover`/`walDecodeFrame` in wal.c): a
//! frame is valid when its salts equal the header's, its page number is not
//! zero and the cumulative checksum over the header, every earlier frame and
//! this one matches; the walk stops at the first invalid frame, and only
//! frames up to the last commit frame are visible to readers. Checksums are
//! big-endian words when the magic's low bit is set, little-endian otherwise.
//!
//! A WAL written for an SQLCipher database has the same plaintext header and
//! frame headers (only page contents are encrypted), so it is reported the
//! same way.

use serde::Serialize;
use thiserror::Error;

/// WAL header length.
pub const WAL_HEADER_LEN: usize = 32;
/// Frame header length.
pub const WAL_FRAME_HEADER_LEN: usize = 24;
/// Magic with little-endian checksums.
pub const WAL_MAGIC_LE: u32 = 0x377F_0682;
/// Magic with big-endian checksums.
pub const WAL_MAGIC_BE: u32 = 0x377F_0683;
/// The only WAL format version SQLite has used.
pub const WAL_FORMAT_VERSION: u32 = 3_007_000;
/// Bytes of the `-shm` header this module reads (two index headers + checkpoint info).
pub const SHM_HEADER_LEN: usize = 136;

/// Why bytes are not a usable WAL or wal-index header.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WalError {
    #[error("too short for a WAL header: {len} bytes, need 32")]
    TooShort { len: usize },
    #[error("not a WAL file (magic {magic:#010x})")]
    BadMagic { magic: u32 },
    #[error("invalid WAL page size {page_size}")]
    InvalidPageSize { page_size: u32 },
    #[error("too short for a wal-index header: {len} bytes, need 136")]
    ShmTooShort { len: usize },
    #[error("not a wal-index (version field {version:#010x})")]
    ShmBadVersion { version: u32 },
}

/// The 32-byte WAL header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalHeader {
    pub magic: u32,
    /// Checksums are computed over big-endian words (magic low bit set).
    pub big_endian_checksums: bool,
    pub format_version: u32,
    pub page_size: u32,
    pub checkpoint_seq: u32,
    pub salt1: u32,
    pub salt2: u32,
    pub checksum1: u32,
    pub checksum2: u32,
    /// The header checksum matches; SQLite ignores every frame otherwise.
    pub header_checksum_valid: bool,
}

/// The wal-index header at the start of `-shm` (native byte order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShmHeader {
    /// The file was written big-endian (detected from the version field).
    pub big_endian: bool,
    pub version: u32,
    pub change: u32,
    pub is_init: bool,
    pub big_endian_checksums: bool,
    /// Page size (the stored u16 value 1 means 65536).
    pub page_size: u32,
    /// Last valid commit frame the index knows about.
    pub mx_frame: u32,
    /// Database size in pages.
    pub n_page: u32,
    /// The WAL salts the index was built for (as big-endian words).
    pub salt1: u32,
    pub salt2: u32,
    /// Both header copies are byte-identical.
    pub copies_match: bool,
    /// The header's own checksum matches.
    pub checksum_valid: bool,
    /// Frames already copied back into the database (`nBackfill`).
    pub n_backfill: u32,
    /// `nBackfillAttempted`.
    pub n_backfill_attempted: u32,
}

/// What a WAL holds.
#[cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the in-buffer walk is the reference the page engine (pages.rs) is tested against"
    )
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalInfo {
    pub header: WalHeader,
    /// Real file length as given by the caller.
    pub file_len: u64,
    /// Bytes actually examined (`min(bytes.len(), file_len)`).
    pub bytes_examined: u64,
    /// The walk reached the end of the file's whole frames.
    pub scan_complete: bool,
    /// Whole frames by file size: `(file_len - 32) / (page_size + 24)`.
    pub frames_by_size: u64,
    /// Bytes after the last whole frame.
    pub trailing_bytes: u64,
    /// Frames in the valid prefix (salts + checksum chain + page number).
    pub valid_frames: u64,
    /// Index (1-based) of the last valid commit frame; 0 when none. This is
    /// the number of frames a reader sees (`mxFrame`).
    pub committed_frames: u64,
    /// Database size in pages after the last commit, if any.
    pub db_pages_after_commit: Option<u32>,
    /// Distinct database pages written by the committed frames.
    pub distinct_committed_pages: u64,
    /// The `-shm` header, when one was passed and parsed.
    pub shm: Option<ShmHeader>,
    /// `-shm` was valid and belongs to this WAL generation (salts match), so
    /// `backfilled_frames` is known.
    pub checkpoint_known: bool,
    /// Committed frames already checkpointed into the database.
    pub backfilled_frames: Option<u64>,
    /// Committed frames not yet checkpointed: committed − backfilled when
    /// `checkpoint_known`, else all committed frames.
    pub pending_frames: u64,
}

fn be32(b: &[u8], off: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(off..off.saturating_add(4)) {
        w.copy_from_slice(s);
    }
    u32::from_be_bytes(w)
}

fn word(b: &[u8], off: usize, big_endian: bool) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(off..off.saturating_add(4)) {
        w.copy_from_slice(s);
    }
    if big_endian {
        u32::from_be_bytes(w)
    } else {
        u32::from_le_bytes(w)
    }
}

/// SQLite's WAL checksum (`walChecksumBytes`): Fletcher-like over pairs of
/// 32-bit words. Bytes past the last whole 8-byte pair are ignored (SQLite
/// only ever passes multiples of 8).
pub fn wal_checksum(data: &[u8], big_endian: bool, init: (u32, u32)) -> (u32, u32) {
    let (mut s1, mut s2) = init;
    for pair in data.chunks_exact(8) {
        s1 = s1.wrapping_add(word(pair, 0, big_endian)).wrapping_add(s2);
        s2 = s2.wrapping_add(word(pair, 4, big_endian)).wrapping_add(s1);
    }
    (s1, s2)
}

fn valid_page_size(p: u32) -> bool {
    p.is_power_of_two() && (512..=65536).contains(&p)
}

/// Parses the 32-byte WAL header.
pub fn parse_wal_header(bytes: &[u8]) -> Result<WalHeader, WalError> {
    let Some(h) = bytes.get(..WAL_HEADER_LEN) else {
        return Err(WalError::TooShort { len: bytes.len() });
    };
    let magic = be32(h, 0);
    if magic != WAL_MAGIC_LE && magic != WAL_MAGIC_BE {
        return Err(WalError::BadMagic { magic });
    }
    let page_size = be32(h, 8);
    if !valid_page_size(page_size) {
        return Err(WalError::InvalidPageSize { page_size });
    }
    let big_endian_checksums = magic & 1 == 1;
    let checksum1 = be32(h, 24);
    let checksum2 = be32(h, 28);
    let (c1, c2) = wal_checksum(&h[..24], big_endian_checksums, (0, 0));
    Ok(WalHeader {
        magic,
        big_endian_checksums,
        format_version: be32(h, 4),
        page_size,
        checkpoint_seq: be32(h, 12),
        salt1: be32(h, 16),
        salt2: be32(h, 20),
        checksum1,
        checksum2,
        header_checksum_valid: (c1, c2) == (checksum1, checksum2),
    })
}

/// Parses the wal-index header at the start of a `-shm` file.
///
/// The wal-index is in the writer's native byte order; it is detected from
/// the version field (3007000), so a little-endian Mac's file parses the same
/// on any host.
pub fn parse_shm_header(shm: &[u8]) -> Result<ShmHeader, WalError> {
    let Some(h) = shm.get(..SHM_HEADER_LEN) else {
        return Err(WalError::ShmTooShort { len: shm.len() });
    };
    let big_endian = if word(h, 0, false) == WAL_FORMAT_VERSION {
        false
    } else if word(h, 0, true) == WAL_FORMAT_VERSION {
        true
    } else {
        return Err(WalError::ShmBadVersion {
            version: word(h, 0, false),
        });
    };
    let w = |off| word(h, off, big_endian);
    let sz = {
        let mut b = [0u8; 2];
        b.copy_from_slice(&h[14..16]);
        if big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    };
    // Stored as (szPage & 0xff00) | (szPage >> 16): 65536 becomes 1.
    let page_size = if sz == 1 { 65536 } else { u32::from(sz) };
    let (c1, c2) = wal_checksum(&h[..40], big_endian, (0, 0));
    Ok(ShmHeader {
        big_endian,
        version: w(0),
        change: w(8),
        is_init: h[12] != 0,
        big_endian_checksums: h[13] != 0,
        page_size,
        mx_frame: w(16),
        n_page: w(20),
        // aSalt is a byte copy of the WAL header's salts.
        salt1: be32(h, 32),
        salt2: be32(h, 36),
        copies_match: h[..48] == h[48..96],
        checksum_valid: (c1, c2) == (w(40), w(44)),
        n_backfill: w(96),
        n_backfill_attempted: w(128),
    })
}

/// One valid frame: where it starts in the WAL, its page number and, for a commit
/// frame, the database size in pages after the commit (0 otherwise).
#[cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the in-buffer walk is the reference the page engine (pages.rs) is tested against"
    )
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    offset: usize,
    pgno: u32,
    commit: u32,
}

/// The valid frames at the start of `data` by SQLite's rules (see the module docs),
/// and whether the walk stopped on an invalid frame (`false`: it ran out of bytes).
#[cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the in-buffer walk is the reference the page engine (pages.rs) is tested against"
    )
)]
fn valid_frames(data: &[u8], header: &WalHeader) -> (Vec<Frame>, bool) {
    let frame_len = header.page_size as usize + WAL_FRAME_HEADER_LEN;
    let be = header.big_endian_checksums;
    let mut ck = (header.checksum1, header.checksum2);
    let mut frames = Vec::new();
    let mut off = WAL_HEADER_LEN;
    loop {
        let Some(frame) = data.get(off..off.saturating_add(frame_len)) else {
            return (frames, false);
        };
        let (fh, page_data) = frame.split_at(WAL_FRAME_HEADER_LEN);
        let pgno = be32(fh, 0);
        if be32(fh, 8) != header.salt1 || be32(fh, 12) != header.salt2 || pgno == 0 {
            return (frames, true);
        }
        let c = wal_checksum(&fh[..8], be, ck);
        let c = wal_checksum(page_data, be, c);
        if c != (be32(fh, 16), be32(fh, 20)) {
            return (frames, true);
        }
        ck = c;
        frames.push(Frame {
            offset: off,
            pgno,
            commit: be32(fh, 4),
        });
        off += frame_len;
    }
}

/// Why [`apply_committed_frames`] could not build the view.
#[cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the in-buffer walk is the reference the page engine (pages.rs) is tested against"
    )
)]
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApplyError {
    #[error(transparent)]
    Wal(#[from] WalError),
    #[error("WAL page size {wal} differs from the database's {db}")]
    PageSizeMismatch { wal: u32, db: u32 },
    #[error("the database after the WAL would be {bytes} bytes, over the {max}-byte limit")]
    TooLarge { bytes: u64, max: u64 },
}

/// The database as a reader sees it once SQLite has recovered the WAL `wal` (all of
/// it, as read from the file): `db` (the main file's bytes) with every valid frame up
/// to the last commit frame written over its page, in WAL order, then cut or zero-
/// extended to that commit's size. A WAL SQLite would ignore leaves `db` as it is.
/// Nothing grows past `max` bytes, whatever the frame headers claim.
#[cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the in-buffer walk is the reference the page engine (pages.rs) is tested against"
    )
)]
pub fn apply_committed_frames(
    db: &mut Vec<u8>,
    wal: &[u8],
    db_page_size: u32,
    max: u64,
) -> Result<(), ApplyError> {
    let header = parse_wal_header(wal)?;
    if !header.header_checksum_valid || header.format_version != WAL_FORMAT_VERSION {
        return Ok(());
    }
    let (frames, _) = valid_frames(wal, &header);
    let Some(last) = frames.iter().rposition(|f| f.commit != 0) else {
        return Ok(());
    };
    if header.page_size != db_page_size {
        return Err(ApplyError::PageSizeMismatch {
            wal: header.page_size,
            db: db_page_size,
        });
    }
    let page = u64::from(header.page_size);
    let size = u64::from(frames[last].commit) * page;
    let highest = frames[..=last].iter().map(|f| f.pgno).max().unwrap_or(0);
    let needed = size.max(u64::from(highest) * page);
    if needed > max {
        return Err(ApplyError::TooLarge { bytes: needed, max });
    }
    let page = page as usize;
    if db.len() < needed as usize {
        db.resize(needed as usize, 0);
    }
    for f in &frames[..=last] {
        let at = (f.pgno as usize - 1) * page;
        let data = f.offset + WAL_FRAME_HEADER_LEN;
        db[at..at + page].copy_from_slice(&wal[data..data + page]);
    }
    db.truncate(size as usize);
    Ok(())
}

/// Walks the frames of a WAL.
///
/// `bytes` is the start of the file (at most what the caller chose to read),
/// `file_len` its real length, `shm` the start of the `-shm` file if there is
/// one. Time is linear in `bytes.len()`; memory is one `u32` per valid frame.
#[cfg_attr(
    not(test),
    allow(
        dead_code,
        reason = "the in-buffer walk is the reference the page engine (pages.rs) is tested against"
    )
)]
pub fn inspect_wal(bytes: &[u8], file_len: u64, shm: Option<&[u8]>) -> Result<WalInfo, WalError> {
    let header = parse_wal_header(bytes)?;
    let page = header.page_size as usize;
    let frame_len = page + WAL_FRAME_HEADER_LEN;
    let frame_len64 = frame_len as u64;
    let body = file_len.saturating_sub(WAL_HEADER_LEN as u64);
    let frames_by_size = body / frame_len64;
    let trailing_bytes = body % frame_len64;
    let examined = (bytes.len() as u64).min(file_len);
    let data = bytes.get(..examined as usize).unwrap_or(bytes);

    let (frames, scan_complete) =
        if header.header_checksum_valid && header.format_version == WAL_FORMAT_VERSION {
            let (frames, stopped) = valid_frames(data, &header);
            // Out of examined bytes: complete only if the file has no further whole frame.
            let complete = stopped || frames.len() as u64 >= frames_by_size;
            (frames, complete)
        } else {
            // SQLite ignores all frames when the header checksum fails, and refuses
            // the WAL outright for another format version.
            (Vec::new(), true)
        };
    let valid_frames = frames.len() as u64;
    let last_commit = frames.iter().rposition(|f| f.commit != 0);
    let committed_frames = last_commit.map_or(0, |i| i as u64 + 1);
    let db_pages_after_commit = last_commit.map(|i| frames[i].commit);
    let mut pages: Vec<u32> = frames.iter().map(|f| f.pgno).collect();
    pages.truncate(usize::try_from(committed_frames).unwrap_or(usize::MAX));
    pages.sort_unstable();
    pages.dedup();

    let shm = shm.and_then(|s| parse_shm_header(s).ok());
    let backfilled_frames = shm.as_ref().and_then(|s| {
        let usable = s.is_init
            && s.copies_match
            && s.checksum_valid
            && (s.salt1, s.salt2) == (header.salt1, header.salt2)
            && u64::from(s.n_backfill) <= committed_frames;
        usable.then_some(u64::from(s.n_backfill))
    });
    Ok(WalInfo {
        file_len,
        bytes_examined: examined,
        scan_complete,
        frames_by_size,
        trailing_bytes,
        valid_frames,
        committed_frames,
        db_pages_after_commit,
        distinct_committed_pages: pages.len() as u64,
        checkpoint_known: backfilled_frames.is_some(),
        pending_frames: committed_frames - backfilled_frames.unwrap_or(0),
        backfilled_frames,
        shm,
        header,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use rusqlite::Connection;
    use std::path::Path;

    /// Builds a synthetic WAL: `frames` of (pgno, commit) with pseudo-random
    /// page data, valid checksums in the requested byte order.
    pub(crate) fn synth_wal(page: u32, be: bool, frames: &[(u32, u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        let magic = if be { WAL_MAGIC_BE } else { WAL_MAGIC_LE };
        for v in [magic, WAL_FORMAT_VERSION, page, 7, 0x1111_2222, 0x3333_4444] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        let mut ck = wal_checksum(&out, be, (0, 0));
        out.extend_from_slice(&ck.0.to_be_bytes());
        out.extend_from_slice(&ck.1.to_be_bytes());
        for (i, (pgno, commit)) in frames.iter().enumerate() {
            let mut fh = Vec::new();
            for v in [*pgno, *commit, 0x1111_2222, 0x3333_4444] {
                fh.extend_from_slice(&v.to_be_bytes());
            }
            let data: Vec<u8> = (0..page).map(|j| (j as usize * 31 + i * 7) as u8).collect();
            ck = wal_checksum(&fh[..8], be, ck);
            ck = wal_checksum(&data, be, ck);
            fh.extend_from_slice(&ck.0.to_be_bytes());
            fh.extend_from_slice(&ck.1.to_be_bytes());
            out.extend_from_slice(&fh);
            out.extend_from_slice(&data);
        }
        out
    }

    /// A writer that keeps its WAL: returns the open connection.
    pub(crate) fn wal_writer(path: &Path, page_size: u32) -> Connection {
        let c = Connection::open(path).unwrap();
        c.execute_batch(&format!(
            "PRAGMA page_size={page_size}; PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
        ))
        .unwrap();
        c
    }

    #[test]
    fn real_wal_matches_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.db");
        let c = wal_writer(&p, 1024);
        c.execute_batch("CREATE TABLE t(a, b);").unwrap();
        for i in 0..20 {
            c.execute("INSERT INTO t VALUES(?1, randomblob(300))", [i])
                .unwrap();
        }
        let wal_path = dir.path().join("w.db-wal");
        let wal = std::fs::read(&wal_path).unwrap();
        let shm_before = std::fs::read(dir.path().join("w.db-shm")).unwrap();
        let info = inspect_wal(&wal, wal.len() as u64, Some(&shm_before)).unwrap();
        assert_eq!(info.header.page_size, 1024);
        assert!(info.header.header_checksum_valid);
        assert_eq!(info.header.magic & !1, WAL_MAGIC_LE);
        assert!(info.scan_complete);
        assert_eq!(info.trailing_bytes, 0);
        assert_eq!(info.valid_frames, info.frames_by_size);
        assert_eq!(info.committed_frames, info.valid_frames);
        let shm = info.shm.clone().unwrap();
        assert_eq!(u64::from(shm.mx_frame), info.committed_frames);
        assert!(shm.checksum_valid && shm.copies_match && shm.is_init);
        assert_eq!(shm.page_size, 1024);
        assert!(info.checkpoint_known);
        assert_eq!(info.backfilled_frames, Some(0));
        assert_eq!(info.pending_frames, info.committed_frames);
        let pc: u32 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        assert_eq!(info.db_pages_after_commit, Some(pc));
        assert!(info.distinct_committed_pages <= u64::from(pc));
        assert!(info.distinct_committed_pages < info.committed_frames);

        // A passive checkpoint: SQLite's own frame counts must agree.
        let (busy, log, ckpt): (i64, i64, i64) = c
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(busy, 0);
        assert_eq!(log as u64, info.committed_frames);
        let shm_after = std::fs::read(dir.path().join("w.db-shm")).unwrap();
        let info2 = inspect_wal(&wal, wal.len() as u64, Some(&shm_after)).unwrap();
        assert_eq!(info2.backfilled_frames, Some(ckpt as u64));
        assert_eq!(info2.pending_frames, 0);
        // Without -shm nothing is known about checkpoints.
        let info3 = inspect_wal(&wal, wal.len() as u64, None).unwrap();
        assert!(!info3.checkpoint_known);
        assert_eq!(info3.pending_frames, info3.committed_frames);
    }

    #[test]
    fn uncommitted_tail_and_corruption() {
        let w = synth_wal(512, false, &[(1, 0), (2, 3), (3, 0), (1, 0)]);
        let info = inspect_wal(&w, w.len() as u64, None).unwrap();
        assert_eq!((info.valid_frames, info.committed_frames), (4, 2));
        assert_eq!(info.distinct_committed_pages, 2);
        assert_eq!(info.db_pages_after_commit, Some(3));

        // Flip one byte of frame 3's page: frames 3.. become invalid.
        let mut bad = w.clone();
        let f3 = WAL_HEADER_LEN + 2 * (512 + 24) + 24 + 100;
        bad[f3] ^= 1;
        let info = inspect_wal(&bad, bad.len() as u64, None).unwrap();
        assert_eq!((info.valid_frames, info.committed_frames), (2, 2));

        // Salt mismatch in frame 1: nothing is valid.
        let mut bad = w.clone();
        bad[WAL_HEADER_LEN + 8] ^= 0x80;
        let info = inspect_wal(&bad, bad.len() as u64, None).unwrap();
        assert_eq!(info.valid_frames, 0);

        // Header checksum broken: SQLite ignores every frame.
        let mut bad = w.clone();
        bad[12] ^= 1; // checkpoint seq
        let info = inspect_wal(&bad, bad.len() as u64, None).unwrap();
        assert!(!info.header.header_checksum_valid);
        assert_eq!(info.valid_frames, 0);
        assert_eq!(info.frames_by_size, 4);
    }

    #[test]
    fn big_endian_checksums() {
        let w = synth_wal(1024, true, &[(5, 0), (6, 9)]);
        let info = inspect_wal(&w, w.len() as u64, None).unwrap();
        assert!(info.header.big_endian_checksums);
        assert_eq!(info.committed_frames, 2);
        // Read as little-endian, the same bytes fail: the bit matters.
        let mut le = w.clone();
        le[3] = 0x82;
        let info = inspect_wal(&le, le.len() as u64, None).unwrap();
        assert!(!info.header.header_checksum_valid);
        assert_eq!(info.committed_frames, 0);
    }

    #[test]
    fn bounded_read_and_truncation() {
        let w = synth_wal(512, false, &[(1, 1), (2, 2), (3, 3)]);
        let real_len = w.len() as u64 + 100; // trailing partial frame on disk
        let info = inspect_wal(&w, real_len, None).unwrap();
        assert!(info.scan_complete);
        assert_eq!((info.frames_by_size, info.trailing_bytes), (3, 100));
        // Caller read only 1.5 frames.
        let cut = &w[..WAL_HEADER_LEN + 536 + 200];
        let info = inspect_wal(cut, w.len() as u64, None).unwrap();
        assert!(!info.scan_complete);
        assert_eq!((info.valid_frames, info.committed_frames), (1, 1));
        assert_eq!(info.bytes_examined, cut.len() as u64);
        // file_len shorter than bytes: only file_len bytes count.
        let info = inspect_wal(&w, (WAL_HEADER_LEN + 536) as u64, None).unwrap();
        assert_eq!(info.valid_frames, 1);
        assert!(info.scan_complete);
    }

    #[test]
    fn header_errors() {
        assert_eq!(
            parse_wal_header(&[0; 10]),
            Err(WalError::TooShort { len: 10 })
        );
        assert!(matches!(
            parse_wal_header(&[0; 32]),
            Err(WalError::BadMagic { .. })
        ));
        let mut w = synth_wal(512, false, &[]);
        w[8..12].copy_from_slice(&1000u32.to_be_bytes());
        assert_eq!(
            parse_wal_header(&w),
            Err(WalError::InvalidPageSize { page_size: 1000 })
        );
        assert!(matches!(
            parse_shm_header(&[0; 100]),
            Err(WalError::ShmTooShort { .. })
        ));
        assert!(matches!(
            parse_shm_header(&[0; 136]),
            Err(WalError::ShmBadVersion { .. })
        ));
    }

    #[test]
    fn stale_shm_is_not_trusted() {
        let w = synth_wal(512, false, &[(1, 1)]);
        let mut shm = vec![0u8; SHM_HEADER_LEN];
        let mut hdr = Vec::new();
        hdr.extend_from_slice(&WAL_FORMAT_VERSION.to_le_bytes());
        hdr.extend_from_slice(&0u32.to_le_bytes());
        hdr.extend_from_slice(&1u32.to_le_bytes());
        hdr.extend_from_slice(&[1, 0]);
        hdr.extend_from_slice(&512u16.to_le_bytes());
        for v in [1u32, 1, 0, 0] {
            hdr.extend_from_slice(&v.to_le_bytes());
        }
        hdr.extend_from_slice(&0x9999_9999u32.to_be_bytes()); // other salts
        hdr.extend_from_slice(&0x3333_4444u32.to_be_bytes());
        let (c1, c2) = wal_checksum(&hdr, false, (0, 0));
        hdr.extend_from_slice(&c1.to_le_bytes());
        hdr.extend_from_slice(&c2.to_le_bytes());
        shm[..48].copy_from_slice(&hdr);
        shm[48..96].copy_from_slice(&hdr);
        shm[96..100].copy_from_slice(&1u32.to_le_bytes());
        let info = inspect_wal(&w, w.len() as u64, Some(&shm)).unwrap();
        let s = info.shm.clone().unwrap();
        assert!(s.checksum_valid && s.copies_match);
        assert!(
            !info.checkpoint_known,
            "salts differ: another WAL generation"
        );
        assert_eq!(info.pending_frames, 1);
        // Fix the salts: now the checkpoint is known.
        hdr[32..36].copy_from_slice(&0x1111_2222u32.to_be_bytes());
        let (c1, c2) = wal_checksum(&hdr[..40], false, (0, 0));
        hdr[40..44].copy_from_slice(&c1.to_le_bytes());
        hdr[44..48].copy_from_slice(&c2.to_le_bytes());
        shm[..48].copy_from_slice(&hdr);
        shm[48..96].copy_from_slice(&hdr);
        let info = inspect_wal(&w, w.len() as u64, Some(&shm)).unwrap();
        assert!(info.checkpoint_known);
        assert_eq!((info.backfilled_frames, info.pending_frames), (Some(1), 0));
    }

    #[test]
    fn committed_frames_are_applied_in_order_and_the_rest_is_not() {
        // Page 1 twice (the later frame wins), page 3 past the file's end, commit
        // at 3 pages; then an uncommitted frame for page 2 that must not show.
        let w = synth_wal(512, false, &[(1, 0), (3, 0), (1, 3), (2, 0)]);
        let page = |i: usize| -> Vec<u8> { (0..512).map(|j| (j * 31 + i * 7) as u8).collect() };
        let mut db = vec![0xAA; 1024];
        apply_committed_frames(&mut db, &w, 512, 1 << 20).unwrap();
        assert_eq!(db.len(), 3 * 512);
        assert_eq!(db[..512], page(2)[..]);
        assert_eq!(db[512..1024], [0xAA; 512][..]);
        assert_eq!(db[1024..], page(1)[..]);
        // A commit that shrinks the database cuts it.
        let w = synth_wal(512, true, &[(1, 1)]);
        let mut db = vec![0xAA; 4096];
        apply_committed_frames(&mut db, &w, 512, 1 << 20).unwrap();
        assert_eq!(db, page(0));
    }

    #[test]
    fn frames_that_would_not_be_used_or_would_not_fit_are_refused() {
        let mut db = vec![0xAA; 1024];
        // No commit frame: nothing to apply.
        apply_committed_frames(&mut db, &synth_wal(512, false, &[(1, 0)]), 512, 1 << 20).unwrap();
        assert_eq!(db, vec![0xAA; 1024]);
        // A commit that claims 4 billion pages is refused, not allocated.
        let huge = synth_wal(512, false, &[(1, u32::MAX)]);
        let r = apply_committed_frames(&mut db, &huge, 512, 1 << 20);
        assert!(matches!(r, Err(ApplyError::TooLarge { .. })), "{r:?}");
        let far = synth_wal(512, false, &[(u32::MAX, 1)]);
        let r = apply_committed_frames(&mut db, &far, 512, 1 << 20);
        assert!(matches!(r, Err(ApplyError::TooLarge { .. })), "{r:?}");
        let r = apply_committed_frames(&mut db, &synth_wal(1024, false, &[(1, 1)]), 512, 1 << 20);
        assert!(
            matches!(r, Err(ApplyError::PageSizeMismatch { .. })),
            "{r:?}"
        );
        let r = apply_committed_frames(&mut db, b"not a wal at all, not at all....", 512, 1 << 20);
        assert!(matches!(r, Err(ApplyError::Wal(_))), "{r:?}");
        assert_eq!(db, vec![0xAA; 1024]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn applying_mutated_wals_never_panics_or_grows_past_the_limit(
            flips in proptest::collection::vec((0usize..1700, any::<u8>()), 0..8),
            cut in 0usize..1800,
            db_len in 0usize..3000,
        ) {
            let mut w = synth_wal(512, false, &[(1, 0), (5, 2), (3, 6)]);
            for (i, v) in flips { if let Some(b) = w.get_mut(i) { *b ^= v; } }
            w.truncate(cut);
            let mut db = vec![0u8; db_len];
            if apply_committed_frames(&mut db, &w, 512, 4096).is_ok() {
                prop_assert!(db.len() <= 4096.max(db_len));
            }
        }

        #[test]
        fn random_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..2000),
            extra in 0u64..1_000_000,
        ) {
            let len = bytes.len() as u64;
            let _ = inspect_wal(&bytes, len, Some(&bytes));
            let _ = inspect_wal(&bytes, len + extra, None);
            let _ = inspect_wal(&bytes, len / 2, None);
            let _ = parse_shm_header(&bytes);
        }

        #[test]
        fn mutated_wal_never_panics(
            be in any::<bool>(),
            flips in proptest::collection::vec((0usize..1700, any::<u8>()), 0..8),
            cut in 0usize..1800,
            file_len in proptest::option::of(0u64..u64::MAX),
        ) {
            let mut w = synth_wal(512, be, &[(1, 0), (2, 2), (3, 3)]);
            for (i, v) in flips { if let Some(b) = w.get_mut(i) { *b ^= v; } }
            w.truncate(cut);
            let len = file_len.unwrap_or(w.len() as u64);
            if let Ok(info) = inspect_wal(&w, len, None) {
                prop_assert!(info.committed_frames <= info.valid_frames);
                prop_assert!(info.valid_frames <= 3);
                prop_assert!(info.distinct_committed_pages <= info.committed_frames);
            }
        }
    }
}
