//! Never change, never hang, never lose a file: the read-only proof, hostile trees,
//! permissions, output edges and Ctrl-C. Every tree is built by the test itself.
//! The guarantees these prove are listed in docs/safety.md.

use crate::util::*;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// Every command and format that reads a tree. `{root}` is the scanned folder and
/// `{out}` a file outside it. A new command is one more line here.
const COMMANDS: &[&[&str]] = &[
    &["scan", "{root}"],
    &["scan", "{root}", "--format", "table", "--color", "always"],
    &["scan", "{root}", "--format", "json"],
    &["scan", "{root}", "--format", "csv"],
    &["scan", "{root}", "--format", "table", "-o", "{out}"],
    &["scan", "{root}", "--format", "json", "-o", "{out}"],
    &["scan", "{root}", "--format", "csv", "-o", "{out}"],
    &["scan", "{root}", "--threads", "1", "--any"],
    // No path: WeChat's folders found under HOME (the tree's parent is HOME's container).
    &["scan", "--format", "json"],
    &["hosts", "{root}"],
    &["hosts", "{root}", "--format", "json", "--paths"],
    &["hosts", "{root}", "--format", "csv", "--redact"],
    &["hosts", "{root}", "--format", "json", "-o", "{out}"],
    &["hosts", "--format", "json"],
    &["dbs", "{root}"],
    &["dbs", "{root}", "--format", "json"],
    &["dbs", "{root}", "--format", "csv", "--no-row-counts"],
    &["dbs", "{root}", "--format", "json", "--all-pages"],
    &["plists", "{root}"],
    &["plists", "{root}", "--format", "json"],
    &["dbs", "--format", "html", "-o", "{out}"],
];

const LIMIT: Duration = Duration::from_secs(20);

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    c.env_remove("NO_COLOR");
    c
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad json ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// `scan ROOT --any --format json` with a deadline; returns (exit code, report).
/// `--top` defaults to 100000 unless `extra` gives it.
fn scan_any(root: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut cmd = bin();
    cmd.arg("scan")
        .arg(root)
        .args(["--any", "--format", "json"]);
    if !extra.contains(&"--top") {
        cmd.args(["--top", "100000"]);
    }
    let out = run_with_timeout(cmd.args(extra), LIMIT);
    (out.status.code().expect("exit code"), json(&out))
}

/// Run every line of [`COMMANDS`] on `home`/Library/Containers/com.tencent.xinWeChat
/// and prove nothing under `home` changed: no file created, changed or deleted, no
/// folder touched (a temp file created and removed again would change its mtime).
fn assert_read_only(home: &Path) {
    let root = home.join("Library/Containers/com.tencent.xinWeChat");
    let outside = tempfile::tempdir().unwrap();
    let before = snapshot_tree(home);
    assert!(before.len() > 3, "the tree is not empty");
    for (i, args) in COMMANDS.iter().enumerate() {
        let out_file = outside.path().join(format!("report-{i}"));
        let args: Vec<std::ffi::OsString> = args
            .iter()
            .map(|a| match *a {
                "{root}" => root.clone().into_os_string(),
                "{out}" => out_file.clone().into_os_string(),
                a => a.into(),
            })
            .collect();
        let out = run_with_timeout(bin().args(&args).env("HOME", home).current_dir(home), LIMIT);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{args:?} exited {code:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if args.iter().any(|a| a == "-o") {
            assert!(out.stdout.is_empty());
            assert!(fs::metadata(&out_file).unwrap().len() > 0, "{args:?}");
        } else {
            assert!(!out.stdout.is_empty(), "{args:?}");
        }
        let after = snapshot_tree(home);
        if before != after {
            let changed: Vec<_> = before
                .iter()
                .filter(|(k, v)| after.get(*k) != Some(v))
                .map(|(k, _)| format!("changed or deleted: {}", k.display()))
                .chain(
                    after
                        .keys()
                        .filter(|k| !before.contains_key(*k))
                        .map(|k| format!("created: {}", k.display())),
                )
                .collect();
            panic!("{args:?} changed the tree:\n{}", changed.join("\n"));
        }
    }
}

#[test]
fn read_only_every_command_and_format_on_the_sample_container() {
    let home = tempfile::tempdir().unwrap();
    let container = home.path().join("Library/Containers/com.tencent.xinWeChat");
    fs::create_dir_all(&container).unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container"),
        &container,
    );
    assert_eq!(
        snapshot_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container")).len(),
        snapshot_tree(&container).len(),
        "the copy is complete"
    );
    assert_read_only(home.path());
}

/// A plaintext SQLite database in WAL mode, copied while its writer is still open: the
/// copy has uncheckpointed frames in `-wal` and no `-shm` (what a backup of a running
/// WeChat looks like). Opening it carelessly would create `-shm` or checkpoint.
#[test]
fn read_only_on_a_wal_database_without_shm() {
    let writer_dir = tempfile::tempdir().unwrap();
    let db = writer_dir.path().join("message_0.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
         CREATE TABLE msg(id INTEGER PRIMARY KEY, body TEXT);",
    )
    .unwrap();
    for i in 0..200 {
        conn.execute(
            "INSERT INTO msg(body) VALUES (?1)",
            [format!("message {i} {}", "x".repeat(100))],
        )
        .unwrap();
    }

    let home = tempfile::tempdir().unwrap();
    let container = home.path().join("Library/Containers/com.tencent.xinWeChat");
    let f_rel = format!("{XF}/{ACCT4}/db_storage/message");
    let dst = container.join(&f_rel);
    fs::create_dir_all(&dst).unwrap();
    fs::copy(&db, dst.join("message_0.db")).unwrap();
    let mut wal = db.clone().into_os_string();
    wal.push("-wal");
    fs::copy(&wal, dst.join("message_0.db-wal")).unwrap();
    drop(conn);
    assert!(fs::metadata(dst.join("message_0.db-wal")).unwrap().len() > 0);
    assert!(!dst.join("message_0.db-shm").exists());
    // And a 3.x account beside it, so both layouts are in the tree.
    let v3 = container.join(a3("Message"));
    fs::create_dir_all(&v3).unwrap();
    fs::copy(dst.join("message_0.db"), v3.join("msg_0.db")).unwrap();
    fs::copy(dst.join("message_0.db-wal"), v3.join("msg_0.db-wal")).unwrap();

    assert_read_only(home.path());
    assert!(!dst.join("message_0.db-shm").exists());
}

#[test]
fn symlink_loops_links_out_and_dangling_links_are_counted_never_followed() {
    let f = Fake::new();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("big"), vec![b'x'; 1 << 20]).unwrap();
    fs::create_dir(outside.path().join("dir")).unwrap();
    fs::write(outside.path().join("dir/inner.jpg"), vec![b'x'; 5000]).unwrap();
    let dir = a4("msg/file/2024-05");
    f.sized(&format!("{dir}/real.pdf"), 1000);
    let links = [
        ("loop-a", format!("{}/loop-b", f.path(&dir).display())),
        ("loop-b", format!("{}/loop-a", f.path(&dir).display())),
        ("self", "self".to_string()),
        ("up", "..".to_string()),
        ("root", "/".to_string()),
        (
            "out-file.pdf",
            outside.path().join("big").display().to_string(),
        ),
        ("out-dir", outside.path().join("dir").display().to_string()),
        ("dangling.db", "does/not/exist".to_string()),
    ];
    for (name, target) in &links {
        f.symlink(target, &format!("{dir}/{name}"));
    }
    // The scanned folder itself given through a link: the link is resolved once, as
    // the user asked, and nothing under it is followed.
    let (code, r) = scan_any(f.root(), &["--threads", "2"]);
    assert_eq!(code, 0, "{:?}", r["issues"]);
    assert_totals(&r, readable_sum(f.root()));
    assert_eq!(r["totals"]["symlinks"], links.len() as u64);
    assert_eq!(r["totals"]["apparent_bytes"], 1000);
}

#[test]
fn non_utf8_and_control_character_names_are_escaped_losslessly_in_every_format() {
    let f = Fake::new();
    f.dir("t");
    let t = f.path("t");
    let names: [&[u8]; 3] = [b"bad\xffname.pdf", b"esc\x1b[31mred", b"back\\slash"];
    for n in names {
        fs::write(t.join(std::ffi::OsStr::from_bytes(n)), b"12345").unwrap();
    }
    // A folder whose name is not UTF-8, with a file inside.
    let d = t.join(std::ffi::OsStr::from_bytes(b"dir\xfe"));
    fs::create_dir(&d).unwrap();
    fs::write(d.join("in.txt"), b"123").unwrap();
    let escaped = [
        "bad\\xffname.pdf",
        "esc\\x1b[31mred",
        "back\\\\slash",
        "dir\\xfe/in.txt",
    ];

    let (code, r) = scan_any(&t, &[]);
    assert_eq!(code, 1, "non-UTF-8 names are issues");
    assert_totals(&r, readable_sum(&t));
    let listed: Vec<&str> = r["largest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["path"].as_str().unwrap())
        .collect();
    for e in escaped {
        assert!(listed.contains(&e), "{e} in {listed:?}");
    }
    // Lossless: unescaping gives back the bytes on disk.
    let mut back: Vec<Vec<u8>> = listed
        .iter()
        .map(|p| wechat_inspect::escape::unescape(p).unwrap())
        .collect();
    back.sort();
    let mut want: Vec<Vec<u8>> = names.iter().map(|n| n.to_vec()).collect();
    want.push(b"dir\xfe/in.txt".to_vec());
    want.sort();
    assert_eq!(back, want);
    let issues: Vec<&str> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "non-utf8-name")
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(issues, ["bad\\xffname.pdf", "dir\\xfe"]);

    for format in ["table", "csv", "json"] {
        let out = run_with_timeout(
            bin()
                .arg("scan")
                .arg(&t)
                .args(["--any", "--top", "100", "--format", format]),
            LIMIT,
        );
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).expect("output is UTF-8");
        assert!(!text.contains('\x1b'), "{format}: no raw control character");
        if format != "json" {
            for e in escaped {
                assert!(text.contains(e), "{format} shows {e}:\n{text}");
            }
        }
    }
}

#[test]
fn fifos_sockets_and_devices_are_counted_never_opened() {
    let f = upgraded_mac();
    let dir = f.path(&a4("db_storage/message"));
    // FIFOs named like files whose first bytes the walker reads: opening one for
    // reading would block forever.
    let fifos = [
        dir.join("message_1.db"),
        dir.join("message_1.db-wal"),
        f.path(&a4(&format!("msg/attach/{CHAT}/2024-05/Img/fifo.dat"))),
        f.path("Data/fifo"),
    ];
    for p in &fifos {
        let st = Command::new("mkfifo").arg(p).status().unwrap();
        assert!(st.success(), "mkfifo {}", p.display());
    }
    let _sock = std::os::unix::net::UnixListener::bind(dir.join("wal.sock")).unwrap();
    let mut special = fifos.len() as u64 + 1;
    if is_root() {
        let st = Command::new("mknod")
            .arg(dir.join("media_9.db"))
            .args(["c", "1", "3"])
            .status();
        match st {
            Ok(s) if s.success() => special += 1,
            other => println!("note: no device node test (mknod: {other:?})"),
        }
    } else {
        println!("note: no device node test (not root)");
    }
    for threads in ["1", "4"] {
        let out = run_with_timeout(
            bin()
                .arg("scan")
                .arg(f.root())
                .args(["--format", "json", "--threads", threads]),
            LIMIT,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let r = json(&out);
        assert_totals(&r, readable_sum(f.root()));
        assert_eq!(r["totals"]["special_files"], special);
    }
    // A FIFO given as the folder to scan: refused at once, never opened.
    let out = run_with_timeout(bin().arg("scan").arg(&fifos[3]), LIMIT);
    assert_eq!(out.status.code(), Some(2));
}

/// `levels` nested folders called `d` under `base`; returns the deepest.
fn nest(base: &Path, levels: usize) -> PathBuf {
    let p = base.join(vec!["d"; levels].join("/"));
    fs::create_dir_all(&p).unwrap();
    p
}

/// `rm -rf`: std's recursive removal holds one descriptor per level and stops at paths
/// longer than PATH_MAX; rm(1) copes with both.
fn rm_rf(p: &Path) {
    let _ = Command::new("rm").arg("-rf").arg(p).status();
}

#[test]
fn a_thousand_levels_deep_is_scanned_whole() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("deep");
    let bottom = nest(&root, 1000);
    fs::write(bottom.join("f.pdf"), b"0123456789").unwrap();
    fs::write(root.join("d/d/top.txt"), b"abc").unwrap();
    let (code, r) = scan_any(&root, &["--threads", "2"]);
    assert_eq!(code, 0, "{:?}", r["issues"]);
    assert_totals(&r, readable_sum(&root));
    assert_eq!(r["totals"]["dirs"], 1001);
    rm_rf(&root);
}

/// Deeper than PATH_MAX (4096 bytes on Linux) allows to name. The walker opens each
/// folder relative to its open parent, so it needs no full path and reads the whole
/// chain; only the final report's paths are long. Nothing crashes.
#[test]
fn deeper_than_path_max_is_scanned_whole_never_a_crash() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("deep");
    let mid = nest(&root, 1000);
    fs::write(mid.join("mid.txt"), b"0123456789").unwrap();
    // Build another 1,200 levels elsewhere, then move them under the first chain:
    // each path used stays short enough, the result is ~2,200 levels (~4,400 bytes).
    let other = nest(&t.path().join("other"), 1200);
    fs::write(other.join("bottom.txt"), b"xy").unwrap();
    fs::rename(t.path().join("other/d"), mid.join("e")).unwrap();
    assert!(mid.join("e").to_str().unwrap().len() < 4096);

    let (code, r) = scan_any(&root, &["--threads", "2"]);
    assert_eq!(code, 0, "{:#}", r["issues"]);
    // Known by construction (walkdir, which names full paths, cannot go that deep).
    assert_eq!(r["totals"]["files"], 2, "mid.txt and bottom.txt");
    assert_eq!(r["totals"]["apparent_bytes"], 12);
    assert_eq!(r["totals"]["dirs"], 1 + 1000 + 1200);
    let largest = r["largest"].as_array().unwrap();
    assert!(largest
        .iter()
        .any(|f| f["path"].as_str().unwrap().ends_with("/bottom.txt")
            && f["path"].as_str().unwrap().len() > 4096));
    for format in ["table", "csv"] {
        let out = run_with_timeout(
            bin()
                .arg("scan")
                .arg(&root)
                .args(["--any", "--format", format]),
            LIMIT,
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
    rm_rf(&root);
}

/// A comb: every level holds several leaf folders and one folder that goes on, 150
/// levels deep, so more parent folders wait for their sub-folders than the walker keeps
/// open (64); past that budget it opens folders by their full path. Either way every
/// entry is counted once.
#[test]
fn more_waiting_folders_than_kept_descriptors_are_all_scanned() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("comb");
    let mut level = root.clone();
    for i in 0..150 {
        for leaf in ["a", "b", "c", "d", "e"] {
            fs::create_dir_all(level.join(leaf)).unwrap();
            fs::write(level.join(leaf).join("f.txt"), vec![b'x'; i % 7]).unwrap();
        }
        level = level.join("n");
    }
    fs::create_dir_all(&level).unwrap();
    for threads in ["1", "2", "5"] {
        let (code, r) = scan_any(&root, &["--threads", threads]);
        assert_eq!(code, 0, "{:?}", r["issues"]);
        assert_totals(&r, readable_sum(&root));
        assert_eq!(r["totals"]["dirs"], 1 + 150 * 6);
    }
}

/// 100,000 empty files in one folder (`flat/`), shared by the tests that run while it
/// is alive and removed after the last. On tmpfs (/dev/shm) when there is one: creating
/// files there is ~50× faster than on this machine's disk.
fn big_tree() -> Arc<tempfile::TempDir> {
    static TREE: Mutex<Weak<tempfile::TempDir>> = Mutex::new(Weak::new());
    let mut slot = TREE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(t) = slot.upgrade() {
        return t;
    }
    let start = Instant::now();
    let t = tempfile::Builder::new()
        .prefix("wechat-inspect-big")
        .tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")))
        .unwrap();
    let flat = t.path().join("flat");
    fs::create_dir(&flat).unwrap();
    for i in 0..100_000 {
        fs::File::create(flat.join(format!("{i}.dat"))).unwrap();
    }
    println!(
        "generated 100,000 files in {} in {:?}",
        t.path().display(),
        start.elapsed()
    );
    let t = Arc::new(t);
    *slot = Arc::downgrade(&t);
    t
}

#[test]
fn a_hundred_thousand_entries_in_one_folder() {
    let tree = big_tree();
    let flat = tree.path().join("flat");
    let start = Instant::now();
    let (code, r) = scan_any(&flat, &["--top", "5"]);
    let took = start.elapsed();
    println!("scanned 100,000 entries in {took:?}");
    assert_eq!(code, 0);
    assert_eq!(r["totals"]["files"], 100_000);
    assert_eq!(r["totals"]["dirs"], 1);
    assert_eq!(r["largest"].as_array().unwrap().len(), 5);
    // A hang guard, not a speed test (speed is benchmarked: BENCHMARKS.md); generous
    // enough for a loaded CI machine.
    assert!(took < Duration::from_secs(300), "{took:?}");
}

/// Files and folders deleted and created while the scan runs: the scan finishes, and
/// every `vanished` issue names a path in the churned folder.
#[test]
fn files_deleted_and_added_during_the_scan() {
    // In the build folder: file creation there is much faster than in /tmp on CI.
    let t = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let root = &t.path().join("scanned");
    let setup = Instant::now();
    for d in 0..5 {
        let dir = root.join(format!("stable/{d:02}"));
        fs::create_dir_all(&dir).unwrap();
        for i in 0..1000 {
            fs::File::create(dir.join(format!("{i}.dat"))).unwrap();
        }
    }
    let stable = readable_sum(&root.join("stable"));
    let churn = root.join("churn");
    let away = t.path().join("away");
    for d in 0..4 {
        fs::create_dir_all(churn.join(format!("s{d}"))).unwrap();
        fs::create_dir_all(away.join(format!("s{d}"))).unwrap();
        for i in 0..500 {
            fs::File::create(churn.join(format!("s{d}/{i}.dat"))).unwrap();
        }
    }
    println!("churn setup took {:?}", setup.elapsed());
    let stop = AtomicBool::new(false);
    let mut vanished = 0;
    std::thread::scope(|s| {
        s.spawn(|| {
            // Files leave the tree and come back one by one (renames are fast where
            // creating files is slow), a few are created and deleted for real, and now
            // and then a whole folder leaves and returns.
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let k = n % 4;
                let (here, there) = (churn.join(format!("s{k}")), away.join(format!("s{k}")));
                for i in 0..500 {
                    let name = format!("{i}.dat");
                    let _ = fs::rename(here.join(&name), there.join(&name));
                }
                let _ = fs::File::create(here.join(format!("new-{n}.dat")));
                let _ = fs::remove_file(here.join(format!("new-{}.dat", n.wrapping_sub(1))));
                if n.is_multiple_of(3) {
                    let _ = fs::rename(&here, churn.join("gone"));
                    let _ = fs::rename(churn.join("gone"), &here);
                }
                for i in 0..500 {
                    let name = format!("{i}.dat");
                    let _ = fs::rename(there.join(&name), here.join(&name));
                }
                n += 1;
            }
        });
        // Stop the churn even when an assertion below fails, or the scope never ends.
        struct StopOnDrop<'a>(&'a AtomicBool);
        impl Drop for StopOnDrop<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        let _stop = StopOnDrop(&stop);
        // At least three scans; more (for up to ~6 s) until one met a vanished entry.
        let began = Instant::now();
        for round in 0.. {
            if round >= 3 && (vanished > 0 || began.elapsed() > Duration::from_secs(6)) {
                break;
            }
            let threads = ["1", "2", "4"][round % 3];
            let start = Instant::now();
            let (code, r) = scan_any(root, &["--threads", threads, "--top", "0"]);
            println!(
                "churn scan, {threads} thread(s): exit {code}, {} files, {:?}",
                r["totals"]["files"],
                start.elapsed()
            );
            assert!(code == 0 || code == 1, "exit {code}");
            for i in r["issues"].as_array().unwrap() {
                let path = i["path"].as_str().unwrap();
                assert!(path.starts_with("churn/"), "{i}");
                assert_eq!(i["kind"], "vanished", "{i}");
                vanished += 1;
            }
            let files = r["totals"]["files"].as_u64().unwrap();
            assert!(files >= stable.files, "{files} < {}", stable.files);
        }
    });
    println!("{vanished} vanished issue(s)");
}

#[test]
fn sparse_files_and_a_file_over_4_gib_total_right() {
    let f = upgraded_mac();
    let dir = f.path(&a4("msg/file/2024-05"));
    let big = fs::File::create(dir.join("huge.mp4")).unwrap();
    big.set_len(5 << 30).unwrap();
    let sparse = fs::File::create(dir.join("sparse.pdf")).unwrap();
    std::io::Write::write_all(&mut &sparse, &[b'x'; 4096]).unwrap();
    sparse.set_len(64 << 20).unwrap();
    let r = f.scan_json("", &[]);
    let want = readable_sum(f.root());
    assert_totals(&r, want);
    assert!(want.allocated < want.apparent, "the files are sparse");
    assert!(want.apparent > 5 << 30);
    assert_eq!(r["largest"][0]["apparent_bytes"], 5u64 << 30);
    assert!(r["largest"][0]["allocated_bytes"].as_u64().unwrap() < 1 << 20);
    let sum: u64 = r["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["apparent_bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, want.apparent);
    let csv = f
        .cmd()
        .arg("scan")
        .arg(f.root())
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&csv.stdout).contains(&(5u64 << 30).to_string()));
}

#[test]
fn hard_links_across_chats_and_accounts_count_once() {
    let f = upgraded_mac();
    let src = a4(&format!("msg/attach/{CHAT}/2024-05/Img/abc.dat"));
    f.hardlink(
        &src,
        &a4(&format!("msg/attach/{CHAT2}/2024-05/Img/same.dat")),
    );
    f.hardlink(
        &src,
        &a3(&format!("Message/MessageTemp/{CHAT2}/Image/x.jpg")),
    );
    f.hardlink(&src, "Data/Documents/outside-any-chat.dat");
    let r = f.scan_json("", &[]);
    assert_totals(&r, readable_sum(f.root()));
    assert_eq!(r["hard_links"]["inodes"], 2);
    assert_eq!(r["hard_links"]["extra_links"], 1 + 3);
    // Every chat that links it counts it.
    let chat_bytes = |account: &str, chat: &str| {
        r["chats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["account"] == account && c["chat"] == chat)
            .map(|c| c["apparent_bytes"].as_u64().unwrap())
    };
    assert_eq!(chat_bytes(ACCT4, CHAT2), Some(4000));
    assert!(chat_bytes(ACCT4, CHAT).unwrap() >= 4000);
    assert!(chat_bytes(ACCT3, CHAT2).unwrap() >= 4000);
}

/// A tree `nobody` can walk except for one folder; `(tempdir, root, secret)`.
fn tree_with_a_locked_folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    chmod(t.path(), 0o755);
    let root = t.path().join("container");
    let put = |rel: &str, len: usize| {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, vec![b'x'; len]).unwrap();
    };
    put(&a4("msg/file/2024-05/a.pdf"), 1000);
    put(&a4("db_storage/message/message_0.db"), 4096);
    put(&a4("msg/file/2024-05/secret/deeper/b.pdf"), 2000);
    put(&a3("Message/msg_0.db"), 4096);
    let prefs = root.join("Data/Library/Preferences/com.tencent.xinWeChat.plist");
    fs::create_dir_all(prefs.parent().unwrap()).unwrap();
    fs::write(prefs, prefs_plist()).unwrap();
    // An unreadable file whose first bytes the walker would read.
    put(&a4("db_storage/message/locked_0.db"), 4096);
    chmod(&root.join(a4("db_storage/message/locked_0.db")), 0o000);
    let secret = root.join(a4("msg/file/2024-05/secret"));
    chmod(&secret, 0o000);
    (t, root, secret)
}

/// How to run the binary so permission bits apply, or `None` (test skipped, printed).
fn unprivileged(dir: &Path) -> Option<Command> {
    if !is_root() {
        return Some(bin());
    }
    match as_nobody() {
        Ok(prefix) => {
            let mut c = Command::new(&prefix[0]);
            c.args(&prefix[1..]).arg(public_binary(dir));
            c.env_remove("NO_COLOR").current_dir("/");
            Some(c)
        }
        Err(why) => {
            println!("SKIPPED: running as root and cannot drop privileges ({why})");
            None
        }
    }
}

#[test]
fn an_unreadable_folder_is_a_permission_issue_and_the_rest_is_scanned() {
    let (t, root, secret) = tree_with_a_locked_folder();
    let Some(mut cmd) = unprivileged(t.path()) else {
        return;
    };
    let out = run_with_timeout(
        cmd.arg("scan")
            .arg(&root)
            .args(["--format", "json", "--top", "1000"]),
        LIMIT,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    let issues: Vec<(String, String)> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_string(),
                i["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            (a4("db_storage/message/locked_0.db"), "permission".into()),
            (a4("msg/file/2024-05/secret"), "permission".into()),
        ]
    );
    // Everything but the locked folder's content: the locked file is still counted
    // (its size comes from its folder), only its first bytes could not be read.
    let all = readable_sum(&root);
    let hidden = readable_sum(&secret);
    assert_eq!(r["totals"]["files"], all.files - hidden.files);
    assert_eq!(
        r["totals"]["apparent_bytes"],
        all.apparent - hidden.apparent
    );
    assert_eq!(r["totals"]["dirs"], all.dirs - hidden.dirs + 1);
    chmod(&secret, 0o755);
}

#[test]
fn an_unreadable_root_exits_2_with_one_line() {
    let (t, root, secret) = tree_with_a_locked_folder();
    let Some(mut cmd) = unprivileged(t.path()) else {
        return;
    };
    let out = run_with_timeout(cmd.arg("scan").arg(&secret), LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&secret.display().to_string()), "{err}");
    assert!(err.contains("ermission denied"), "{err}");
    chmod(&secret, 0o755);
    drop(root);
}

#[test]
fn home_discovery_with_only_unreadable_folders_exits_2_with_the_reason() {
    let t = tempfile::tempdir().unwrap();
    chmod(t.path(), 0o755);
    let home = t.path().join("home");
    let container = home.join("Library/Containers/com.tencent.xinWeChat");
    fs::create_dir_all(container.join("Data/Documents/xwechat_files")).unwrap();
    chmod(&container, 0o000);
    let Some(mut cmd) = unprivileged(t.path()) else {
        return;
    };
    let out = run_with_timeout(cmd.arg("scan").env("HOME", &home), LIMIT);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("com.tencent.xinWeChat"), "{err}");

    // With one readable root beside it, the locked one is an issue in the report.
    let caches = home.join("Library/Caches/com.tencent.xinWeChat");
    fs::create_dir_all(&caches).unwrap();
    fs::write(caches.join("Cache.db"), b"x").unwrap();
    let mut cmd = unprivileged(t.path()).unwrap();
    let out = run_with_timeout(
        cmd.args(["scan", "--format", "json"]).env("HOME", &home),
        LIMIT,
    );
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    assert_eq!(r["issues"][0]["kind"], "permission");
    assert_eq!(
        r["issues"][0]["path"],
        "Library/Containers/com.tencent.xinWeChat"
    );
    chmod(&container, 0o755);
}

#[test]
fn a_closed_pipe_ends_quietly_in_every_format() {
    let f = upgraded_mac();
    for i in 0..2000 {
        f.sized(&a4(&format!("msg/file/2024-05/f{i}.txt")), 1);
    }
    for format in ["table", "json", "csv"] {
        let mut child = bin()
            .arg("scan")
            .arg(f.root())
            .args(["--format", format, "--top", "2000"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, like `| head -1`, then close.
        let mut first = [0u8; 16];
        let mut stdout = child.stdout.take().unwrap();
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
}

/// The entries of a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn an_unwritable_output_exits_2_and_leaves_no_file() {
    let f = upgraded_mac();
    let t = tempfile::tempdir().unwrap();
    chmod(t.path(), 0o755);
    // The parent is a file.
    fs::write(t.path().join("file"), b"x").unwrap();
    let out = run_with_timeout(
        bin()
            .arg("scan")
            .arg(f.root())
            .arg("-o")
            .arg(t.path().join("file/r.json")),
        LIMIT,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot write") && err.contains("file/r.json"),
        "{err}"
    );
    assert_eq!(listing(t.path()), ["file"]);

    // A folder this user cannot write to.
    let ro = t.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::write(ro.join("r.json"), b"old report").unwrap();
    chmod(&ro, 0o555);
    chmod(&f.path(""), 0o755);
    if let Some(mut cmd) = unprivileged(t.path()) {
        let out = run_with_timeout(
            cmd.arg("scan")
                .arg(f.root())
                .args(["--format", "json", "-o"])
                .arg(ro.join("r.json")),
            LIMIT,
        );
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot write"), "{err}");
        assert_eq!(listing(&ro), ["r.json"]);
        assert_eq!(fs::read(ro.join("r.json")).unwrap(), b"old report");
    }
    chmod(&ro, 0o755);
}

/// A write that fails half-way (here: the file-size limit, `ulimit -f`, with SIGXFSZ
/// ignored so the write returns EFBIG) leaves neither the target nor the temp file,
/// and an existing report is left as it was.
#[test]
fn a_write_failing_half_way_leaves_neither_target_nor_temp_file() {
    let f = upgraded_mac();
    for i in 0..300 {
        f.sized(&a4(&format!("msg/file/2024-05/f{i:03}.txt")), i);
    }
    let t = tempfile::tempdir().unwrap();
    for (target, old) in [("new.json", None), ("old.json", Some(&b"old report"[..]))] {
        let path = t.path().join(target);
        if let Some(old) = old {
            fs::write(&path, old).unwrap();
        }
        let out = run_with_timeout(
            Command::new("sh")
                .arg("-c")
                .arg("trap '' XFSZ; ulimit -f 2; exec \"$@\"")
                .arg("sh")
                .arg(env!("CARGO_BIN_EXE_wechat-inspect"))
                .arg("scan")
                .arg(f.root())
                .args(["--format", "json", "--top", "1000", "-o"])
                .arg(&path),
            LIMIT,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("cannot write"), "{err}");
        match old {
            None => assert!(listing(t.path()).iter().all(|n| n != target)),
            Some(old) => assert_eq!(fs::read(&path).unwrap(), old),
        }
        assert!(
            listing(t.path()).iter().all(|n| !n.ends_with(".tmp")),
            "{:?}",
            listing(t.path())
        );
    }
}

/// Ctrl-C (SIGINT) during a long scan: gone within a second, non-zero, no `-o` file
/// and no temp file left beside it.
#[test]
fn ctrl_c_stops_within_a_second_and_leaves_no_partial_output() {
    let tree = big_tree();
    let root = tree.path().join("flat");
    let t = tempfile::tempdir().unwrap();
    let target = t.path().join("r.json");
    for delay_ms in [150, 300] {
        let mut child = bin()
            .arg("scan")
            .arg(&root)
            .args(["--any", "--format", "json", "--threads", "1", "-o"])
            .arg(&target)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_some() {
            println!("note: the scan ended before {delay_ms} ms; nothing to interrupt");
            continue;
        }
        let status = signal_and_wait(&mut child, "INT", Duration::from_secs(1));
        assert!(!status.success());
        assert_eq!(status.code(), Some(130));
        assert_eq!(listing(t.path()), Vec::<String>::new());
    }
}

mod classifier_never_panics {
    use proptest::prelude::*;
    use wechat_inspect::tree::classify::{classify, Category};

    /// Folder and file names WeChat uses, mixed with anything.
    const WECHAT: &[&str] = &[
        "Data",
        "Library",
        "Application Support",
        "Caches",
        "com.tencent.xinWeChat",
        "2.0b4.0.9",
        "1d35a41b3adb8b335cc59362ad55ee88",
        "9e20f478899dc29eb19741386f9343c8",
        "Message",
        "MessageTemp",
        "Image",
        "Video",
        "Audio",
        "File",
        "Documents",
        "xwechat_files",
        "all_users",
        "wxid_test01_9f3c",
        "msg",
        "attach",
        "file",
        "2024-05",
        "Img",
        "db_storage",
        "message",
        "message_0.db",
        "media_0.db",
        "msg_0.db",
        "temp",
        "RWTemp",
        "cache",
        "app_data",
        "Backup",
        "KeyValue",
        "Avatar",
        "x.pic_hd.jpg",
        "abc_t.dat",
        ".",
        "..",
        "",
        "-wal",
        "\\xff",
    ];

    fn segment() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => proptest::sample::select(WECHAT).prop_map(str::to_string),
            2 => "[a-zA-Z0-9_.-]{1,12}",
            1 => "[0-9a-f]{32}",
            1 => "20[0-9]{2}-[01][0-9]",
            1 => any::<String>().prop_map(|s| s.replace('/', "")),
        ]
    }

    fn path() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(
                &[
                    "",
                    "Data/",
                    "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/",
                    "Data/Documents/xwechat_files/",
                    "Data/Documents/xwechat_files/wxid_test01_9f3c/",
                ][..],
            ),
            proptest::collection::vec(segment(), 0..10),
        )
            .prop_map(|(prefix, segs)| format!("{prefix}{}", segs.join("/")))
    }

    /// A file name that is not itself a sidecar and not empty.
    fn base_name() -> impl Strategy<Value = String> {
        segment().prop_filter("a plain file name", |s| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && !["-wal", "-shm", "-journal"].iter().any(|x| s.ends_with(x))
        })
    }

    proptest! {
        #[test]
        fn always_a_category(p in path()) {
            let placed = classify(&p);
            prop_assert!(Category::ALL.contains(&placed.category));
        }

        #[test]
        fn a_sidecar_suffix_never_changes_the_placement(
            dir in path(),
            name in base_name(),
            suffix in proptest::sample::select(&["-wal", "-shm", "-journal"][..]),
        ) {
            let p = if dir.is_empty() || dir.ends_with('/') {
                format!("{dir}{name}")
            } else {
                format!("{dir}/{name}")
            };
            let with = format!("{p}{suffix}");
            let (a, b) = (classify(&p), classify(&with));
            prop_assert_eq!(a.category, b.category, "{} vs {}", p, with);
            prop_assert_eq!(a.layout, b.layout);
            prop_assert_eq!(a.account, b.account);
            prop_assert_eq!(a.chat, b.chat);
            prop_assert_eq!(a.rule, b.rule);
        }
    }
}

/// A machine out of threads (a per-user process limit, a full cgroup): every command
/// works on the threads it gets, at worst only its own, and prints what it prints with
/// threads to spare. No panic, no hang.
#[test]
fn no_thread_to_spare_is_no_panic_and_the_same_report() {
    let test = "no_thread_to_spare_is_no_panic_and_the_same_report";
    let Some(prlimit) = require_tool("prlimit", test) else {
        return;
    };
    let (t, root, _secret) = tree_with_a_locked_folder();
    let Some(prefix) = unprivileged_prefix() else {
        return;
    };
    let binary = public_binary(t.path());
    let root = root.to_str().unwrap();
    // Wall-clock stamps differ from run to run.
    let unstamped = |out: &[u8]| {
        let text = String::from_utf8_lossy(out).into_owned();
        let mut kept = String::new();
        for line in text.lines() {
            if !line.contains("generated_at") && !line.contains("written 20") {
                kept.push_str(line);
                kept.push('\n');
            }
        }
        kept
    };
    let commands: &[&[&str]] = &[
        &["scan", root, "--format", "json"],
        &["scan", root, "--format", "json", "--threads", "64"],
        &["scan", root, "--format", "html"],
        &["plan", root],
        &["hosts", root, "--format", "json"],
        &["dbs", root, "--format", "json"],
        &["plists", root, "--format", "json"],
        &["dupes", root],
    ];
    for args in commands {
        let run = |limited: bool| {
            let mut all: Vec<String> = prefix.clone();
            if limited {
                all.extend([prlimit.display().to_string(), "--nproc=1".into()]);
            }
            all.push(binary.display().to_string());
            let mut cmd = Command::new(&all[0]);
            cmd.args(&all[1..]).args(*args).current_dir("/");
            run_with_timeout(&mut cmd, LIMIT)
        };
        let (free, starved) = (run(false), run(true));
        let said = String::from_utf8_lossy(&starved.stderr);
        assert_eq!(
            starved.status.code(),
            free.status.code(),
            "{args:?}: {said}"
        );
        assert!(!said.contains("panicked"), "{args:?}: {said}");
        assert_eq!(
            unstamped(&starved.stdout),
            unstamped(&free.stdout),
            "{args:?}"
        );
        assert!(!starved.stdout.is_empty(), "{args:?}");
    }
}

/// A low open-file limit (`ulimit -n`; macOS's default is 256) on a deep tree with a
/// side folder at every level: the walk keeps fewer folders open and starts fewer
/// workers, and misses nothing (before: "too many open files" issues and files left
/// out under 64 descriptors).
#[test]
fn a_low_open_file_limit_misses_nothing() {
    let test = "a_low_open_file_limit_misses_nothing";
    let Some(prlimit) = require_tool("prlimit", test) else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("container");
    let mut dir = root.join(a4("msg/file"));
    for _ in 0..200 {
        for side in ["a", "b"] {
            fs::create_dir_all(dir.join(side)).unwrap();
            fs::write(dir.join(side).join("f.pdf"), b"x").unwrap();
        }
        dir.push("c");
    }
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("last.pdf"), b"xy").unwrap();
    let scan = |limit: Option<u32>| {
        let mut cmd = match limit {
            Some(n) => {
                let mut c = Command::new(&prlimit);
                c.arg(format!("--nofile={n}"))
                    .arg(env!("CARGO_BIN_EXE_wechat-inspect"));
                c
            }
            None => bin(),
        };
        cmd.arg("scan").arg(&root).args(["--format", "json"]);
        let out = run_with_timeout(&mut cmd, LIMIT);
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{limit:?}: {said}");
        let mut r = json(&out);
        r.as_object_mut().unwrap().remove("generated_at");
        r
    };
    let free = scan(None);
    assert_eq!(free["totals"]["files"], 401);
    for limit in [12, 20, 32, 64] {
        assert_eq!(scan(Some(limit)), free, "--nofile={limit}");
    }
}

/// With no thread to spare, no thread would wait for Ctrl-C: the default applies (the
/// scan stops at once) and `-o` leaves nothing behind, its temporary file made only
/// for the write (before: Ctrl-C and `kill` were caught and never acted on, and the
/// scan ran on to the end).
#[test]
fn no_thread_to_spare_ctrl_c_still_stops_and_leaves_nothing() {
    use std::os::unix::process::ExitStatusExt;
    let test = "no_thread_to_spare_ctrl_c_still_stops_and_leaves_nothing";
    let Some(prlimit) = require_tool("prlimit", test) else {
        return;
    };
    let Some(mut argv) = unprivileged_prefix() else {
        return;
    };
    let t = tempfile::tempdir().unwrap();
    chmod(t.path(), 0o755);
    argv.extend([prlimit.display().to_string(), "--nproc=1".into()]);
    argv.push(public_binary(t.path()).display().to_string());
    let root = t.path().join("flat");
    fs::create_dir(&root).unwrap();
    for i in 0..60_000 {
        fs::write(root.join(format!("f{i}")), b"").unwrap();
    }
    let out = t.path().join("out");
    fs::create_dir(&out).unwrap();
    chmod(&out, 0o777);
    for (sig, number) in [("INT", 2), ("TERM", 15)] {
        let mut child = Command::new(&argv[0])
            .args(&argv[1..])
            .arg("scan")
            .arg(&root)
            .args(["--any", "--format", "json", "--threads", "1", "-o"])
            .arg(out.join("r.json"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(40));
        if child.try_wait().unwrap().is_some() {
            println!("note: the scan ended before SIG{sig}; nothing to interrupt");
            let _ = fs::remove_file(out.join("r.json"));
            continue;
        }
        let status = signal_and_wait(&mut child, sig, Duration::from_secs(2));
        assert!(
            status.signal() == Some(number) || status.code() == Some(128 + number),
            "SIG{sig}: {status:?}"
        );
        let left: Vec<_> = fs::read_dir(&out).unwrap().collect();
        assert!(left.is_empty(), "SIG{sig} left {left:?}");
    }
}
