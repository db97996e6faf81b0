//! Nothing is ever written anywhere (issue 12, defects 3, 4 and 12; issue 18): `scan`,
//! `dbs`, `hosts` and `dupes` on WAL databases larger than the in-memory cap, with
//! `$TMPDIR` inside another discovered root, create, change and delete no file, in the tree or
//! anywhere else (checked by before/after listings and, where `strace` runs, by every file system
//! call the process makes); SIGINT or SIGTERM in the middle of a run leaves nothing
//! in `$TMPDIR`. Before the page engine, these runs copied each database and its
//! `-wal` into `$TMPDIR` (inside the scanned folder here), and a signal left the
//! copies behind.

use crate::util::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);
const CONTAINER: &str = "Library/Containers/com.tencent.xinWeChat";
/// A root `discover` finds beside the container: `$TMPDIR` goes inside it.
const LEGACY_CACHES: &str = "Library/Caches/com.tencent.xinWeChat";

fn sidecar(p: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", p.display()))
}

/// A plaintext WAL database whose `-wal` holds `mib` MiB of committed frames that were
/// never checkpointed (no `-shm`: copied while the writer was open), written to `dst`.
fn big_wal_db(dst: &Path, mib: usize, setup: &str) {
    let writer = tempfile::tempdir().unwrap();
    let db = writer.path().join("w.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
         {setup}
         CREATE TABLE msg(id INTEGER PRIMARY KEY, body BLOB);
         PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .unwrap();
    conn.execute_batch(&format!(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<{})
         INSERT INTO msg(body) SELECT randomblob(1000) FROM s;",
        mib * 1024
    ))
    .unwrap();
    fs::create_dir_all(dst.parent().unwrap()).unwrap();
    fs::copy(&db, dst).unwrap();
    fs::copy(sidecar(&db, "-wal"), sidecar(dst, "-wal")).unwrap();
    drop(conn);
    assert!(fs::metadata(sidecar(dst, "-wal")).unwrap().len() > (mib as u64) << 20);
}

/// A home folder with a container holding a 4.x message database and an NSURLCache
/// `Cache.db`, both WAL with over 8 MiB of uncheckpointed frames, a legacy database
/// with a hot journal, and a legacy-caches root whose `scratch/` folder is `$TMPDIR`.
fn home_with_big_wal_databases() -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let c = home.path().join(CONTAINER);
    big_wal_db(
        &c.join(format!("{XF}/{ACCT4}/db_storage/message/message_0.db")),
        10,
        "",
    );
    big_wal_db(
        &c.join("Data/Library/Caches/com.tencent.xinWeChat/Cache.db"),
        9,
        "CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY, request_key TEXT,
             time_stamp TEXT);
         INSERT INTO cfurl_cache_response VALUES (1, 'https://example.com/a', '2024-05-01 00:00:00');",
    );
    // A rollback-journal database with a hot journal (a writer's open transaction).
    let legacy = c.join(format!("{V3}/{ACCT3}/Contact/wccontact_new2.db"));
    fs::create_dir_all(legacy.parent().unwrap()).unwrap();
    {
        let src = tempfile::tempdir().unwrap();
        let sp = src.path().join("h.db");
        let w = rusqlite::Connection::open(&sp).unwrap();
        w.execute_batch(
            "PRAGMA page_size=1024; CREATE TABLE t(a, b);
             INSERT INTO t VALUES (1, 2);
             PRAGMA cache_size=2; BEGIN;
             WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i<2000)
             INSERT INTO t SELECT i, randomblob(300) FROM s;",
        )
        .unwrap();
        fs::copy(&sp, &legacy).unwrap();
        fs::copy(sidecar(&sp, "-journal"), sidecar(&legacy, "-journal")).unwrap();
        w.execute_batch("ROLLBACK").unwrap();
    }
    let tmp = home.path().join(LEGACY_CACHES).join("scratch");
    fs::create_dir_all(&tmp).unwrap();
    fs::write(home.path().join(LEGACY_CACHES).join("x.log"), b"log").unwrap();
    (home, tmp)
}

fn bin(home: &Path, tmp: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    c.env("HOME", home)
        .env("TMPDIR", tmp)
        .env("TMP", tmp)
        .env("TEMP", tmp)
        .env_remove("NO_COLOR")
        .current_dir(home);
    c
}

const RUNS: [&[&str]; 5] = [
    &["scan", "--format", "json"],
    &["scan", "--format", "html"],
    &["dbs", "--format", "json"],
    &["hosts", "--format", "json"],
    &["dupes", "--format", "json", "--min-size", "0"],
];

fn changes(before: &std::collections::BTreeMap<PathBuf, Snap>, root: &Path) -> Vec<String> {
    let after = snapshot_tree(root);
    before
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(v))
        .map(|(k, _)| format!("changed or deleted: {}", k.display()))
        .chain(
            after
                .keys()
                .filter(|k| !before.contains_key(*k))
                .map(|k| format!("created: {}", k.display())),
        )
        .collect()
}

#[test]
fn no_file_is_created_anywhere_with_tmpdir_inside_another_root() {
    let (home, tmp) = home_with_big_wal_databases();
    let before = snapshot_tree(home.path());
    for args in RUNS {
        let out = run_with_timeout(bin(home.path(), &tmp).args(args), LIMIT);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {err}",
            out.status
        );
        assert!(!out.stdout.is_empty(), "{args:?}");
        let changed = changes(&before, home.path());
        assert!(
            changed.is_empty(),
            "{args:?} changed the tree:\n{}",
            changed.join("\n")
        );
        assert_eq!(
            fs::read_dir(&tmp).unwrap().count(),
            0,
            "{args:?} wrote to $TMPDIR"
        );
    }
    // What the runs saw: the committed state of each database, WAL included.
    let out = run_with_timeout(
        bin(home.path(), &tmp).args(["dbs", "--format", "json"]),
        LIMIT,
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let db = |end: &str| {
        r["databases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"].as_str().unwrap().ends_with(end))
            .cloned()
            .unwrap()
    };
    let msg = db("message_0.db");
    assert_eq!(msg["tables"][0]["name"], "msg");
    assert_eq!(msg["tables"][0]["rows"], 10 * 1024);
    assert!(msg["wal_frames"].as_u64().unwrap() > 2000, "{msg:#}");
    assert_eq!(msg["wal_pending_frames"], msg["wal_frames"]);
    let pages = msg["page_count"].as_u64().unwrap();
    assert!(pages * 4096 > msg["apparent_bytes"].as_u64().unwrap() + (8 << 20));
    let issues = serde_json::to_string(&r["issues"]).unwrap();
    assert!(issues.contains("hot rollback journal"), "{issues}");
    // hosts read the big Cache.db in memory, WAL included.
    let out = run_with_timeout(
        bin(home.path(), &tmp).args(["hosts", "--format", "json"]),
        LIMIT,
    );
    let h = String::from_utf8_lossy(&out.stdout);
    assert!(h.contains("example.com"), "{h}");
}

/// Every file system call of the process, where `strace` can trace: no open for
/// writing or creating, no mkdir, rename, unlink, link, truncate, chmod, chown or
/// utime, anywhere.
#[test]
fn strace_sees_no_write_anywhere() {
    let Some(strace) = require_tool("strace", "no write anywhere (strace)") else {
        return;
    };
    let probe = Command::new(&strace)
        .args(["-f", "-o", "/dev/null", "true"])
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    if !probe.status.success() {
        eprintln!(
            "skipped: strace cannot trace here ({}); the before/after listing test still runs",
            String::from_utf8_lossy(&probe.stderr).trim()
        );
        return;
    }
    let (home, tmp) = home_with_big_wal_databases();
    let traces = tempfile::tempdir().unwrap();
    for (i, args) in RUNS.iter().enumerate() {
        let log = traces.path().join(format!("{i}.trace"));
        let mut cmd = bin(home.path(), &tmp);
        let program = cmd.get_program().to_owned();
        let mut traced = Command::new(&strace);
        traced
            .args([
                "-f",
                "-qq",
                "-e",
                "trace=open,openat,openat2,creat,mkdir,mkdirat,rename,renameat,renameat2,\
                 unlink,unlinkat,rmdir,link,linkat,symlink,symlinkat,truncate,ftruncate,\
                 chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,utimes,utimensat,\
                 futimesat,mknod,mknodat",
                "-o",
            ])
            .arg(&log)
            .arg(program)
            .args(*args)
            .envs(cmd.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
            .current_dir(home.path());
        cmd = traced;
        let out = run_with_timeout(&mut cmd, LIMIT);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {out:?}"
        );
        let trace = fs::read_to_string(&log).unwrap();
        let writes: Vec<&str> = trace
            .lines()
            .filter(|l| {
                let open = l.contains("open");
                let mutating = ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                    .iter()
                    .any(|f| l.contains(f));
                (open && mutating)
                    || [
                        "creat(", "mkdir", "rename", "unlink", "rmdir", "link(", "linkat(",
                        "symlink", "truncate", "chmod", "chown", "utime", "mknod",
                    ]
                    .iter()
                    .any(|c| l.contains(c))
            })
            .collect();
        assert!(
            writes.is_empty(),
            "{args:?} asked the kernel to write:\n{}",
            writes.join("\n")
        );
        assert!(trace.lines().count() > 10, "the trace saw the run: {trace}");
    }
}

/// A tree whose databases take a while to read (every page of each, one thread), so
/// a signal lands in the middle of the run.
fn slow_tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let first = t.path().join("db_storage/message/message_0.db");
    big_wal_db(&first, 24, "");
    for i in 1..6 {
        let to = t.path().join(format!("db_storage/message/message_{i}.db"));
        fs::copy(&first, &to).unwrap();
        fs::copy(sidecar(&first, "-wal"), sidecar(&to, "-wal")).unwrap();
    }
    t
}

#[test]
fn sigint_or_sigterm_mid_run_leaves_nothing_in_tmpdir() {
    let tree = slow_tree();
    let before = snapshot_tree(tree.path());
    let tmp = tempfile::tempdir().unwrap();
    let mut interrupted = 0;
    for (signal, delay_ms) in [("INT", 200), ("TERM", 200), ("INT", 600), ("TERM", 600)] {
        let mut child = bin(tree.path(), tmp.path())
            .args(["dbs", "--any", "--all-pages", "--format", "json", "-j", "1"])
            .arg(tree.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_some() {
            println!("note: dbs ended before {delay_ms} ms; nothing to interrupt");
            continue;
        }
        let status = signal_and_wait(&mut child, signal, Duration::from_secs(5));
        interrupted += 1;
        assert!(!status.success(), "SIG{signal}: {status:?}");
        let left: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert!(left.is_empty(), "SIG{signal} left {left:?} in $TMPDIR");
        let changed = changes(&before, tree.path());
        assert!(changed.is_empty(), "SIG{signal}: {changed:?}");
    }
    println!("{interrupted} of 4 runs interrupted mid-run");
}

/// A `Cache.db` whose committed state is over the 256 MiB read into memory: an issue
/// that says why, never a copy. (Sparse: the header claims the pages, the file holds
/// them as zeros.)
#[test]
fn a_cache_db_too_large_for_memory_is_an_issue_that_says_why() {
    let f = Fake::new();
    let rel = "Data/Library/Caches/com.tencent.xinWeChat/Cache.db";
    let db = f.path(rel);
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY, request_key TEXT,
                 time_stamp TEXT);",
        )
        .unwrap();
    let pages: u32 = (300 << 20) / 4096;
    let mut head = fs::read(&db).unwrap();
    head[28..32].copy_from_slice(&pages.to_be_bytes());
    fs::write(&db, &head).unwrap();
    fs::File::options()
        .write(true)
        .open(&db)
        .unwrap()
        .set_len(u64::from(pages) * 4096)
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = run_with_timeout(
        bin(f.root(), tmp.path())
            .args(["hosts", "--format", "json"])
            .arg(f.root()),
        LIMIT,
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let issue = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == rel)
        .unwrap_or_else(|| panic!("{r:#}"));
    assert_eq!(issue["kind"], "too-large");
    let msg = issue["message"].as_str().unwrap();
    assert!(
        msg.contains("over the 268435456 bytes") && msg.contains("memory"),
        "{msg}"
    );
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}
