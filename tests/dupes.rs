//! `dupes`: planted duplicates found exactly (and as fclones finds them, when it is
//! installed), every format snapshotted, hostile names in every format, `--redact`,
//! and nothing written under the tree.

use crate::util::*;
use std::collections::BTreeSet;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::Path;

const NOW: &str = "2026-11-29T08:00:00Z";

/// `dupes ARGS` in the fake's folder: (exit code, stdout, stderr).
fn dupes(f: &Fake, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = f
        .cmd()
        .arg("dupes")
        .args(args)
        .args(["--now", NOW])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dupes_json(f: &Fake, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = dupes(f, &all);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    serde_json::from_slice(&out).unwrap_or_else(|e| panic!("bad json ({e}): {err}"))
}

/// The groups as sets of paths.
fn path_sets(r: &serde_json::Value) -> BTreeSet<BTreeSet<String>> {
    r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["path"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

/// Dev and inode numbers depend on the machine: zeroed for snapshots.
fn zero_inodes(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "dev" || k == "ino" {
                    *x = 0.into();
                } else {
                    zero_inodes(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(zero_inodes),
        _ => {}
    }
}

#[test]
fn planted_groups_are_found_exactly() {
    let f = planted_dupes();
    let r = dupes_json(&f, &["."]);
    let want: BTreeSet<_> = [
        set(&[
            &img(CHAT, MD5_B),
            &img(CHAT2, MD5_B),
            &a3(&format!("Message/MessageTemp/{CHAT}/Image/{MD5_B}.jpg")),
        ]),
        set(&[&img(CHAT, MD5_A), &img(CHAT2, MD5_A)]),
        set(&[
            &a4("msg/file/2024-05/report.pdf"),
            &a4("msg/file/2024-05/report (1).pdf"),
            &a3(&format!("Message/MessageTemp/{CHAT2}/File/report.pdf")),
        ]),
    ]
    .into_iter()
    .collect();
    assert_eq!(path_sets(&r), want);
    assert_eq!(r["issues"], serde_json::json!([]));
    let t = &r["totals"];
    // Unique bytes: keeping one copy frees the others (the hard link frees nothing more).
    assert_eq!(t["unique_bytes"], 7000 + 5000 + 2 * 3000);
    assert_eq!(t["groups"], 3);
    assert_eq!(t["group_inodes"], 2 + 2 + 3);
    // Empty files: below the default minimum, never a group.
    assert_eq!(t["below_min_size"], 3);
    // Attribution as in scan.
    let g = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["size"] == 5000)
        .unwrap();
    let first = &g["files"][0];
    assert_eq!(first["category"], "chat-images");
    assert_eq!(first["account"], ACCT4);
    assert!(first["chat"] == CHAT || first["chat"] == CHAT2);
    // --min-size 0: the empty files are one more group (as `fclones group --min 0`).
    let r0 = dupes_json(&f, &[".", "--min-size", "0"]);
    assert_eq!(r0["totals"]["groups"], 4);
    // --min-size 6000 keeps only the 7000-byte group.
    let big = dupes_json(&f, &[".", "--min-size", "6K"]);
    assert_eq!(big["totals"]["groups"], 1);
}

#[test]
fn json_validates_against_the_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../docs/dupes-schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let f = planted_dupes();
    for args in [&["."][..], &[".", "--redact"][..], &[".", "-j", "1"][..]] {
        let r = dupes_json(&f, args);
        let errors: Vec<String> = validator
            .iter_errors(&r)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn home_discovery_and_several_paths() {
    let f = Fake::new();
    let c = "Library/Containers/com.tencent.xinWeChat";
    f.file(&format!("{c}/{}", img(CHAT, MD5_A)), &content(5000, 1))
        .file(&format!("{c}/{}", img(CHAT2, MD5_A)), &content(5000, 1));
    // No PATH: WeChat's folders under HOME, as `scan` finds them.
    let r = dupes_json(&f, &[]);
    assert_eq!(r["base"], "~");
    assert_eq!(r["totals"]["groups"], 1);
    // Two PATHs: paths start as given.
    let r = dupes_json(
        &f,
        &[
            &format!("{c}/{XF}/{ACCT4}/msg/attach/{CHAT}"),
            &format!("{c}/{XF}/{ACCT4}/msg/attach/{CHAT2}"),
            "--any",
        ],
    );
    assert_eq!(r["base"], ".");
    assert_eq!(r["totals"]["groups"], 1);
    let p = r["groups"][0]["files"][0]["path"].as_str().unwrap();
    assert!(p.starts_with(c), "{p}");
}

#[test]
fn arguments_are_bounded() {
    let f = planted_dupes();
    for bad in [
        &[".", "--min-size", "x"][..],
        &[".", "--min-size", "-1"][..],
        &[".", "--min-size", "2T"][..],
        &[".", "-j", "0"][..],
        &[".", "-j", "257"][..],
        &[".", "--format", "xml"][..],
        &["nowhere"][..],
    ] {
        let (code, out, err) = dupes(&f, bad);
        assert_eq!(code, 2, "{bad:?}: {err}");
        assert!(out.is_empty());
        assert!(!err.contains("panicked"), "{err}");
    }
    // -o inside the tree is refused before anything is read.
    let (code, _, err) = dupes(&f, &[".", "-o", "Data/out.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(!f.path("Data/out.json").exists());
}

fn normalise_csv(csv: &str) -> String {
    // dev and ino (columns 10 and 11) depend on the machine.
    csv.lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            if cells.len() == 13 && cells[0] == "file" {
                cells[9] = "DEV";
                cells[10] = "INO";
            }
            cells.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_format_snapshot() {
    let f = planted_dupes();
    let (code, table, err) = dupes(&f, &[".", "-j", "2"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("dupes_table", String::from_utf8(table).unwrap());
    let mut v = dupes_json(&f, &["."]);
    zero_inodes(&mut v);
    insta::assert_snapshot!("dupes_json", serde_json::to_string_pretty(&v).unwrap());
    let (_, csv, _) = dupes(&f, &[".", "--format", "csv"]);
    insta::assert_snapshot!("dupes_csv", normalise_csv(&String::from_utf8(csv).unwrap()));
    let (_, fd, _) = dupes(&f, &[".", "--format", "fdupes"]);
    let root = std::fs::canonicalize(f.root()).unwrap();
    let fd = String::from_utf8(fd)
        .unwrap()
        .replace(root.to_str().unwrap(), "<root>");
    insta::assert_snapshot!("dupes_fdupes", fd);
}

#[test]
fn fdupes_format_is_what_fdupes_prints() {
    let f = planted_dupes();
    let (code, out, err) = dupes(&f, &[".", "--format", "fdupes"]);
    assert_eq!(code, 0, "{err}");
    // Standard error is not a terminal: no progress line, nothing at all.
    assert_eq!(err, "");
    let text = String::from_utf8(out).unwrap();
    // Groups of absolute paths, each followed by a blank line.
    assert!(text.ends_with("\n\n"));
    let groups: Vec<Vec<&str>> = text
        .trim_end()
        .split("\n\n")
        .map(|g| g.lines().collect())
        .collect();
    assert_eq!(groups.len(), 3);
    for g in &groups {
        for p in g {
            assert!(Path::new(p).is_absolute(), "{p}");
            assert!(Path::new(p).is_file(), "{p}");
        }
    }
}

/// Compare with `fclones group` when it is installed (else say so and pass).
#[test]
fn same_groups_as_fclones() {
    let Ok(fclones) = which_fclones() else {
        eprintln!("fclones is not on PATH: skipping the comparison (bench/dupes/compare.sh runs it on bigger trees)");
        return;
    };
    let f = planted_dupes();
    let (_, out, _) = dupes(&f, &[".", "--format", "fdupes"]);
    let ours = fdupes_groups(&out);
    let theirs = std::process::Command::new(fclones)
        .args(["group", "--hidden", "--no-ignore", "--format", "fdupes"])
        .arg(f.root())
        .output()
        .unwrap();
    assert!(theirs.status.success());
    let theirs = fdupes_groups(&theirs.stdout);
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 3);
}

fn which_fclones() -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path)
        .map(|d| d.join("fclones"))
        .find(|p| p.is_file())
        .ok_or(())
}

/// fdupes-style output as sets of canonical paths.
fn fdupes_groups(out: &[u8]) -> BTreeSet<BTreeSet<Vec<u8>>> {
    let mut groups = BTreeSet::new();
    let mut cur = BTreeSet::new();
    for line in out.split(|&b| b == b'\n') {
        if line.is_empty() {
            if cur.len() > 1 {
                groups.insert(std::mem::take(&mut cur));
            }
            cur.clear();
        } else {
            let p = Path::new(std::ffi::OsStr::from_bytes(line));
            let canon = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            cur.insert(canon.as_os_str().as_bytes().to_vec());
        }
    }
    groups
}

#[test]
fn hostile_names_in_every_format() {
    let f = Fake::new();
    let dir = a4("msg/file/2024-05");
    let bytes = content(2000, 9);
    let names: [&[u8]; 5] = [
        b"plain.txt",
        b"new\nline.txt",
        b"esc\x1b[31mred.txt",
        "报告 (1).txt".as_bytes(),
        b"bad\xff\xfe.txt",
    ];
    for n in names {
        let mut p = f.path(&dir).into_os_string().into_vec();
        p.push(b'/');
        p.extend_from_slice(n);
        let p = std::path::PathBuf::from(std::ffi::OsString::from_vec(p));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, &bytes).unwrap();
    }
    // Another group without a newline in it.
    f.file(&a4("msg/file/2024-05/a.txt"), &content(3000, 4))
        .file(&a4("msg/file/2024-05/b.txt"), &content(3000, 4));
    for format in ["table", "json", "csv"] {
        let (code, out, err) = dupes(&f, &[".", "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        assert!(!out.contains(&0x1b), "{format}: raw ESC");
        let text = String::from_utf8(out).unwrap_or_else(|_| panic!("{format}: not UTF-8"));
        assert!(text.contains("报告 (1).txt"), "{format}");
        assert!(
            text.contains("bad\\\\xff\\\\xfe.txt") || text.contains("bad\\xff\\xfe.txt"),
            "{format}"
        );
        assert!(
            text.contains("new\\\\x0aline.txt") || text.contains("new\\x0aline.txt"),
            "{format}"
        );
    }
    // fdupes: exact bytes, but a group with a newline in a name cannot be shown: left
    // out, said on stderr, exit 1.
    let (code, out, err) = dupes(&f, &[".", "--format", "fdupes"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("newline"), "{err}");
    let groups = fdupes_groups(&out);
    assert_eq!(groups.len(), 1, "{}", String::from_utf8_lossy(&out));
    assert!(!out.windows(3).any(|w| w == b"new"));
    // Without the newline name, the group shows with exact bytes (ESC, invalid UTF-8).
    std::fs::remove_file(f.path(&format!("{dir}/new\nline.txt"))).unwrap();
    let (code, out, err) = dupes(&f, &[".", "--format", "fdupes"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.windows(4).any(|w| w == b"\x1b[31"));
    assert!(out.windows(2).any(|w| w == b"\xff\xfe"));
    assert_eq!(fdupes_groups(&out).len(), 2);
}

#[test]
fn redact_hides_every_identifier() {
    let f = planted_dupes();
    let secrets = [
        ACCT4,
        ACCT3,
        CHAT,
        CHAT2,
        MD5_A,
        MD5_B,
        "report",
        "wxid_test01",
    ];
    let root = f.root().to_str().unwrap().to_string();
    for format in ["table", "json", "csv", "fdupes"] {
        let (code, out, err) = dupes(&f, &[".", "--redact", "--format", format]);
        assert_eq!(code, 0, "{format}: {err}");
        let text = String::from_utf8(out).unwrap();
        for s in secrets.iter().chain([&root.as_str()]) {
            assert!(!text.contains(s), "{format} shows {s}:\n{text}");
        }
    }
    let r = dupes_json(&f, &[".", "--redact"]);
    assert!(r["groups"][0]["hash"].is_null());
    assert_eq!(r["totals"]["groups"], 3);
}

#[test]
fn nothing_is_written_under_the_tree() {
    let f = planted_dupes();
    let before = tree_listing(f.root());
    let out = tempfile::tempdir().unwrap();
    for format in ["table", "json", "csv", "fdupes"] {
        let file = out.path().join(format!("r.{format}"));
        let (code, _, err) = dupes(&f, &[".", "--format", format, "-o", file.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(file.is_file());
    }
    assert_eq!(tree_listing(f.root()), before);
}

/// Every entry under `root` with its size and mtime.
fn tree_listing(root: &Path) -> Vec<(std::path::PathBuf, u64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let mut v: Vec<_> = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.path().to_path_buf(), m.len(), m.mtime_nsec())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn unreadable_files_are_issues() {
    use std::os::unix::fs::PermissionsExt;
    if is_root() {
        eprintln!("running as root: permissions do not apply; skipping");
        return;
    }
    let f = planted_dupes();
    let p = f.path(&img(CHAT2, MD5_A));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = dupes_json(&f, &["."]);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(r["totals"]["groups"], 2);
    assert_eq!(r["issues"].as_array().unwrap().len(), 1, "{}", r["issues"]);
    let (code, _, _) = dupes(&f, &["."]);
    assert_eq!(code, 0);
}

/// `scan`'s figures that need no read: hard-linked bytes, md5 names in other chats, and
/// the 3.x/4.x overlap of one account, per category, account and chat.
#[test]
fn scan_counts_same_bytes_without_reading() {
    let f = planted_dupes();
    // A 4.x account whose wxid's md5 names the 3.x account (ACCT3 = md5 of it).
    let moved = "wxid_ck85xup8b1bj21_1a2b";
    let v4 = |rest: &str| format!("{XF}/{moved}/{rest}");
    f.file(&v4("msg/file/2024-06/plan.xlsx"), &content(4000, 7))
        .file(
            &a3(&format!("Message/MessageTemp/{CHAT}/File/plan.xlsx")),
            &content(4000, 7),
        )
        // Same name, other size: not the same file.
        .file(&v4("msg/file/2024-06/memo.txt"), &content(100, 8))
        .file(
            &a3(&format!("Message/MessageTemp/{CHAT}/File/memo.txt")),
            &content(101, 8),
        );
    let r = f.scan_json("", &[]);
    let h = &r["dupe_hints"];
    assert_eq!(h["complete"], true);
    let t = &h["totals"];
    assert_eq!(
        (t["linked_inodes"].as_u64(), t["linked_bytes"].as_u64()),
        (Some(1), Some(7000))
    );
    assert_eq!(
        (
            t["md5_repeat_files"].as_u64(),
            t["md5_repeat_bytes"].as_u64()
        ),
        (Some(1), Some(5000))
    );
    assert_eq!(
        (t["overlap_files"].as_u64(), t["overlap_bytes"].as_u64()),
        (Some(1), Some(4000))
    );
    let row = |list: &str, key: &str, id: &str| {
        h[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x[key] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {list} row {id}: {h}"))
    };
    assert_eq!(row("categories", "id", "chat-images")["linked_bytes"], 7000);
    assert_eq!(
        row("categories", "id", "chat-images")["md5_repeat_bytes"],
        5000
    );
    assert_eq!(row("categories", "id", "chat-files")["overlap_bytes"], 4000);
    assert_eq!(row("accounts", "id", ACCT4)["linked_bytes"], 7000);
    // The 3.x folder is the 4.x account's (md5 of its wxid): one row, as in `accounts`.
    assert_eq!(row("accounts", "id", moved)["overlap_bytes"], 4000);
    assert!(
        h["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["id"] != ACCT3),
        "{h}"
    );
    // The link is in both chats; the repeated md5 counts in the chat that sorts second.
    assert_eq!(row("chats", "chat", CHAT)["linked_bytes"], 7000);
    assert_eq!(row("chats", "chat", CHAT2)["linked_bytes"], 7000);
    assert_eq!(row("chats", "chat", CHAT)["md5_repeat_bytes"], 5000);
    assert_eq!(row("chats", "chat", CHAT2)["md5_repeat_bytes"], 0);
    // The same at one thread (each worker's records merge the same way).
    let one = f.scan_json("", &["--threads", "1"]);
    assert_eq!(one["dupe_hints"], r["dupe_hints"]);
    // The first screen names them, as an estimate by name and size planned by --dupes.
    let f_dup = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "duplicates")
        .cloned()
        .unwrap_or_else(|| panic!("no duplicates finding: {}", r["findings"]));
    assert_eq!(f_dup["bytes"], 5000 + 4000);
    assert_eq!(f_dup["tier"], "confirm");
    assert_eq!(f_dup["plan"], "wechat-inspect plan --dupes");
    assert_report_schema(&r);
    // `dupes` places both copies in the one account too.
    let out = f
        .cmd()
        .args(["dupes", ".", "--format", "json"])
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let copies: Vec<&serde_json::Value> = d["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["files"].as_array().unwrap())
        .filter(|p| p["path"].as_str().unwrap().ends_with("plan.xlsx"))
        .collect();
    assert_eq!(copies.len(), 2, "{d}");
    assert!(copies.iter().all(|p| p["account"] == moved), "{d}");
    // No byte read for them: the table says where to compare content.
    let out = f.cmd().args(["scan", "."]).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("SAME BYTES, SEEN WITHOUT READING"),
        "{table}"
    );
}
