//! Tests for `readers::sqlite::db`: every case snapshots the scanned directory (entry
//! list, sizes, mtimes, ctimes, modes, owners, inodes, contents) and the temporary
//! directory before and after `inspect_db` and requires them identical. Both ways in
//! (SQLite over the pages in memory, and the b-tree walker) must agree.

use super::*;
use crate::readers::sqlite::wal::tests::wal_writer;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

#[derive(Debug, PartialEq, Eq)]
struct Snap {
    is_dir: bool,
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    mode: u32,
    uid: u32,
    gid: u32,
    ino: u64,
    nlink: u64,
    content: Option<Vec<u8>>,
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, Snap> {
    let mut out = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(p) = todo.pop() {
        let Ok(m) = fs::symlink_metadata(&p) else {
            continue;
        };
        if m.is_dir() {
            for e in fs::read_dir(&p).into_iter().flatten().flatten() {
                todo.push(e.path());
            }
        }
        out.insert(
            p.clone(),
            Snap {
                is_dir: m.is_dir(),
                len: m.len(),
                mtime: (m.mtime(), m.mtime_nsec()),
                ctime: (m.ctime(), m.ctime_nsec()),
                mode: m.mode(),
                uid: m.uid(),
                gid: m.gid(),
                ino: m.ino(),
                nlink: m.nlink(),
                content: m.is_file().then(|| fs::read(&p).unwrap_or_default()),
            },
        );
    }
    out
}

fn assert_same(before: &BTreeMap<PathBuf, Snap>, after: &BTreeMap<PathBuf, Snap>) {
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "entries changed"
    );
    for (k, v) in before {
        assert_eq!(Some(v), after.get(k), "{} changed", k.display());
    }
}

/// Runs `inspect_db` and asserts the database's directory did not change at all.
fn inspect_unchanged(db: &Path, opts: &InspectOptions) -> Result<DbInfo, DbError> {
    let dir = db.parent().unwrap();
    let before = snapshot(dir);
    // Make any ctime/mtime change visible even on coarse clocks.
    std::thread::sleep(Duration::from_millis(20));
    let r = inspect_db(db, opts);
    assert_same(&before, &snapshot(dir));
    r
}

/// The b-tree walker for every database, whatever its size.
fn walked() -> InspectOptions {
    InspectOptions {
        in_memory_max: 0,
        ..InspectOptions::default()
    }
}

fn rows_of(info: &DbInfo, table: &str) -> Option<u64> {
    info.objects
        .iter()
        .find(|o| o.name == table && o.kind != ObjectKind::Index)
        .and_then(|o| o.rows)
}

/// Count rows the ordinary way on a throwaway copy of `db` (+ sidecars): (what a
/// reader sees, what the file alone says).
fn reference_count(db: &Path, table: &str) -> (i64, i64) {
    let tmp = tempfile::tempdir().unwrap();
    let name = db.file_name().unwrap().to_str().unwrap();
    for side in ["", "-wal", "-shm", "-journal"] {
        let src = sidecar_path(db, side);
        if src.exists() {
            fs::copy(&src, tmp.path().join(format!("{name}{side}"))).unwrap();
        }
    }
    let copy = tmp.path().join(name);
    let q = format!("SELECT count(*) FROM {}", quote_ident(table));
    // What the file alone says (WAL ignored); before the normal open, whose
    // close checkpoints the WAL into the copy.
    let imm: i64 = Connection::open_with_flags(
        format!("file:{}?immutable=1", copy.display()),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap()
    .query_row(&q, [], |r| r.get(0))
    .unwrap();
    let normal: i64 = Connection::open(&copy)
        .unwrap()
        .query_row(&q, [], |r| r.get(0))
        .unwrap();
    (normal, imm)
}

/// A WAL database in `scan/` whose `-wal` holds committed frames that are
/// not checkpointed: 20 rows in the db file, 30 more only in the WAL. The
/// `-shm` is left out (as with Apple's Cache.db) unless `with_shm`.
fn uncheckpointed_wal_db(scan: &Path, name: &str, with_shm: bool) -> PathBuf {
    let src = tempfile::tempdir().unwrap();
    let sp = src.path().join("src.db");
    let w = wal_writer(&sp, 4096);
    w.execute_batch(
        "CREATE TABLE t(a, b); CREATE INDEX t_a ON t(a);
         WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<20)
         INSERT INTO t SELECT i, randomblob(100) FROM s;
         PRAGMA wal_checkpoint(TRUNCATE);
         WITH RECURSIVE s(i) AS (SELECT 21 UNION ALL SELECT i+1 FROM s WHERE i<50)
         INSERT INTO t SELECT i, randomblob(100) FROM s;
         CREATE TABLE late(x); INSERT INTO late VALUES (1), (2);",
    )
    .unwrap();
    let db = scan.join(name);
    fs::copy(&sp, &db).unwrap();
    fs::copy(sidecar_path(&sp, "-wal"), sidecar_path(&db, "-wal")).unwrap();
    if with_shm {
        fs::copy(sidecar_path(&sp, "-shm"), sidecar_path(&db, "-shm")).unwrap();
    }
    drop(w);
    db
}

#[test]
fn wal_with_uncheckpointed_frames_and_no_shm() {
    let scan = tempfile::tempdir().unwrap();
    let db = uncheckpointed_wal_db(scan.path(), "Cache.db", false);
    assert_eq!(
        reference_count(&db, "t"),
        (50, 20),
        "fixture: WAL holds rows"
    );
    for (opts, access) in [
        (InspectOptions::default(), Access::InMemory),
        (walked(), Access::Pages),
    ] {
        let info = inspect_unchanged(&db, &opts).unwrap();
        assert_eq!(info.access, Some(access));
        assert_eq!(rows_of(&info, "t"), Some(50), "WAL rows included");
        // A table created only in the WAL is listed too.
        assert_eq!(rows_of(&info, "late"), Some(2));
        assert!(info
            .objects
            .iter()
            .any(|o| o.name == "t_a" && o.kind == ObjectKind::Index));
        let w = info.wal.as_ref().unwrap();
        assert!(w.frames_committed > 0);
        assert!(!w.checkpoint_known);
        assert_eq!(w.frames_pending, w.frames_committed);
        assert_eq!(info.sidecars.shm_bytes, None);
        assert_eq!(info.journal, Some(JournalMode::Wal));
        assert!(info.issues.is_empty(), "{:?}", info.issues);
        // One state: the page count is the committed one, beyond the file.
        let pages = info.page_count.unwrap();
        assert!(pages * 4096 > info.file_len, "{pages}");
        assert_eq!(info.freelist_pages, Some(0));
    }
    // No private copy in the temporary directory either (they were named
    // wechat-inspect-<pid>-<n>; tests/nowrite.rs checks the whole run with strace).
    let ours = format!("wechat-inspect-{}-", std::process::id());
    let copies: Vec<_> = fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&ours))
        .collect();
    assert!(copies.is_empty(), "{copies:?}");
}

#[test]
fn wal_with_stale_shm() {
    let scan = tempfile::tempdir().unwrap();
    let db = uncheckpointed_wal_db(scan.path(), "x.db", true);
    let info = inspect_unchanged(&db, &InspectOptions::default()).unwrap();
    assert_eq!(rows_of(&info, "t"), Some(50));
    let w = info.wal.as_ref().unwrap();
    assert!(w.checkpoint_known);
    assert_eq!(w.frames_pending, w.frames_committed);
}

#[test]
fn wal_db_without_wal_file() {
    let scan = tempfile::tempdir().unwrap();
    let db = scan.path().join("w.db");
    let c = wal_writer(&db, 4096);
    c.execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3);")
        .unwrap();
    drop(c); // last close checkpoints and deletes -wal and -shm
    assert!(!sidecar_path(&db, "-wal").exists());
    let info = inspect_unchanged(&db, &InspectOptions::default()).unwrap();
    assert_eq!(rows_of(&info, "t"), Some(3));
    assert_eq!(info.journal, Some(JournalMode::Wal));
    assert_eq!(info.wal, None);
}

/// A 0-byte `-wal` is what SQLite and Apple leave when idle: nothing to say.
#[test]
fn an_empty_wal_is_normal() {
    let scan = tempfile::tempdir().unwrap();
    let src = tempfile::tempdir().unwrap();
    let sp = src.path().join("s.db");
    let w = wal_writer(&sp, 4096);
    w.execute_batch(
        "CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);
         PRAGMA wal_checkpoint(TRUNCATE);",
    )
    .unwrap();
    let db = scan.path().join("e.db");
    fs::copy(&sp, &db).unwrap();
    fs::copy(sidecar_path(&sp, "-wal"), sidecar_path(&db, "-wal")).unwrap();
    fs::copy(sidecar_path(&sp, "-shm"), sidecar_path(&db, "-shm")).unwrap();
    drop(w);
    assert_eq!(fs::metadata(sidecar_path(&db, "-wal")).unwrap().len(), 0);
    for opts in [InspectOptions::default(), walked()] {
        let info = inspect_unchanged(&db, &opts).unwrap();
        assert_eq!(rows_of(&info, "t"), Some(2));
        assert_eq!(info.sidecars.wal_bytes, Some(0));
        assert!(info.issues.is_empty(), "{:?}", info.issues);
        let w = info.wal.unwrap();
        assert_eq!((w.frames_valid, w.frames_pending), (0, 0));
    }
}

#[test]
fn legacy_db() {
    let scan = tempfile::tempdir().unwrap();
    let db = scan.path().join("l.db");
    let c = Connection::open(&db).unwrap();
    c.execute_batch(
        r#"CREATE TABLE "Chat_9e20f478899dc29eb19741386f9343c8"(a);
           INSERT INTO "Chat_9e20f478899dc29eb19741386f9343c8" VALUES (1), (2);
           CREATE TABLE "we""ird ná me"(x); INSERT INTO "we""ird ná me" VALUES (1);
           CREATE TABLE "sp ace"(x); CREATE INDEX "i x" ON "sp ace"(x);
           CREATE TABLE w(a PRIMARY KEY, b) WITHOUT ROWID; INSERT INTO w VALUES (1, 2);
           CREATE TABLE auto(id INTEGER PRIMARY KEY AUTOINCREMENT); INSERT INTO auto DEFAULT VALUES;"#,
    )
    .unwrap();
    drop(c);
    let mut views = Vec::new();
    for opts in [InspectOptions::default(), walked()] {
        let info = inspect_unchanged(&db, &opts).unwrap();
        assert_eq!(info.journal, Some(JournalMode::Legacy));
        assert_eq!(info.format, DbFormat::Sqlite);
        assert_eq!(info.key, None);
        assert_eq!(
            rows_of(&info, "Chat_9e20f478899dc29eb19741386f9343c8"),
            Some(2)
        );
        assert_eq!(rows_of(&info, "we\"ird ná me"), Some(1));
        assert_eq!(rows_of(&info, "sp ace"), Some(0));
        assert_eq!(rows_of(&info, "w"), Some(1));
        assert_eq!(rows_of(&info, "sqlite_sequence"), Some(1));
        let idx = info.objects.iter().find(|o| o.name == "i x").unwrap();
        assert_eq!(
            (idx.kind, idx.table.as_str(), idx.rows),
            (ObjectKind::Index, "sp ace", None)
        );
        let names: Vec<&str> = info.objects.iter().map(|o| o.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(info.objects.iter().all(|o| o.error.is_none()));
        assert_eq!(
            info.page_count.unwrap() * u64::from(info.page_size.unwrap()),
            info.file_len
        );
        // JSON: snake_case, no SQL text.
        let j = serde_json::to_value(&info).unwrap();
        assert!(j["objects"][0].get("sql").is_none());
        assert_eq!(j["format"], "sqlite");
        views.push(view_of(&info));
    }
    assert_eq!(views[0], views[1]);
}

/// A legacy database with a hot journal: a writer spilled uncommitted pages
/// into the db file; copy db + journal while the transaction is open.
fn hot_journal_db(scan: &Path) -> PathBuf {
    let src = tempfile::tempdir().unwrap();
    let sp = src.path().join("h.db");
    let c = Connection::open(&sp).unwrap();
    c.execute_batch(
        "PRAGMA page_size=1024; CREATE TABLE t(a, b);
         WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<10)
         INSERT INTO t SELECT i, randomblob(50) FROM s;
         PRAGMA cache_size=2; BEGIN;
         WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<3000)
         INSERT INTO t SELECT i, randomblob(300) FROM s;",
    )
    .unwrap();
    let db = scan.join("h.db");
    fs::copy(&sp, &db).unwrap();
    fs::copy(sidecar_path(&sp, "-journal"), sidecar_path(&db, "-journal")).unwrap();
    c.execute_batch("ROLLBACK").unwrap();
    db
}

/// SQLite would roll a hot journal back before reading; we never write, so the
/// figures are the file's as it is, and an issue says so. The journal is left
/// alone.
#[test]
fn a_hot_journal_is_an_issue_and_is_never_rolled_back() {
    let scan = tempfile::tempdir().unwrap();
    let db = hot_journal_db(scan.path());
    assert!(
        fs::metadata(&db).unwrap().len() > 100 * 1024,
        "fixture: pages spilled"
    );
    assert_eq!(
        reference_count(&db, "t").0,
        10,
        "fixture: SQLite rolls back"
    );
    for opts in [InspectOptions::default(), walked()] {
        let info = inspect_unchanged(&db, &opts).unwrap();
        assert!(info.hot_journal);
        assert!(
            info.issues
                .iter()
                .any(|i| i.contains("hot rollback journal")),
            "{:?}",
            info.issues
        );
        assert!(info.sidecars.journal_bytes.unwrap() > 0);
    }
    assert!(sidecar_path(&db, "-journal").exists());

    // A journal whose header was zeroed (PERSIST mode after a commit) is not hot.
    let jp = sidecar_path(&db, "-journal");
    let mut j = fs::read(&jp).unwrap();
    j[..28].fill(0);
    fs::write(&jp, &j).unwrap();
    let info = inspect_unchanged(&db, &InspectOptions::default()).unwrap();
    assert!(!info.hot_journal);
    assert!(info.issues.iter().all(|i| !i.contains("journal")));
}

#[test]
fn a_write_lock_held_by_another_process_is_an_error_value_not_a_hang() {
    if std::process::Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_err()
    {
        eprintln!("sqlite3 CLI not installed; skipped");
        return;
    }
    let scan = tempfile::tempdir().unwrap();
    let db = scan.path().join("locked.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES (1);")
        .unwrap();
    let mut holder = std::process::Command::new("sqlite3")
        .arg(&db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = holder.stdin.take().unwrap();
    use std::io::{BufRead, Write};
    writeln!(stdin, "BEGIN EXCLUSIVE; SELECT 'held';").unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "held");
    let t = Instant::now();
    let r = inspect_unchanged(&db, &InspectOptions::default());
    let r2 = inspect_unchanged(&db, &walked());
    let store = with_read_only_connection(&db, &InspectOptions::for_stores(), |_| Ok(()));
    drop(stdin);
    holder.wait().unwrap();
    assert!(t.elapsed() < Duration::from_secs(2));
    assert!(matches!(r, Err(DbError::Locked { .. })), "{r:?}");
    assert!(matches!(r2, Err(DbError::Locked { .. })), "{r2:?}");
    assert!(matches!(store, Err(DbError::Locked { .. })), "{store:?}");
    let msg = r.unwrap_err().to_string();
    assert!(msg.contains("locked.db") && msg.contains("locked"), "{msg}");
    // Without the writer, the same database reads.
    let info = inspect_unchanged(&db, &InspectOptions::default()).unwrap();
    assert_eq!(rows_of(&info, "t"), Some(1));
}

/// Everything a view shows, to compare two ways of reading one database.
fn view_of(info: &DbInfo) -> Vec<(String, ObjectKind, Option<u64>, Option<String>)> {
    info.objects
        .iter()
        .map(|o| (o.name.clone(), o.kind, o.rows, o.error.clone()))
        .collect()
}

#[test]
fn in_memory_view_matches_the_walker() {
    let scan = tempfile::tempdir().unwrap();
    let legacy = scan.path().join("legacy.db");
    Connection::open(&legacy)
        .unwrap()
        .execute_batch(
            "CREATE TABLE a(x); CREATE TABLE \"odd \"\"name\"(y);
             CREATE INDEX a_x ON a(x);
             CREATE TABLE p(k PRIMARY KEY, v) WITHOUT ROWID;
             INSERT INTO p VALUES (1, 2), (3, 4);
             WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<500)
             INSERT INTO a SELECT randomblob(3000) FROM s;
             DELETE FROM a WHERE rowid % 3 = 0;",
        )
        .unwrap();
    let fixtures = [
        (uncheckpointed_wal_db(scan.path(), "no-shm.db", false), "t"),
        (uncheckpointed_wal_db(scan.path(), "with-shm.db", true), "t"),
        (legacy, "a"),
    ];
    for (db, table) in &fixtures {
        let big = InspectOptions {
            in_memory_max: u64::MAX,
            ..InspectOptions::default()
        };
        let in_memory = inspect_unchanged(db, &big).unwrap();
        let pages = inspect_unchanged(db, &walked()).unwrap();
        assert_eq!(in_memory.access, Some(Access::InMemory));
        assert_eq!(pages.access, Some(Access::Pages));
        assert_eq!(view_of(&in_memory), view_of(&pages), "{}", db.display());
        assert_eq!(in_memory.page_count, pages.page_count);
        assert_eq!(in_memory.freelist_pages, pages.freelist_pages);
        assert!(!view_of(&in_memory).is_empty());
        let (normal, _) = reference_count(db, table);
        assert_eq!(
            rows_of(&in_memory, table),
            Some(normal as u64),
            "{}",
            db.display()
        );
        // Every page: the same rows, the walked freelist equals the header's, and
        // pages for every table and index.
        for opts in [
            InspectOptions {
                mode: WalkMode::Full,
                ..big.clone()
            },
            InspectOptions {
                mode: WalkMode::Full,
                ..walked()
            },
        ] {
            let full = inspect_unchanged(db, &opts).unwrap();
            assert_eq!(view_of(&full), view_of(&pages));
            assert_eq!(full.freelist_pages, pages.freelist_pages);
            assert!(full.objects.iter().all(|o| o.pages.is_some()), "{full:?}");
            assert!(full.issues.is_empty(), "{:?}", full.issues);
        }
    }
}

#[test]
fn not_databases() {
    let scan = tempfile::tempdir().unwrap();
    let dir_db = scan.path().join("x.db");
    fs::create_dir(&dir_db).unwrap();
    let r = inspect_unchanged(&dir_db, &InspectOptions::default());
    assert!(matches!(r, Err(DbError::NotRegularFile { .. })), "{r:?}");

    // An empty file is an empty database (as SQLite sees it).
    let empty = scan.path().join("empty.db");
    fs::write(&empty, b"").unwrap();
    let info = inspect_unchanged(&empty, &InspectOptions::default()).unwrap();
    assert_eq!((info.format, info.page_count), (DbFormat::Sqlite, Some(0)));
    assert!(info.objects.is_empty() && info.schema_read);

    // Zero-length database with a -wal: SQLite ignores (and would delete) the -wal.
    fs::write(sidecar_path(&empty, "-wal"), vec![1u8; 100]).unwrap();
    let info = inspect_unchanged(&empty, &InspectOptions::default()).unwrap();
    assert!(info.objects.is_empty());
    assert!(sidecar_path(&empty, "-wal").exists());

    let garbage = scan.path().join("garbage.db");
    let mut g = SQLITE_MAGIC_BYTES.to_vec();
    g.extend((0..5000u32).map(|i| (i * 7919 % 251) as u8));
    fs::write(&garbage, &g).unwrap();
    let r = inspect_unchanged(&garbage, &InspectOptions::default());
    assert!(r.is_err(), "{r:?}");
    assert!(!r.unwrap_err().to_string().contains("os error"));

    // A plausible header over garbage pages: an error value (in memory: SQLite's),
    // or the schema's problem as an issue (walker); never a crash.
    let mut g2 = vec![0u8; 100];
    g2[..16].copy_from_slice(SQLITE_MAGIC_BYTES);
    g2[16..18].copy_from_slice(&4096u16.to_be_bytes());
    g2[18] = 1;
    g2[19] = 1;
    g2[21] = 64;
    g2[22] = 32;
    g2[23] = 32;
    g2.extend((0..8092u32).map(|i| (i * 31 % 253) as u8 | 1));
    let garbage2 = scan.path().join("garbage2.db");
    fs::write(&garbage2, &g2).unwrap();
    let r = inspect_unchanged(&garbage2, &InspectOptions::default());
    assert!(matches!(r, Err(DbError::Sqlite { .. })), "{r:?}");
    match inspect_unchanged(&garbage2, &walked()) {
        Ok(info) => assert!(!info.issues.is_empty(), "{info:?}"),
        Err(e) => assert!(!e.to_string().contains("os error"), "{e}"),
    }

    // Whole pages of noise: looks like SQLCipher; without a key, no schema.
    let sqlcipher = scan.path().join("msg_0.db");
    fs::write(
        &sqlcipher,
        (0..4096u32)
            .map(|i| (i * 13 % 256) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let info = inspect_unchanged(&sqlcipher, &InspectOptions::default()).unwrap();
    assert_eq!(info.format, DbFormat::Sqlcipher);
    assert_eq!(info.key, Some(KeyStatus::None));
    assert!(!info.schema_read && info.page_count.is_none());
    assert_eq!(
        info.rows_skipped.as_deref(),
        Some("encrypted: no key for it")
    );

    // Not noise, not SQLite: an unknown format, not "encrypted".
    let mlocate = scan.path().join("mlocate.db");
    let mut m = b"\0mlocate\0\0\0\x01".to_vec();
    m.extend(std::iter::repeat_n(b'/', 4000));
    fs::write(&mlocate, &m).unwrap();
    let info = inspect_unchanged(&mlocate, &InspectOptions::default()).unwrap();
    assert_eq!((info.format, info.key), (DbFormat::Unknown, None));
    assert!(info.rows_skipped.unwrap().contains("unknown format"));

    let link = scan.path().join("link.db");
    std::os::unix::fs::symlink(scan.path().join("garbage.db"), &link).unwrap();
    assert!(inspect_unchanged(&link, &InspectOptions::default()).is_err());

    let mut v3 = g2.clone();
    v3[19] = 3;
    let future = scan.path().join("future.db");
    fs::write(&future, &v3).unwrap();
    let r = inspect_unchanged(&future, &InspectOptions::default());
    assert!(
        matches!(
            r,
            Err(DbError::UnsupportedFormat {
                read_version: 3,
                ..
            })
        ),
        "{r:?}"
    );
}

const SQLITE_MAGIC_BYTES: &[u8; 16] = crate::readers::sqlite::header::SQLITE_MAGIC;

/// A header that cannot be true is an issue, and the impossible figure is not
/// reported (it used to read "Dead space 8.0 TiB").
#[test]
fn impossible_header_values_are_issues_not_figures() {
    let scan = tempfile::tempdir().unwrap();
    let db = scan.path().join("h.db");
    let c = Connection::open(&db).unwrap();
    c.execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2);")
        .unwrap();
    drop(c);
    let mut bytes = fs::read(&db).unwrap();
    // 2^31 pages (valid-for kept equal to the change counter) and 2^31 free pages.
    bytes[28..32].copy_from_slice(&0x8000_0000u32.to_be_bytes());
    bytes[36..40].copy_from_slice(&0x8000_0000u32.to_be_bytes());
    fs::write(&db, &bytes).unwrap();
    for opts in [InspectOptions::default(), walked()] {
        let info = inspect_unchanged(&db, &opts).unwrap();
        assert_eq!(info.page_count, Some(2), "{info:?}");
        assert_eq!(info.freelist_pages, None);
        assert!(
            info.issues
                .iter()
                .any(|i| i.contains("header says the database has 2147483648 pages")),
            "{:?}",
            info.issues
        );
        assert!(
            info.issues
                .iter()
                .any(|i| i.contains("2147483648 pages are free")),
            "{:?}",
            info.issues
        );
        assert_eq!(
            info.issues
                .iter()
                .filter(|i| i.contains("header says the database"))
                .count(),
            1,
            "said once: {:?}",
            info.issues
        );
    }
}

#[test]
fn sidecar_that_is_a_directory_is_refused() {
    let scan = tempfile::tempdir().unwrap();
    let db = scan.path().join("d.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE t(a);")
        .unwrap();
    fs::create_dir(sidecar_path(&db, "-wal")).unwrap();
    let r = inspect_unchanged(&db, &InspectOptions::default());
    assert!(matches!(r, Err(DbError::UnsafeSidecar { .. })), "{r:?}");
}

#[test]
fn virtual_tables() {
    let scan = tempfile::tempdir().unwrap();
    let db = scan.path().join("fts.db");
    let c = Connection::open(&db).unwrap();
    c.execute_batch(
        "CREATE TABLE plain(a); INSERT INTO plain VALUES (1), (2);
         CREATE VIRTUAL TABLE ok USING fts5(body); INSERT INTO ok VALUES ('hi');
         CREATE VIRTUAL TABLE gone USING fts5(body);
         PRAGMA writable_schema=ON;
         UPDATE sqlite_master SET sql = 'CREATE VIRTUAL TABLE gone USING nosuchmodule(body)'
           WHERE name = 'gone';
         CREATE VIRTUAL TABLE tok USING fts5(body);
         UPDATE sqlite_master SET sql = 'CREATE VIRTUAL TABLE tok USING fts5(body, tokenize=MMFtsTokenizer)'
           WHERE name = 'tok';
         PRAGMA writable_schema=OFF;",
    )
    .unwrap();
    drop(c);
    // In memory, SQLite counts what it can; a module it lacks is a per-table error.
    let info = inspect_unchanged(&db, &InspectOptions::default()).unwrap();
    let get = |n: &str| info.objects.iter().find(|o| o.name == n).unwrap();
    assert_eq!(get("plain").rows, Some(2));
    assert_eq!(
        (get("ok").kind, get("ok").rows),
        (ObjectKind::VirtualTable, Some(1))
    );
    assert_eq!(get("ok_data").kind, ObjectKind::Table);
    let gone = get("gone");
    assert_eq!((gone.kind, gone.rows), (ObjectKind::VirtualTable, None));
    assert!(
        gone.error.as_deref().unwrap().contains("nosuchmodule"),
        "{gone:?}"
    );
    // An unknown FTS5 tokenizer (WeChat's MMFtsTokenizer) is only needed to
    // tokenize, so count(*) still works; either outcome is per table.
    let tok = get("tok");
    assert!(tok.rows == Some(0) || tok.error.is_some(), "{tok:?}");

    // The walker counts the shadow tables and says why a virtual table has no count.
    let info = inspect_unchanged(&db, &walked()).unwrap();
    let get = |n: &str| info.objects.iter().find(|o| o.name == n).unwrap();
    assert_eq!(get("plain").rows, Some(2));
    assert_eq!(get("ok_content").rows, Some(1));
    assert_eq!(
        (get("ok").kind, get("ok").rows),
        (ObjectKind::VirtualTable, None)
    );
    assert!(get("ok")
        .error
        .as_deref()
        .unwrap()
        .contains("shadow tables"));
}

#[test]
fn no_row_counts_still_lists_the_schema() {
    let scan = tempfile::tempdir().unwrap();
    let db = scan.path().join("n.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE t(a); CREATE TABLE u(a); CREATE INDEX u_a ON u(a);
             WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<100)
             INSERT INTO t SELECT i FROM s; INSERT INTO u VALUES (1);",
        )
        .unwrap();
    for base in [InspectOptions::default(), walked()] {
        let off = InspectOptions {
            count_rows: false,
            ..base
        };
        let info = inspect_unchanged(&db, &off).unwrap();
        assert_eq!(info.rows_skipped.as_deref(), Some("row counting disabled"));
        assert!(info.objects.iter().all(|o| o.rows.is_none()));
        assert_eq!(info.objects.len(), 3);
        assert!(info.objects.iter().all(|o| o.error.is_none()), "{info:?}");
    }
}

/// Larger than the in-memory cap: walked page by page, WAL included, and the store
/// readers get a clear refusal instead of a copy.
#[test]
fn a_wal_database_over_the_in_memory_cap() {
    let scan = tempfile::tempdir().unwrap();
    let db = uncheckpointed_wal_db(scan.path(), "big.db", false);
    let small_cap = InspectOptions {
        in_memory_max: 4096,
        ..InspectOptions::default()
    };
    let info = inspect_unchanged(&db, &small_cap).unwrap();
    assert_eq!(info.access, Some(Access::Pages));
    assert_eq!(rows_of(&info, "t"), Some(50));
    assert_eq!(rows_of(&info, "late"), Some(2));

    let before = snapshot(scan.path());
    let r = with_read_only_connection(&db, &small_cap, |c| {
        c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0))
    });
    assert!(matches!(r, Err(DbError::TooLarge { .. })), "{r:?}");
    let msg = r.unwrap_err().to_string();
    assert!(msg.contains("over the 4096 bytes"), "{msg}");
    // Within the cap, SQL sees the committed state.
    let (n, view) = with_read_only_connection(&db, &InspectOptions::for_stores(), |c| {
        c.query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0))
    })
    .unwrap();
    assert_eq!((n, view.access), (50, Access::InMemory));
    assert!(view.notes.is_empty(), "{:?}", view.notes);
    assert_same(&before, &snapshot(scan.path()));

    // The store readers refuse what is not plaintext SQLite.
    let noise = scan.path().join("noise.db");
    fs::write(
        &noise,
        (0..8192u32)
            .map(|i| (i * 13 % 256) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let r = with_read_only_connection(&noise, &InspectOptions::for_stores(), |_| Ok(()));
    assert!(matches!(r, Err(DbError::NotPlaintext { .. })), "{r:?}");
    // An empty file is an empty database.
    let empty = scan.path().join("empty.db");
    fs::write(&empty, b"").unwrap();
    let (tables, _) = with_read_only_connection(
        &empty,
        &InspectOptions::for_stores(),
        crate::readers::sqlite::tables,
    )
    .unwrap();
    assert!(tables.is_empty());
}

#[test]
fn quoting_and_odd_paths() {
    assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
    let scan = tempfile::tempdir().unwrap();
    let dir = scan.path().join("we?ird #dir%");
    fs::create_dir(&dir).unwrap();
    let db = dir.join("n&a=me.db");
    Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES (1);")
        .unwrap();
    let info = inspect_unchanged(&db, &InspectOptions::default()).unwrap();
    assert_eq!(rows_of(&info, "t"), Some(1));
}

/// Evidence for the module docs: what a plain `SQLITE_OPEN_READ_ONLY` open
/// does to the same fixtures. If SQLite ever stops doing this, the design
/// could use SQLite on the files again; until then these must keep failing
/// the snapshot.
#[test]
fn naive_read_only_open_modifies_the_tree() {
    let scan = tempfile::tempdir().unwrap();
    let db = uncheckpointed_wal_db(scan.path(), "n.db", false);
    let before = snapshot(scan.path());
    {
        let c = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 50);
    }
    let after = snapshot(scan.path());
    assert!(
        sidecar_path(&db, "-shm").exists(),
        "mode=ro created the -shm"
    );
    assert_ne!(before, after);

    // WAL-mode db without -wal: a read-only open creates -wal (and -shm).
    let scan2 = tempfile::tempdir().unwrap();
    let db2 = scan2.path().join("w.db");
    drop(wal_writer(&db2, 4096));
    Connection::open(&db2)
        .unwrap()
        .execute_batch("CREATE TABLE t(a)")
        .unwrap();
    assert!(!sidecar_path(&db2, "-wal").exists());
    {
        let c = Connection::open_with_flags(&db2, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let _: i64 = c
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert!(
            sidecar_path(&db2, "-wal").exists(),
            "mode=ro created the -wal"
        );
    }

    // Hot journal: mode=ro opens the -journal and, as root, fchowns it (a
    // ctime change), then fails with SQLITE_READONLY_ROLLBACK.
    let scan3 = tempfile::tempdir().unwrap();
    let db3 = hot_journal_db(scan3.path());
    let probe = scan3.path().join("uid-probe");
    fs::write(&probe, b"").unwrap();
    let root = fs::metadata(&probe).unwrap().uid() == 0;
    fs::remove_file(&probe).unwrap();
    let before = snapshot(scan3.path());
    std::thread::sleep(Duration::from_millis(20));
    let r = Connection::open_with_flags(&db3, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
        .query_row("SELECT count(*) FROM t", [], |r| r.get::<_, i64>(0));
    assert_eq!(
        r.unwrap_err().sqlite_error_code(),
        Some(ErrorCode::ReadOnly),
        "hot journal cannot be rolled back read-only"
    );
    if root {
        assert_ne!(before, snapshot(scan3.path()), "fchown changed the ctime");
    } else {
        eprintln!("note: not root, SQLite skips fchown; ctime case not exercised");
    }
}

/// One step a writer takes on a WAL database that is never checkpointed on its own.
#[derive(Debug, Clone)]
enum WalStep {
    Insert { table: u8, rows: u16, blob: u16 },
    Delete { table: u8, every: u8 },
    Create { table: u8 },
    Drop { table: u8 },
    Checkpoint(&'static str),
    Vacuum,
}

fn wal_step() -> impl proptest::strategy::Strategy<Value = WalStep> {
    use proptest::prelude::*;
    prop_oneof![
        4 => (0u8..3, 1u16..200, 0u16..1500)
            .prop_map(|(table, rows, blob)| WalStep::Insert { table, rows, blob }),
        1 => (0u8..3, 2u8..5).prop_map(|(table, every)| WalStep::Delete { table, every }),
        1 => (0u8..3).prop_map(|table| WalStep::Create { table }),
        1 => (0u8..3).prop_map(|table| WalStep::Drop { table }),
        1 => prop::sample::select(vec!["PASSIVE", "RESTART", "TRUNCATE"]).prop_map(WalStep::Checkpoint),
        1 => Just(WalStep::Vacuum),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Whatever a writer did, the in-memory view and the walker read the same
    /// tables, row counts, page count and free pages as SQLite recovering the same
    /// files.
    #[test]
    fn both_views_match_sqlite_recovery(
        steps in proptest::collection::vec(wal_step(), 1..14),
        page in proptest::sample::select(vec![1024u32, 4096]),
    ) {
        let src = tempfile::tempdir().unwrap();
        let scan = tempfile::tempdir().unwrap();
        let sp = src.path().join("w.db");
        let w = wal_writer(&sp, page);
        w.execute_batch("CREATE TABLE t0(a, b); CREATE TABLE t1(a, b); CREATE TABLE t2(a, b);").unwrap();
        for step in &steps {
            // Errors (a table dropped twice, ...) are part of the game: the writer goes on.
            let _ = match step {
                WalStep::Insert { table, rows, blob } => w.execute_batch(&format!(
                    "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<{rows})
                     INSERT INTO t{table} SELECT i, randomblob({blob}) FROM s;"
                )),
                WalStep::Delete { table, every } => {
                    w.execute_batch(&format!("DELETE FROM t{table} WHERE rowid % {every} = 0;"))
                }
                WalStep::Create { table } => {
                    w.execute_batch(&format!("CREATE TABLE IF NOT EXISTS t{table}(a, b);"))
                }
                WalStep::Drop { table } => w.execute_batch(&format!("DROP TABLE IF EXISTS t{table};")),
                WalStep::Checkpoint(mode) => w.execute_batch(&format!("PRAGMA wal_checkpoint({mode});")),
                WalStep::Vacuum => w.execute_batch("VACUUM;"),
            };
        }
        let db = scan.path().join("w.db");
        fs::copy(&sp, &db).unwrap();
        if sidecar_path(&sp, "-wal").exists() {
            fs::copy(sidecar_path(&sp, "-wal"), sidecar_path(&db, "-wal")).unwrap();
        }
        drop(w);

        let in_memory = inspect_unchanged(&db, &InspectOptions::default()).unwrap();
        let pages = inspect_unchanged(&db, &walked()).unwrap();
        proptest::prop_assert_eq!(view_of(&in_memory), view_of(&pages));
        // SQLite itself, recovering a copy of the same two files.
        let copy = tempfile::tempdir().unwrap();
        let cp = copy.path().join("w.db");
        fs::copy(&db, &cp).unwrap();
        if sidecar_path(&db, "-wal").exists() {
            fs::copy(sidecar_path(&db, "-wal"), sidecar_path(&cp, "-wal")).unwrap();
        }
        let sqlite = Connection::open(&cp).unwrap();
        let pragma = |p: &str| -> u64 {
            sqlite.query_row(&format!("PRAGMA {p}"), [], |r| r.get::<_, i64>(0)).unwrap() as u64
        };
        for info in [&in_memory, &pages] {
            proptest::prop_assert_eq!(info.page_count, Some(pragma("page_count")));
            proptest::prop_assert_eq!(info.freelist_pages, Some(pragma("freelist_count")));
        }
        let mut tables: Vec<String> = sqlite
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let mut ours: Vec<String> = in_memory
            .objects
            .iter()
            .filter(|o| o.kind == ObjectKind::Table)
            .map(|o| o.name.clone())
            .collect();
        tables.sort();
        ours.sort();
        proptest::prop_assert_eq!(&ours, &tables);
        for t in &tables {
            let n: i64 = sqlite
                .query_row(&format!("SELECT count(*) FROM {}", quote_ident(t)), [], |r| r.get(0))
                .unwrap();
            proptest::prop_assert_eq!(rows_of(&in_memory, t), Some(n as u64), "{}", t);
        }
    }
}
