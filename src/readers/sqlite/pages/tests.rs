use super::*;
use crate::readers::sqlite::wal::tests::{synth_wal, wal_writer};
use crate::readers::sqlite::wal::{apply_committed_frames, inspect_wal};
use proptest::prelude::*;

fn temp_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> File {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    File::open(p).unwrap()
}

/// The committed image our overlay serves for `db` + `wal`.
fn overlay_image(db: &[u8], wal: &[u8], page: u32) -> (WalStats, Result<Vec<u8>, String>) {
    let dir = tempfile::tempdir().unwrap();
    let dbf = temp_file(dir.path(), "d", db);
    let walf = temp_file(dir.path(), "w", wal);
    let index = WalIndex::build(&walf, wal.len() as u64, None).unwrap();
    let stats = index.stats.clone();
    let fp = FilePages::new(dbf, db.len() as u64, page).unwrap();
    let ov = match WalOverlay::new(fp, walf, index) {
        Ok(ov) => ov,
        Err(e) => return (stats, Err(e.to_string())),
    };
    let img = read_image(&ov, ov.page_count(), 1 << 24).map(|z| z.to_vec());
    (stats, img.map_err(|e| e.to_string()))
}

#[test]
fn committed_frames_win_and_the_open_transaction_does_not_show() {
    // Page 1 twice (the later frame wins), page 3 past the end of the file,
    // commit at 3 pages; then an uncommitted frame for page 2.
    let wal = synth_wal(512, false, &[(1, 0), (3, 0), (1, 3), (2, 0)]);
    let db = vec![0xAA; 1024];
    let (stats, img) = overlay_image(&db, &wal, 512);
    let img = img.unwrap();
    let mut want = db.clone();
    apply_committed_frames(&mut want, &wal, 512, 1 << 20).unwrap();
    assert_eq!(img, want);
    assert_eq!(stats.frames_total, 4);
    assert_eq!(stats.frames_valid, 4);
    assert_eq!(stats.frames_committed, 3);
    assert_eq!(stats.frames_uncommitted, 1);
    assert_eq!(stats.frames_pending, 3);
    assert!(!stats.checkpoint_known);
    assert_eq!(stats.db_pages_after_commit, Some(3));
    assert_eq!(stats.distinct_pages, 2);
}

#[test]
fn a_preallocated_wal_with_stale_and_zero_frames_stops_at_the_first_invalid_frame() {
    // WeChat preallocates 4 MiB: valid frames, then an older generation's
    // frames (other salts), then zeros.
    let mut wal = synth_wal(1024, false, &[(1, 2), (2, 2)]);
    let stale = synth_wal(1024, false, &[(1, 0), (2, 0), (3, 5)]);
    let mut stale_frames = stale[WAL_HEADER_LEN..].to_vec();
    // Other salts: the walk must stop there even though the checksums would chain.
    for f in stale_frames.chunks_mut(1024 + 24) {
        f[8] ^= 0xFF;
    }
    wal.extend_from_slice(&stale_frames);
    wal.resize(4 << 20, 0);
    let db = vec![0u8; 0];
    let (stats, img) = overlay_image(&db, &wal, 1024);
    assert_eq!(stats.frames_total, ((4 << 20) - 32) / (1024 + 24));
    assert_eq!((stats.frames_valid, stats.frames_committed), (2, 2));
    assert_eq!(img.unwrap().len(), 2048);
}

#[test]
fn a_wal_sqlite_ignores_changes_nothing() {
    let db: Vec<u8> = (0..2048).map(|i| i as u8).collect();
    for mutate in [
        |w: &mut Vec<u8>| w[12] ^= 1, // header checksum
        |w: &mut Vec<u8>| w[4..8].copy_from_slice(&[0, 0, 0, 1]), // version
        |w: &mut Vec<u8>| w[0] = 0,   // magic
        |w: &mut Vec<u8>| w.truncate(20), // short
    ] {
        let mut wal = synth_wal(1024, false, &[(1, 1)]);
        mutate(&mut wal);
        let (stats, img) = overlay_image(&db, &wal, 1024);
        assert_eq!(stats.frames_committed, 0);
        assert!(stats.ignored_because.is_some());
        assert_eq!(img.unwrap(), db);
    }
    // An empty -wal is what SQLite leaves when idle: nothing to say.
    let (stats, img) = overlay_image(&db, &[], 1024);
    assert!(stats.ignored_because.is_none());
    assert_eq!(img.unwrap(), db);
}

#[test]
fn wal_page_size_must_match_once_it_has_commits() {
    let wal = synth_wal(1024, false, &[(1, 1)]);
    let (_, img) = overlay_image(&[0u8; 4096], &wal, 512);
    assert!(img.unwrap_err().contains("differs"));
    // Without commits the WAL is not used, whatever its page size.
    let wal = synth_wal(1024, false, &[(1, 0)]);
    let (_, img) = overlay_image(&[0u8; 4096], &wal, 512);
    assert_eq!(img.unwrap().len(), 4096);
}

#[test]
fn file_pages_bounds_and_partial_tail() {
    let dir = tempfile::tempdir().unwrap();
    let f = temp_file(dir.path(), "d", &[7u8; 1500]);
    let fp = FilePages::new(f, 1500, 1024).unwrap();
    assert_eq!(fp.page_count(), 2);
    assert_eq!(fp.partial_tail(), Some((2, 476)));
    let mut buf = vec![0u8; 1024];
    fp.read_page(2, &mut buf).unwrap();
    assert_eq!(&buf[..476], &[7u8; 476][..]);
    assert!(buf[476..].iter().all(|&b| b == 0));
    assert_eq!(
        fp.read_page(3, &mut buf),
        Err(PageError::OutOfRange { pgno: 3, count: 2 })
    );
    assert!(matches!(
        fp.read_page(0, &mut buf),
        Err(PageError::OutOfRange { .. })
    ));
    assert!(matches!(
        fp.read_page(1, &mut buf[..10]),
        Err(PageError::Buffer { .. })
    ));
    let f = temp_file(dir.path(), "e", &[]);
    assert!(FilePages::new(f, 0, 1000).is_err());
    let f = temp_file(dir.path(), "g", &[]);
    assert!(matches!(
        FilePages::new(f, u64::MAX, 512),
        Err(PagesSizeError::TooManyPages { .. })
    ));
}

#[test]
fn a_real_wal_with_checkpoints_and_an_open_transaction_matches_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("w.db");
    let c = wal_writer(&p, 1024);
    c.execute_batch("CREATE TABLE t(a, b); PRAGMA cache_size=5;")
        .unwrap();
    for i in 0..50 {
        c.execute("INSERT INTO t VALUES(?1, randomblob(700))", [i])
            .unwrap();
        if i == 20 {
            c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
                .unwrap();
        }
    }
    let committed_pages: u32 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    // An open transaction big enough to spill uncommitted frames into the WAL.
    c.execute_batch("BEGIN; INSERT INTO t SELECT a + 100, randomblob(900) FROM t;")
        .unwrap();
    let db = std::fs::read(&p).unwrap();
    let wal = std::fs::read(dir.path().join("w.db-wal")).unwrap();
    let shm = std::fs::read(dir.path().join("w.db-shm")).unwrap();
    c.execute_batch("ROLLBACK").unwrap();
    let info = inspect_wal(&wal, wal.len() as u64, Some(&shm)).unwrap();
    assert!(info.valid_frames > info.committed_frames, "{info:?}");

    let walf = temp_file(dir.path(), "copy-wal", &wal);
    let index = WalIndex::build(&walf, wal.len() as u64, Some(&shm)).unwrap();
    assert_eq!(index.stats.frames_valid, info.valid_frames);
    assert_eq!(index.stats.frames_committed, info.committed_frames);
    assert_eq!(index.stats.frames_pending, info.pending_frames);
    assert!(index.stats.checkpoint_known);
    assert_eq!(index.stats.distinct_pages, info.distinct_committed_pages);
    let dbf = temp_file(dir.path(), "copy-db", &db);
    let ov = WalOverlay::new(
        FilePages::new(dbf, db.len() as u64, 1024).unwrap(),
        walf,
        index,
    )
    .unwrap();
    assert_eq!(ov.page_count(), committed_pages);

    // SQLite reading the same image in memory sees the committed rows only.
    let img = read_image(&ov, ov.page_count(), 1 << 24).unwrap();
    let mut mem = rusqlite::Connection::open_in_memory().unwrap();
    mem.deserialize_read_exact(rusqlite::MAIN_DB, &img[..], img.len(), true)
        .unwrap();
    let n: i64 = mem
        .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 50);
    let _ = &mut mem;
}

#[test]
fn a_large_wal_is_streamed_whole() {
    // 40 MiB of committed frames: every frame is read and checked, and the
    // index holds one entry per distinct page, not per frame.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.db");
    let c = wal_writer(&p, 4096);
    c.execute_batch("CREATE TABLE t(a INTEGER PRIMARY KEY, b);")
        .unwrap();
    for round in 0..10 {
        c.execute_batch("BEGIN").unwrap();
        for i in 0..1000 {
            c.execute(
                "INSERT OR REPLACE INTO t VALUES(?1, randomblob(3000))",
                [i + (round % 2) * 7],
            )
            .unwrap();
        }
        c.execute_batch("COMMIT").unwrap();
    }
    let walp = dir.path().join("big.db-wal");
    let wal = File::open(&walp).unwrap();
    let len = wal.metadata().unwrap().len();
    assert!(len > 30 << 20, "{len}");
    let index = WalIndex::build(&wal, len, None).unwrap();
    assert_eq!(index.stats.frames_valid, index.stats.frames_total);
    assert_eq!(index.stats.frames_committed, index.stats.frames_total);
    let pages: u32 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    assert_eq!(index.stats.db_pages_after_commit, Some(pages));
    assert!(index.stats.distinct_pages <= u64::from(pages));
    assert!(index.stats.distinct_pages * 5 < index.stats.frames_total);
    // A WAL that shrinks while it is read is an error, not a short walk.
    let r = WalIndex::build(&wal, len + 10 * 4120, None);
    assert!(matches!(r, Err(WalIndexError::Io(_))), "{r:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn overlay_equals_the_reference_application(
        be in any::<bool>(),
        frames in proptest::collection::vec((1u32..8, 0u32..9), 0..10),
        flips in proptest::collection::vec((0usize..6000, any::<u8>()), 0..4),
        cut in proptest::option::of(0usize..6000),
        db_pages in 0usize..6,
    ) {
        let mut wal = synth_wal(512, be, &frames);
        for (i, v) in flips { if let Some(b) = wal.get_mut(i) { *b ^= v; } }
        if let Some(c) = cut { wal.truncate(c); }
        let db: Vec<u8> = (0..db_pages * 512).map(|i| (i / 512 + 1) as u8).collect();
        let (stats, img) = overlay_image(&db, &wal, 512);
        let mut want = db.clone();
        match apply_committed_frames(&mut want, &wal, 512, 1 << 24) {
            Ok(()) => prop_assert_eq!(img.unwrap(), want),
            Err(_) => prop_assert!(img.is_err() || stats.frames_committed == 0),
        }
        if let Ok(info) = inspect_wal(&wal, wal.len() as u64, None) {
            prop_assert_eq!(stats.frames_valid, info.valid_frames);
            prop_assert_eq!(stats.frames_committed, info.committed_frames);
            prop_assert_eq!(stats.distinct_pages, info.distinct_committed_pages);
        }
    }
}
