//! Behaviour of `scan` through the binary: totals, hard links, accepted path levels,
//! home discovery, exit codes and output targets.

use crate::util::*;
use predicates::prelude::*;
use std::os::unix::ffi::OsStrExt;

#[test]
fn totals_equal_an_independent_sum() {
    let f = upgraded_mac();
    f.sized(
        "Data/Documents/xwechat_files/all_users/login/wxid_test01/key_info.db",
        4096,
    );
    let r = f.scan_json("", &[]);
    let (files, bytes) = independent_sum(f.root());
    assert_eq!(r["totals"]["files"], files);
    assert_eq!(r["totals"]["apparent_bytes"], bytes);
    // Categories, accounts, months, types and layouts each add up to the totals.
    for section in ["categories", "accounts", "months", "file_types"] {
        let sum: u64 = r[section]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["apparent_bytes"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, bytes, "{section}");
        let alloc: u64 = r[section]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["allocated_bytes"].as_u64().unwrap())
            .sum();
        assert_eq!(
            alloc,
            r["totals"]["allocated_bytes"].as_u64().unwrap(),
            "{section}"
        );
    }
    let layouts: u64 = r["roots"][0]["layouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["apparent_bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(layouts, bytes);
}

#[test]
fn hard_links_count_once_and_in_every_chat() {
    let f = upgraded_mac();
    let r = f.scan_json("", &[]);
    assert_eq!(r["hard_links"]["inodes"], 1);
    assert_eq!(r["hard_links"]["extra_links"], 1);
    assert_eq!(r["hard_links"]["shared_apparent_bytes"], 3000);
    // Attributed to the first link in folder order.
    let first = a3(&format!("Message/MessageTemp/{CHAT2}/Image/1_.pic.jpg"));
    let second = a3(&format!(
        "Message/MessageTemp/{CHAT}/Image/34221676858120_.pic.jpg"
    ));
    assert!(category_of(&r, &first).is_some());
    assert!(category_of(&r, &second).is_none());
}

#[test]
fn sequential_and_parallel_reports_are_identical() {
    let f = upgraded_mac();
    for i in 0..200 {
        f.sized(
            &a4(&format!(
                "msg/attach/{CHAT2}/2024-0{}/Img/{i:03}.dat",
                1 + i % 9
            )),
            i,
        );
    }
    // Hard links across chats, accounts and layouts (some in one folder, some big enough
    // to be among the largest), so the link tables of several workers meet.
    for i in 0..120usize {
        let first = a4(&format!("msg/attach/{CHAT2}/2024-05/Img/l{i:03}.dat"));
        f.sized(&first, 1000 + i * 997);
        f.hardlink(
            &first,
            &a4(&format!("msg/attach/{CHAT}/2024-05/Img/l{i:03}.dat")),
        );
        if i % 3 == 0 {
            f.hardlink(
                &first,
                &a3(&format!("Message/MessageTemp/{CHAT}/Image/{i}_.pic.jpg")),
            );
        }
        if i % 5 == 0 {
            f.hardlink(
                &first,
                &a4(&format!("msg/attach/{CHAT2}/2024-05/Img/k{i:03}.dat")),
            );
        }
    }
    for extra in [&[][..], &["--dat-schemes"][..]] {
        let run = |threads: &str| {
            let mut args = vec!["--threads", threads, "--now", "2026-01-01T00:00:00Z"];
            args.extend_from_slice(extra);
            f.scan_json("", &args)
        };
        let one = run("1");
        assert!(one["hard_links"]["inodes"].as_u64().unwrap() > 120);
        assert_eq!(one, run("7"), "{extra:?}");
        // More workers than visitors.
        assert_eq!(one, run("64"), "{extra:?}");
    }
}

#[test]
fn every_accepted_path_level_is_recognised() {
    let f = upgraded_mac();
    f.sized("Data/Library/Caches/com.tencent.xinWeChat/Cache.db", 100);
    let cases = [
        ("", "container", ""),
        ("Data", "data", "Data"),
        (
            "Data/Library/Application Support/com.tencent.xinWeChat",
            "wechat3-app-support",
            "Data/Library/Application Support/com.tencent.xinWeChat",
        ),
        (V3, "wechat3-version", V3),
        (
            &format!("{V3}/{ACCT3}"),
            "wechat3-account",
            &format!("{V3}/{ACCT3}"),
        ),
        ("Data/Documents", "documents", "Data/Documents"),
        (XF, "xwechat-files", XF),
        (
            &format!("{XF}/{ACCT4}"),
            "wechat4-account",
            &format!("{XF}/{ACCT4}"),
        ),
        (
            "Data/Library/Caches/com.tencent.xinWeChat",
            "wechat3-caches",
            "Data/Library/Caches/com.tencent.xinWeChat",
        ),
        (
            &a3(&format!("Message/MessageTemp/{CHAT}")),
            "subfolder",
            &a3(&format!("Message/MessageTemp/{CHAT}")),
        ),
    ];
    for (rel, kind, container_path) in cases {
        let r = f.scan_json(rel, &[]);
        assert_eq!(r["roots"][0]["kind"], kind, "{rel}");
        assert_eq!(r["roots"][0]["container_path"], container_path, "{rel}");
        assert_eq!(r["roots"][0]["path"], ".", "{rel}");
    }
    // An account scanned alone: same categories as inside the whole container.
    let r = f.scan_json(&format!("{XF}/{ACCT4}"), &[]);
    assert_eq!(
        category_of(&r, "msg/file/2024-05/report.pdf").as_deref(),
        Some("chat-files")
    );
    assert_eq!(
        category_of(&r, "db_storage/message/media_0.db").as_deref(),
        Some("chat-voice")
    );
    let r = f.scan_json(&format!("{V3}/{ACCT3}"), &[]);
    assert_eq!(
        category_of(&r, "Contact/wccontact_new2.db").as_deref(),
        Some("contact-db")
    );
    assert_eq!(r["accounts"][0]["id"], ACCT3);
}

#[test]
fn a_copy_renamed_anywhere_is_still_recognised_by_content() {
    let f = Fake::new();
    f.sized(
        &format!("evidence/item7/{ACCT4}/db_storage/message/message_0.db"),
        4096,
    );
    let r = f.scan_json(&format!("evidence/item7/{ACCT4}"), &[]);
    assert_eq!(r["roots"][0]["kind"], "wechat4-account");
    f.sized("evidence/copy/2.0b4.0.9/Avatar/a.jpg", 10);
    let r = f.scan_json("evidence/copy/2.0b4.0.9", &[]);
    assert_eq!(r["roots"][0]["kind"], "wechat3-version");
    assert_eq!(category_of(&r, "Avatar/a.jpg").as_deref(), Some("avatars"));
}

#[test]
fn a_folder_that_is_not_wechat_exits_2_unless_any() {
    let f = Fake::new();
    f.sized("photos/a.jpg", 10);
    f.cmd()
        .args(["scan", "photos"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            predicate::str::contains("does not look like WeChat data")
                .and(predicate::str::contains("--any")),
        );
    let r = f.scan_json("photos", &["--any"]);
    assert_eq!(r["roots"][0]["kind"], "any");
    assert_eq!(r["totals"]["files"], 1);
    assert_eq!(category_of(&r, "a.jpg").as_deref(), Some("other"));
}

#[test]
fn missing_path_exits_2_with_one_line() {
    let f = Fake::new();
    let out = f
        .cmd()
        .args(["scan", "nope"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("nope"));
}

#[test]
fn home_discovery_finds_every_root() {
    let home = Fake::new();
    home.file("Library/Containers/com.tencent.xinWeChat/Data/Library/Preferences/com.tencent.xinWeChat.plist", &prefs_plist())
        .sized(&format!("Library/Containers/com.tencent.xinWeChat2/Data/Documents/xwechat_files/{ACCT4}/msg/file/2024-05/a.pdf"), 20)
        .sized("Library/Containers/com.tencent.xWeChat/Data/Documents/app_data/lock/lock.ini", 5)
        .sized("Library/Containers/com.apple.Safari/Data/x", 1000)
        .sized("Library/Group Containers/5A4RE8SF68.com.tencent.xinWeChat/Library/Caches/a", 30)
        .sized(&format!("Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/{ACCT3}/Message/msg_0.db"), 40)
        .sized("Library/Caches/com.tencent.xinWeChat/2.0b4.0.9/log/a.xlog", 50);
    let out = home
        .cmd()
        .args(["scan", "--format", "json", "--top", "100"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["base"], "~");
    let roots: Vec<(&str, &str)> = r["roots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["path"].as_str().unwrap(), x["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        roots,
        [
            ("Library/Containers/com.tencent.xWeChat", "container"),
            ("Library/Containers/com.tencent.xinWeChat", "container"),
            ("Library/Containers/com.tencent.xinWeChat2", "container"),
            (
                "Library/Group Containers/5A4RE8SF68.com.tencent.xinWeChat",
                "group-container"
            ),
            (
                "Library/Application Support/com.tencent.xinWeChat",
                "wechat3-app-support"
            ),
            ("Library/Caches/com.tencent.xinWeChat", "wechat3-caches"),
        ]
    );
    assert_eq!(r["totals"]["files"], 6);
    assert_eq!(
        r["totals"]["apparent_bytes"],
        prefs_plist().len() + 20 + 5 + 30 + 40 + 50
    );
    assert_eq!(
        category_of(
            &r,
            "Library/Caches/com.tencent.xinWeChat/2.0b4.0.9/log/a.xlog"
        )
        .as_deref(),
        Some("logs")
    );
    assert_eq!(
        category_of(&r, &format!("Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9/{ACCT3}/Message/msg_0.db")).as_deref(),
        Some("message-db")
    );
    assert_eq!(
        category_of(&r, &format!("Library/Containers/com.tencent.xinWeChat2/Data/Documents/xwechat_files/{ACCT4}/msg/file/2024-05/a.pdf")).as_deref(),
        Some("chat-files")
    );
}

#[test]
fn nothing_found_at_home_exits_2_and_says_what_was_looked_for() {
    let home = Fake::new();
    home.cmd().arg("scan").assert().code(2).stderr(
        predicate::str::contains("no WeChat data found")
            .and(predicate::str::contains(
                "Library/Containers/com.tencent.xinWeChat",
            ))
            .and(predicate::str::contains("scan PATH")),
    );
}

#[test]
fn output_file_is_written_whole_and_never_inside_the_scanned_folder() {
    let f = upgraded_mac();
    let out_dir = tempfile::tempdir().unwrap();
    let target = out_dir.path().join("r.json");
    f.cmd()
        .arg("scan")
        .arg(f.root())
        .args(["--format", "json", "-o"])
        .arg(&target)
        .assert()
        .code(0)
        .stdout("");
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(r["schema_version"], 2);
    assert_eq!(
        std::fs::read_dir(out_dir.path()).unwrap().count(),
        1,
        "no temp file left beside the report"
    );

    let inside = f.path("Data/report.json");
    f.cmd()
        .arg("scan")
        .arg(f.root())
        .arg("-o")
        .arg(&inside)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("never writes there"));
    assert!(!inside.exists());

    let unwritable = f.path("no/such/dir/r.json");
    f.cmd()
        .arg("scan")
        .arg(f.path("Data"))
        .arg("-o")
        .arg(&unwritable)
        .assert()
        .code(2);
}

#[test]
fn symlinks_are_counted_not_followed() {
    let f = upgraded_mac();
    f.symlink("/", &a4("msg/file/2024-05/root-link"));
    f.symlink("..", &a4("msg/file/loop"));
    f.symlink("does-not-exist", &a4("msg/file/dangling"));
    let before = f.scan_json("", &["--threads", "1"]);
    assert_eq!(before["totals"]["symlinks"], 3);
    let (files, bytes) = independent_sum(f.root());
    assert_eq!(before["totals"]["files"], files);
    assert_eq!(before["totals"]["apparent_bytes"], bytes);
}

#[test]
fn non_utf8_names_are_counted_escaped_and_reported() {
    let f = upgraded_mac();
    let dir = f.path(&a4("msg/file/2024-05"));
    let name = std::ffi::OsStr::from_bytes(b"bad\xffname.pdf");
    std::fs::write(dir.join(name), b"12345").unwrap();
    let out = f
        .cmd()
        .arg("scan")
        .arg(f.root())
        .args(["--format", "json", "--top", "1000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let path = a4("msg/file/2024-05/bad\\xffname.pdf");
    assert_eq!(category_of(&r, &path).as_deref(), Some("chat-files"));
    assert_eq!(r["issues"][0]["kind"], "non-utf8-name");
    assert_eq!(r["issues"][0]["path"], path);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let f = upgraded_mac();
    for i in 0..3000 {
        f.sized(&a4(&format!("msg/file/2024-05/f{i}.txt")), 1);
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wechat-inspect"))
        .arg("scan")
        .arg(f.root())
        .args(["--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

/// `-o` writes only regular files, or the null device: a FIFO is refused at once
/// (it used to be written in place, and blocked without a reader) and stays a FIFO.
#[test]
fn output_to_a_fifo_is_refused_and_dev_null_works() {
    use std::os::unix::fs::FileTypeExt;
    let f = upgraded_mac();
    let out_dir = tempfile::tempdir().unwrap();
    let fifo = out_dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    f.cmd()
        .arg("scan")
        .arg(f.root())
        .args(["--format", "json", "-o"])
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("it is a FIFO"));
    assert!(
        std::fs::metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO is still a FIFO"
    );
    f.cmd()
        .arg("scan")
        .arg(f.root())
        .args(["-o", "/dev/null"])
        .assert()
        .code(0);
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
}

#[test]
fn timings_go_to_stderr_only_when_asked() {
    let f = upgraded_mac();
    let run = |extra: &[&str]| {
        let out = f
            .cmd()
            .arg("scan")
            .arg(f.root())
            .args(["--format", "json", "--quiet"])
            .args(extra)
            .output()
            .unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (plain_out, plain_err) = run(&[]);
    assert_eq!(plain_err, "");
    let (out, err) = run(&["--timings"]);
    // One line, even with --quiet, and the report itself unchanged.
    let re = predicates::str::is_match(
        r"^timings: walk [0-9.]+ ms \([^)]*worker[^)]*\), totals [0-9.]+ ms, databases and plists [0-9.]+ ms \([0-9]+ files\), findings [0-9.]+ ms, hosts stores [0-9.]+ ms \(0 read\), report [0-9.]+ ms\n$",
    )
    .unwrap();
    assert!(re.eval(&err), "{err:?}");
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        v["generated_at"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&out), strip(&plain_out));
}
