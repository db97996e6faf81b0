use super::*;
use crate::readers::sqlite::pagereport::{describe_pages, DescribeOptions};
use proptest::prelude::*;
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;

/// What SQLite itself says about a database, per b-tree name: (rows or
/// entries, interior, leaf, overflow pages), plus page and freelist counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Truth {
    pub page_count: u32,
    pub freelist_count: u32,
    pub objects: BTreeMap<String, (u64, u64, u64, u64)>,
}

/// SQLite's view through `c` (`dbstat` for pages and index entries,
/// `count(*)` for table rows).
pub(crate) fn sqlite_truth(c: &Connection) -> Truth {
    let page_count: u32 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    let freelist_count: u32 = c
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    let mut objects = BTreeMap::new();
    let mut st = c
        .prepare(
            "SELECT name, sum(pagetype='internal'), sum(pagetype='leaf'), sum(pagetype='overflow'),
                    sum(CASE WHEN pagetype='overflow' THEN 0 ELSE ncell END)
             FROM dbstat GROUP BY name",
        )
        .unwrap();
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)? as u64,
                r.get::<_, i64>(2)? as u64,
                r.get::<_, i64>(3)? as u64,
                r.get::<_, i64>(4)? as u64,
            ))
        })
        .unwrap();
    for row in rows {
        let (name, i, l, o, cells) = row.unwrap();
        objects.insert(name, (cells, i, l, o));
    }
    // Tables with rowids: rows are count(*), not cells on interior pages.
    let tables: Vec<(String, bool)> = c
        .prepare(
            "SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema
             WHERE type='table' AND rootpage>0",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (t, without_rowid) in tables {
        let q = format!("SELECT count(*) FROM \"{}\"", t.replace('"', "\"\""));
        let n: i64 = c.query_row(&q, [], |r| r.get(0)).unwrap();
        if let Some(e) = objects.get_mut(&t) {
            if without_rowid {
                assert_eq!(e.0, n as u64, "{t}: WITHOUT ROWID cells vs count(*)");
            }
            e.0 = n as u64;
        }
    }
    let schema_rows: i64 = c
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .unwrap();
    if let Some(e) = objects.get_mut("sqlite_schema") {
        e.0 = schema_rows as u64;
    }
    Truth {
        page_count,
        freelist_count,
        objects,
    }
}

/// Our view of the same, from a [`Layout`].
pub(crate) fn our_truth(l: &Layout) -> Truth {
    let mut objects = BTreeMap::new();
    for o in &l.objects {
        assert!(o.complete, "{}: {:?}", o.name, o.error);
        if o.kind == ObjectKind::VirtualTable || o.pages() == 0 && o.root == 0 {
            continue;
        }
        objects.insert(
            o.name.clone(),
            (o.rows, o.interior_pages, o.leaf_pages, o.overflow_pages),
        );
    }
    Truth {
        page_count: l.page_count,
        freelist_count: l.freelist_header,
        objects,
    }
}

/// Every page is accounted for exactly once.
pub(crate) fn check_accounting(l: &Layout) {
    let in_objects: u64 = l.objects.iter().map(ObjectPages::pages).sum();
    assert_eq!(
        in_objects
            + l.freelist_pages
            + l.ptrmap_pages
            + u64::from(l.lock_byte_page)
            + l.unreached_pages
            + l.damaged_pages,
        u64::from(l.page_count),
        "{l:#?}"
    );
    assert_eq!(l.freelist_pages, u64::from(l.freelist_header));
    assert_eq!(l.unreached_pages, 0, "{:?}", l.issues);
    assert_eq!(l.damaged_pages, 0);
    assert_eq!(l.unreadable_pages, 0);
    assert!(l.issues.is_empty(), "{:?}", l.issues);
}

fn layout_of(path: &Path, threads: usize) -> Layout {
    layout_in(path, threads, WalkMode::Full)
}

fn layout_in(path: &Path, threads: usize, mode: WalkMode) -> Layout {
    let r = describe_pages(path, None, &DescribeOptions { threads, mode }).unwrap();
    assert!(!r.encrypted);
    r.layout.unwrap()
}

/// A [`WalkMode::Rows`] layout agrees with SQLite on every row count it
/// knows, and knows every table's.
pub(crate) fn check_rows_mode(l: &Layout, truth: &Truth) {
    assert_eq!(l.mode, WalkMode::Rows);
    for o in &l.objects {
        assert!(o.complete, "{}: {:?}", o.name, o.error);
        assert!(!o.pages_known);
        if matches!(o.kind, ObjectKind::Table | ObjectKind::WithoutRowidTable) {
            assert!(o.rows_known, "{}", o.name);
        }
        if o.rows_known && o.kind != ObjectKind::VirtualTable {
            let want = truth.objects.get(&o.name).map_or(0, |t| t.0);
            assert_eq!(o.rows, want, "{} (via {:?})", o.name, o.rows_from_index);
        }
    }
}

/// A connection that does not wait for the disk (test databases need no
/// durability).
pub(crate) fn open_fast(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.execute_batch("PRAGMA synchronous=OFF;").unwrap();
    c
}

/// A new empty database with `reserve` bytes at the end of each page: SQLite
/// keeps header byte 20 once it is in the file.
pub(crate) fn new_db(path: &Path, page_size: u32, reserve: u8, autovacuum: u8, utf16: bool) {
    {
        let c = open_fast(path);
        c.execute_batch(&format!(
            "PRAGMA page_size={page_size}; PRAGMA auto_vacuum={autovacuum};{} VACUUM;",
            if utf16 {
                " PRAGMA encoding='UTF-16le';"
            } else {
                ""
            }
        ))
        .unwrap();
        c.execute_batch("CREATE TABLE x(a); DROP TABLE x;").unwrap();
    }
    if reserve > 0 {
        let mut b = std::fs::read(path).unwrap();
        b[20] = reserve;
        std::fs::write(path, b).unwrap();
        let c = open_fast(path);
        c.execute_batch("VACUUM").unwrap();
    }
}

#[test]
fn a_small_database_matches_dbstat() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.db");
    new_db(&p, 1024, 0, 0, false);
    let c = open_fast(&p);
    c.execute_batch(
        "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c BLOB);
         CREATE INDEX tb ON t(b);
         CREATE TABLE w(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
         CREATE VIRTUAL TABLE f USING fts5(body);
         CREATE VIEW v AS SELECT * FROM t;
         CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;",
    )
    .unwrap();
    for i in 0..300 {
        c.execute(
            "INSERT INTO t(b, c) VALUES(?1, zeroblob(?2))",
            rusqlite::params![format!("name {i}"), (i * 37) % 5000],
        )
        .unwrap();
        c.execute(
            "INSERT INTO w VALUES(?1, ?2)",
            rusqlite::params![format!("{i:0>400}"), i],
        )
        .unwrap();
        c.execute("INSERT INTO f VALUES(?1)", [format!("word{i} other")])
            .unwrap();
    }
    c.execute("DELETE FROM t WHERE a % 3 = 0", []).unwrap();
    let truth = sqlite_truth(&c);
    let rows = layout_in(&p, 2, WalkMode::Rows);
    check_rows_mode(&rows, &truth);
    let t = rows.objects.iter().find(|o| o.name == "t").unwrap();
    assert_eq!(t.rows_from_index.as_deref(), Some("tb"));
    for threads in [1, 3] {
        let l = layout_of(&p, threads);
        check_accounting(&l);
        assert_eq!(our_truth(&l), truth);
        let kinds: BTreeMap<&str, ObjectKind> = l
            .objects
            .iter()
            .map(|o| (o.name.as_str(), o.kind))
            .collect();
        assert_eq!(kinds["w"], ObjectKind::WithoutRowidTable);
        assert_eq!(kinds["f"], ObjectKind::VirtualTable);
        assert_eq!(kinds["tb"], ObjectKind::Index);
        assert_eq!(kinds["f_data"], ObjectKind::Table);
        assert!(!kinds.contains_key("v"));
    }
}

#[test]
fn a_long_schema_record_spills_to_overflow_pages() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.db");
    new_db(&p, 512, 0, 0, false);
    let c = open_fast(&p);
    let cols: Vec<String> = (0..200)
        .map(|i| format!("column_number_{i} TEXT"))
        .collect();
    c.execute_batch(&format!("CREATE TABLE wide({});", cols.join(", ")))
        .unwrap();
    c.execute_batch("CREATE TABLE after_it(a); INSERT INTO after_it VALUES(1),(2);")
        .unwrap();
    let l = layout_of(&p, 2);
    check_accounting(&l);
    assert!(l.objects[0].overflow_pages > 5);
    assert_eq!(our_truth(&l), sqlite_truth(&c));
}

#[test]
fn utf16_names_and_reserved_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("u.db");
    new_db(&p, 1024, 48, 0, true);
    let c = open_fast(&p);
    c.execute_batch("CREATE TABLE \"Chat_名字\"(a); CREATE INDEX \"i\u{e9}\" ON \"Chat_名字\"(a);")
        .unwrap();
    for i in 0..200 {
        c.execute(
            "INSERT INTO \"Chat_名字\" VALUES(?1)",
            [format!("{i:0>900}")],
        )
        .unwrap();
    }
    let l = layout_of(&p, 2);
    assert_eq!(l.reserved_bytes, 48);
    assert_eq!(l.usable_size, 1024 - 48);
    check_accounting(&l);
    assert_eq!(our_truth(&l), sqlite_truth(&c));
    assert!(l.objects.iter().any(|o| o.name == "Chat_名字"));
}

#[test]
fn auto_vacuum_pointer_maps_and_the_lock_byte_page() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.db");
    // 512-byte pages: byte 2^30 falls on page 2097153, so 1 GiB + 1 page.
    // Too big for a unit test; check pointer maps on a small file instead, and
    // the lock-byte page with a sparse file below.
    new_db(&p, 512, 0, 1, false);
    let c = open_fast(&p);
    c.execute_batch("CREATE TABLE t(a);").unwrap();
    for i in 0..2000 {
        c.execute("INSERT INTO t VALUES(?1)", [format!("{i:0>100}")])
            .unwrap();
    }
    c.execute("DELETE FROM t WHERE rowid % 2 = 0", []).unwrap();
    let l = layout_of(&p, 2);
    assert!(l.ptrmap_pages >= 2, "{}", l.ptrmap_pages);
    check_accounting(&l);
    assert_eq!(our_truth(&l), sqlite_truth(&c));
}

#[test]
fn the_lock_byte_page_is_set_aside() {
    // A database just over 1 GiB with 64 KiB pages: page 16385 holds byte
    // 2^30. Built sparse by SQLite itself (zeroblobs written as holes are not
    // possible), so fake it: a one-table database whose header claims the size,
    // with the file extended sparsely; the tail pages are then unreached.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.db");
    new_db(&p, 65536, 0, 0, false);
    let c = open_fast(&p);
    c.execute_batch("CREATE TABLE t(a); INSERT INTO t VALUES(1);")
        .unwrap();
    drop(c);
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&p)
        .unwrap();
    f.set_len(16386 * 65536).unwrap();
    let mut b = vec![0u8; 100];
    std::os::unix::fs::FileExt::read_exact_at(&f, &mut b, 0).unwrap();
    // Header size invalid (version-valid-for mismatch) → size from the file.
    b[92] ^= 0xFF;
    std::os::unix::fs::FileExt::write_all_at(&f, &b, 0).unwrap();
    drop(f);
    let l = layout_of(&p, 2);
    assert!(l.lock_byte_page);
    assert_eq!(l.page_count, 16386);
    assert_eq!(l.unreached_pages, 16386 - 2 - 1);
}

/// A hand-made database: page 1 (schema) with one table whose root is page 2,
/// page size 512, `pages` pages in all. Returns the bytes.
fn handmade(pages: usize) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("h.db");
    new_db(&p, 512, 0, 0, false);
    let c = open_fast(&p);
    c.execute_batch("CREATE TABLE t(a);").unwrap();
    for i in 0..40 {
        c.execute("INSERT INTO t VALUES(?1)", [format!("{i:0>100}")])
            .unwrap();
    }
    drop(c);
    let mut b = std::fs::read(&p).unwrap();
    b.resize(pages.max(b.len() / 512) * 512, 0);
    b
}

fn analyze_bytes(b: &[u8]) -> Result<Layout, String> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.db");
    std::fs::write(&p, b).unwrap();
    match describe_pages(
        &p,
        None,
        &DescribeOptions {
            threads: 2,
            ..DescribeOptions::default()
        },
    ) {
        Ok(r) => r.layout.ok_or_else(|| "no layout".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn loops_and_bad_pointers_are_errors_not_hangs() {
    let b = handmade(0);
    let good = analyze_bytes(&b).unwrap();
    check_accounting(&good);
    let t = good.objects.iter().find(|o| o.name == "t").unwrap();
    assert!(t.interior_pages >= 1, "{t:?}");
    let root = t.root as usize;
    // The root's right-most child pointing back at the root: a loop.
    let mut looped = b.clone();
    let off = (root - 1) * 512 + 8;
    looped[off..off + 4].copy_from_slice(&(root as u32).to_be_bytes());
    let l = analyze_bytes(&looped).unwrap();
    let t = l.objects.iter().find(|o| o.name == "t").unwrap();
    assert!(!t.complete);
    assert!(
        t.error.as_deref().unwrap().contains("already in use"),
        "{t:?}"
    );
    // A child past the end.
    let mut far = b.clone();
    far[off..off + 4].copy_from_slice(&9999u32.to_be_bytes());
    let l = analyze_bytes(&far).unwrap();
    let t = l.objects.iter().find(|o| o.name == "t").unwrap();
    assert!(t.error.as_deref().unwrap().contains("outside"), "{t:?}");
    // A cell count that cannot fit.
    let mut many = b.clone();
    let hdr = (root - 1) * 512;
    many[hdr + 3..hdr + 5].copy_from_slice(&60000u16.to_be_bytes());
    let l = analyze_bytes(&many).unwrap();
    let t = l.objects.iter().find(|o| o.name == "t").unwrap();
    assert!(t.error.as_deref().unwrap().contains("cells"), "{t:?}");
    assert_eq!(l.damaged_pages, 1);
    // A cell pointer into the header.
    let mut ptr = b.clone();
    ptr[hdr + 12..hdr + 14].copy_from_slice(&3u16.to_be_bytes());
    let l = analyze_bytes(&ptr).unwrap();
    let t = l.objects.iter().find(|o| o.name == "t").unwrap();
    assert!(
        t.error.as_deref().unwrap().contains("cell pointer"),
        "{t:?}"
    );
    // Impossible header values.
    let mut ps = b.clone();
    ps[16..18].copy_from_slice(&1000u16.to_be_bytes());
    assert!(analyze_bytes(&ps).unwrap_err().contains("page size"));
    let mut res = b.clone();
    res[20] = 255;
    assert!(analyze_bytes(&res).unwrap_err().contains("usable"));
    let mut huge = b.clone();
    huge[28..32].copy_from_slice(&1_000_000u32.to_be_bytes());
    let l = analyze_bytes(&huge).unwrap();
    assert!(l.issues[0].contains("1000000 pages"), "{:?}", l.issues);
}

#[test]
fn a_deep_chain_of_interior_pages_stops_at_the_depth_limit() {
    // 30 interior pages each pointing to the next: deeper than SQLite allows.
    let mut b = handmade(0);
    let n0 = b.len() / 512;
    let t_root = analyze_bytes(&b)
        .unwrap()
        .objects
        .iter()
        .find(|o| o.name == "t")
        .unwrap()
        .root as usize;
    b.resize((n0 + 30) * 512, 0);
    let mut prev = t_root;
    for k in 0..30 {
        let pg = n0 + 1 + k;
        let at = (prev - 1) * 512;
        b[at] = 5;
        b[at + 3..at + 5].copy_from_slice(&0u16.to_be_bytes());
        b[at + 8..at + 12].copy_from_slice(&(pg as u32).to_be_bytes());
        prev = pg;
    }
    let at = (prev - 1) * 512;
    b[at] = 13;
    b[28..32].copy_from_slice(&((n0 + 30) as u32).to_be_bytes());
    let l = analyze_bytes(&b).unwrap();
    let t = l.objects.iter().find(|o| o.name == "t").unwrap();
    assert!(t.error.as_deref().unwrap().contains("deeper"), "{t:?}");
}

#[derive(Debug, Clone)]
enum Op {
    Insert { table: usize, n: usize, size: usize },
    Delete { table: usize, modulo: i64 },
    Update { table: usize, size: usize },
    Vacuum,
    Checkpoint,
    Commit,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0usize..3, 1usize..60, prop_oneof![0usize..50, 0usize..3000, 2000usize..20000])
            .prop_map(|(table, n, size)| Op::Insert { table, n, size }),
        1 => (0usize..3, 2i64..5).prop_map(|(table, modulo)| Op::Delete { table, modulo }),
        1 => (0usize..3, 0usize..6000).prop_map(|(table, size)| Op::Update { table, size }),
        1 => Just(Op::Vacuum),
        1 => Just(Op::Checkpoint),
        1 => Just(Op::Commit),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random databases: our rows and pages per b-tree, page count and
    /// freelist equal SQLite's on the same files (main file + WAL, with an
    /// open transaction's uncommitted frames in the WAL when asked).
    #[test]
    fn random_databases_match_sqlite(
        page_size in prop_oneof![Just(512u32), Just(1024), Just(4096), Just(8192)],
        reserve in prop_oneof![Just(0u8), Just(48), Just(80), 1u8..40],
        autovacuum in 0u8..3,
        utf16 in any::<bool>(),
        wal in any::<bool>(),
        shapes in proptest::collection::vec((any::<bool>(), any::<bool>()), 3),
        ops in proptest::collection::vec(op(), 1..12),
        open_txn in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.db");
        // SQLite needs at least 480 usable bytes per page.
        let reserve = reserve.min((page_size - 480).min(255) as u8);
        new_db(&p, page_size, reserve, autovacuum, utf16);
        let c = open_fast(&p);
        if wal {
            c.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;").unwrap();
        }
        c.execute_batch("PRAGMA cache_size=8;").unwrap();
        for (i, (without_rowid, index)) in shapes.iter().enumerate() {
            if *without_rowid {
                c.execute_batch(&format!("CREATE TABLE t{i}(k TEXT PRIMARY KEY, v BLOB, n) WITHOUT ROWID;")).unwrap();
            } else {
                c.execute_batch(&format!("CREATE TABLE t{i}(k TEXT, v BLOB, n);")).unwrap();
            }
            if *index {
                c.execute_batch(&format!("CREATE INDEX t{i}_k ON t{i}(k, v);")).unwrap();
            }
        }
        let mut serial = 0u64;
        let mut in_txn = false;
        for op in &ops {
            match op {
                Op::Insert { table, n, size } => {
                    if !in_txn { c.execute_batch("BEGIN").unwrap(); in_txn = true; }
                    for _ in 0..*n {
                        serial += 1;
                        let key = format!("{serial:0>width$}", width = 1 + size % 700);
                        c.execute(
                            &format!("INSERT INTO t{table} VALUES(?1, randomblob(?2), ?3)"),
                            rusqlite::params![key, *size as i64, serial as i64],
                        ).unwrap();
                    }
                }
                Op::Delete { table, modulo } => {
                    c.execute(&format!("DELETE FROM t{table} WHERE n % ?1 = 0"), [modulo]).unwrap();
                }
                Op::Update { table, size } => {
                    c.execute(&format!("UPDATE t{table} SET v = randomblob(?1) WHERE n % 3 = 1"), [*size as i64]).unwrap();
                }
                Op::Vacuum => {
                    if in_txn { c.execute_batch("COMMIT").unwrap(); in_txn = false; }
                    c.execute_batch("VACUUM").unwrap();
                }
                Op::Checkpoint => {
                    if in_txn { c.execute_batch("COMMIT").unwrap(); in_txn = false; }
                    c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())).unwrap();
                }
                Op::Commit => {
                    if in_txn { c.execute_batch("COMMIT").unwrap(); in_txn = false; }
                }
            }
        }
        if in_txn { c.execute_batch("COMMIT").unwrap(); }
        let truth = sqlite_truth(&c);
        let open_txn = open_txn && wal;
        if open_txn {
            // Uncommitted frames spill into the WAL.
            c.execute_batch("BEGIN; INSERT INTO t0 SELECT k || 'x', randomblob(3000), n FROM t0; INSERT INTO t0 VALUES('y', randomblob(50000), 0);").unwrap();
        }
        let l = layout_of(&p, 2);
        if open_txn {
            c.execute_batch("ROLLBACK").unwrap();
        }
        check_accounting(&l);
        prop_assert_eq!(our_truth(&l), truth.clone());
        check_rows_mode(&layout_in(&p, 2, WalkMode::Rows), &truth);
    }
}

#[test]
fn index_shapes() {
    assert_eq!(index_shape("CREATE INDEX i ON t(a)"), Some((1, false)));
    assert_eq!(
        index_shape("CREATE INDEX i ON t(a, b) WHERE a > 0"),
        Some((2, true))
    );
    assert_eq!(
        index_shape("CREATE INDEX \"x(y\" ON \"t,u\"(a, substr(b, 1, 2))"),
        Some((2, false))
    );
    assert_eq!(
        index_shape("CREATE INDEX i ON [t(](a)  where(a)"),
        Some((1, true))
    );
    assert_eq!(index_shape("CREATE INDEX i ON t(a"), None);
    assert_eq!(index_shape(""), None);
}

/// A small valid database with overflow pages, indexes, a WITHOUT ROWID
/// table and free pages, built once.
fn seed_db() -> &'static [u8] {
    static SEED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SEED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("seed.db");
        new_db(&p, 512, 0, 0, false);
        let c = open_fast(&p);
        c.execute_batch(
            "CREATE TABLE t(a, b); CREATE INDEX ti ON t(b);
             CREATE TABLE w(k PRIMARY KEY, v) WITHOUT ROWID;",
        )
        .unwrap();
        for i in 0..60 {
            c.execute(
                "INSERT INTO t VALUES(?1, zeroblob(?2))",
                rusqlite::params![i, (i * 97) % 2000],
            )
            .unwrap();
            c.execute(
                "INSERT INTO w VALUES(?1, ?2)",
                rusqlite::params![i, format!("{i:0>300}")],
            )
            .unwrap();
        }
        c.execute("DELETE FROM t WHERE a % 5 = 0", []).unwrap();
        drop(c);
        std::fs::read(&p).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Hostile bytes: flipped bytes anywhere, a cut file. Every outcome is a
    /// value (a layout, possibly with errors, or an error), never a panic or
    /// a hang, in both walk modes.
    #[test]
    fn mutated_databases_never_panic(
        flips in proptest::collection::vec((0usize..40_000, any::<u8>()), 1..12),
        cut in proptest::option::of(0usize..40_000),
    ) {
        let mut b = seed_db().to_vec();
        let n = b.len();
        for (i, v) in flips {
            // Half the flips land in the first pages (headers, schema, roots).
            let at = if v & 1 == 0 { i % 2048.min(n) } else { i % n };
            b[at] ^= v | 1;
        }
        if let Some(c) = cut { b.truncate(c.min(b.len())); }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.db");
        std::fs::write(&p, &b).unwrap();
        for mode in [WalkMode::Full, WalkMode::Rows] {
            if let Ok(r) = describe_pages(&p, None, &DescribeOptions { threads: 2, mode }) {
                if let Some(l) = r.layout {
                    let pages: u64 = l.objects.iter().map(ObjectPages::pages).sum();
                    prop_assert!(pages <= u64::from(l.page_count));
                    if mode == WalkMode::Full {
                        prop_assert_eq!(
                            pages + l.freelist_pages + l.ptrmap_pages + u64::from(l.lock_byte_page)
                                + l.unreached_pages + l.damaged_pages,
                            u64::from(l.page_count)
                        );
                    }
                }
            }
        }
    }
}
