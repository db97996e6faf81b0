//! Chats and accounts across WeChat versions, named without a key (issue 16): one row
//! per account and per chat on a Mac where an account moved from 3.x to 4.x, system
//! chat labels, `--names`, the files and videos no chat can be given, accounts seen.

use crate::util::*;
use serde_json::Value;
use std::time::Duration;

fn account<'a>(r: &'a Value, id: &str) -> Option<&'a Value> {
    r["accounts"].as_array()?.iter().find(|a| a["id"] == id)
}

fn chat<'a>(r: &'a Value, account: &str, chat: &str) -> &'a Value {
    r["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["account"] == account && c["chat"] == chat)
        .unwrap_or_else(|| panic!("no chat {account}/{chat}"))
}

/// (files, apparent bytes) of a `Size` object.
fn size(v: &Value) -> (u64, u64) {
    (
        v["files"].as_u64().unwrap(),
        v["apparent_bytes"].as_u64().unwrap(),
    )
}

fn sum(files: &[(String, usize)]) -> (u64, u64) {
    (
        files.len() as u64,
        files.iter().map(|(_, n)| *n as u64).sum(),
    )
}

#[test]
fn the_moved_account_is_one_row_with_its_alias_and_bytes_per_layout() {
    let f = moved_mac();
    let r = f.scan_json("", &[]);
    let (v3, v4) = moved_files();
    let a3 = md5_hex(MOVED_WXID);
    let a = account(&r, MOVED_V4).expect("the 4.x row");
    assert!(
        account(&r, &a3).is_none(),
        "the 3.x folder is not a row of its own"
    );
    assert_eq!(a["aliases"], serde_json::json!([a3]));
    assert_eq!(a["layout"], "wechat4");
    assert_eq!(size(&a["by_layout"]["wechat3"]), sum(&v3));
    assert_eq!(size(&a["by_layout"]["wechat4"]), sum(&v4));
    let (f3, b3) = sum(&v3);
    let (f4, b4) = sum(&v4);
    assert_eq!(size(a), (f3 + f4, b3 + b4));
    assert_eq!(a["chats"], 3);
    assert!(a["note"].is_null());
    // Every section's account ids follow the merged row.
    for section in ["largest", "databases"] {
        for row in r[section].as_array().unwrap() {
            assert_ne!(row["account"], a3.as_str(), "{section}: {row}");
        }
    }
    assert!(r["databases"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["account"] == MOVED_V4 && d["path"].as_str().unwrap().contains(&a3)));
}

#[test]
fn each_chat_is_one_row_with_exact_bytes_per_version() {
    let f = moved_mac();
    let r = f.scan_json("", &[]);
    let rows: Vec<&Value> = r["chats"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["account"] == MOVED_V4)
        .collect();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for (user, b3, b4) in [
        ("filehelper", 1000, 100),
        (FRIEND, 2000, 200),
        (GROUP, 3000, 300),
    ] {
        let c = chat(&r, MOVED_V4, &md5_hex(user));
        assert_eq!(size(&c["by_layout"]["wechat3"]), (1, b3), "{user}");
        assert_eq!(size(&c["by_layout"]["wechat4"]), (1, b4), "{user}");
        assert_eq!(size(c), (2, b3 + b4), "{user}");
    }
    let fh = chat(&r, MOVED_V4, &md5_hex("filehelper"));
    assert_eq!(fh["label"], "File Transfer");
    assert_eq!(fh["label_source"], "system");
    assert_eq!(fh["kind"], "system");
    assert_eq!(fh["first_month"], "2023-01");
    assert_eq!(fh["last_month"], "2024-05");
    assert_eq!(fh["categories"]["chat-images"], 1100);
    let friend = chat(&r, MOVED_V4, &md5_hex(FRIEND));
    assert!(friend["label"].is_null() && friend["kind"].is_null());
    assert_eq!(friend["first_month"], "2024-05");
    assert_eq!(friend["last_month"], "2024-06");
    // The other 3.x folder's File Transfer stays its own (unlinked) account's chat.
    let other3 = md5_hex("someone_else");
    let c = chat(&r, &other3, &md5_hex("filehelper"));
    assert_eq!(c["label"], "File Transfer");
    assert_eq!(size(&c["by_layout"]["wechat3"]), (1, 70));
}

#[test]
fn unattributed_files_and_videos_are_exact_and_said_plainly() {
    let f = moved_mac();
    let r = f.scan_json("", &[]);
    let u = r["unattributed"].as_array().unwrap();
    assert_eq!(u.len(), 1, "{u:#?}");
    assert_eq!(u[0]["account"], MOVED_V4);
    assert_eq!(size(&u[0]), (2, 35000));
    assert_eq!(u[0]["categories"]["chat-files"], 15000);
    assert_eq!(u[0]["categories"]["chat-videos"], 20000);
    assert_eq!(
        u[0]["label"],
        "files and videos not attributable to a chat without the key"
    );
    let table = String::from_utf8(
        f.cmd()
            .arg("scan")
            .arg(f.root())
            .args(["--color", "never"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(table.contains("files and videos not attributable to a chat without the key"));
    assert!(table.contains("File Transfer"), "{table}");
    assert!(table.contains("also 3.x folder"), "{table}");
    let html = String::from_utf8(
        f.cmd()
            .arg("scan")
            .arg(f.root())
            .args(["--format", "html"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let treemap =
        &html[html.find("id=\"treemap\"").unwrap()..html.find("id=\"age\"").unwrap_or(html.len())];
    assert!(treemap.contains("not attributable to a chat without the key"));
    assert!(!html.contains("not in a chat"));
    let csv = String::from_utf8(
        f.cmd()
            .arg("scan")
            .arg(f.root())
            .args(["--format", "csv"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(csv.contains(&format!(
        "unattributed,{MOVED_V4},files and videos not attributable to a chat without the key,2,35000,"
    )));
    assert!(csv.contains(&format!(
        "chat,{MOVED_V4}/{},File Transfer,2,1100,",
        md5_hex("filehelper")
    )));
}

#[test]
fn an_unmatched_4x_account_gets_a_note_and_logins_are_listed() {
    let f = moved_mac();
    let r = f.scan_json("", &[]);
    let other = account(&r, OTHER_V4).unwrap();
    assert!(other["aliases"].as_array().unwrap().is_empty());
    assert!(other["note"]
        .as_str()
        .unwrap()
        .contains("a custom WeChat ID can differ"));
    // The unlinked 3.x folder is a row of its own, without a note.
    let other3 = account(&r, &md5_hex("someone_else")).unwrap();
    assert!(other3["note"].is_null());
    assert_eq!(
        r["accounts_seen"],
        serde_json::json!([
            {"id": "wxid_gone0003", "account": null, "label": null},
            {"id": MOVED_WXID, "account": MOVED_V4, "label": null},
        ])
    );
    // No 3.x folder at all: no note.
    let g = Fake::new();
    g.sized(&a4("msg/attach/c1/2024-05/Img/a.dat"), 10);
    let r = g.scan_json("", &[]);
    assert!(account(&r, ACCT4).unwrap()["note"].is_null());
}

#[test]
fn a_names_file_labels_the_friend_the_group_and_the_account() {
    let f = moved_mac();
    f.file(
        "names.txt",
        format!("# mine\n{FRIEND}\tAlice Friend\n{GROUP}\n{MOVED_WXID}\tMe\nfilehelper\tNotes to self\n").as_bytes(),
    );
    let names = f.path("names.txt");
    let names = names.to_str().unwrap();
    let r = f.scan_json("Data", &["--names", names]);
    let friend = chat(&r, MOVED_V4, &md5_hex(FRIEND));
    assert_eq!(friend["label"], "Alice Friend");
    assert_eq!(friend["label_source"], "names-file");
    assert_eq!(friend["kind"], "person");
    let group = chat(&r, MOVED_V4, &md5_hex(GROUP));
    assert_eq!(group["label"], GROUP);
    assert_eq!(group["kind"], "group");
    // A names line wins over the system table.
    let fh = chat(&r, MOVED_V4, &md5_hex("filehelper"));
    assert_eq!(fh["label"], "Notes to self");
    assert_eq!(fh["kind"], "system");
    assert_eq!(account(&r, MOVED_V4).unwrap()["label"], "Me");
    assert_eq!(r["accounts_seen"][1]["label"], "Me");

    // --redact wins: no label from the file survives in any format; system labels do.
    for format in ["json", "table", "csv", "html"] {
        let out = f
            .cmd()
            .arg("scan")
            .arg(f.path("Data"))
            .args(["--names", names, "--redact", "--format", format])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for secret in ["Alice Friend", "Notes to self", GROUP, FRIEND, MOVED_WXID] {
            assert!(!text.contains(secret), "{format} leaks {secret}");
        }
    }
    let r = f.scan_json("Data", &["--names", names, "--redact"]);
    let labels: Vec<&Value> = r["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["label"])
        .filter(|l| !l.is_null())
        .collect();
    // Both File Transfer chats (named by the file) are File Transfer again.
    let ft = Value::from("File Transfer");
    assert_eq!(labels, [&ft, &ft], "{:#?}", r["chats"]);
    assert!(r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["label"].is_null()
            && a["aliases"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x.as_str().unwrap().starts_with("account-"))));
    assert!(r["accounts_seen"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["id"].as_str().unwrap().starts_with("user-") && s["label"].is_null()));
}

/// `scan --names FILE`: (exit code, stdout, stderr), with a deadline.
fn scan_with_names(f: &Fake, names: &std::path::Path, format: &str) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    cmd.current_dir(f.root())
        .env("HOME", f.root())
        .arg("scan")
        .arg(f.path("Data"))
        .args(["--quiet", "--color", "never", "--format", format, "--names"])
        .arg(names);
    let out = run_with_timeout(&mut cmd, Duration::from_secs(60));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn hostile_names_files_are_refused_or_escaped() {
    let f = moved_mac();
    // Too large: refused before the scan, with a sentence.
    let big = f.path("big.txt");
    std::fs::write(&big, vec![b'a'; 8 * 1024 * 1024 + 1]).unwrap();
    let (code, out, err) = scan_with_names(&f, &big, "json");
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("larger than 8 MiB"), "{err}");
    // Binary: the line is named.
    let bin = f.path("bin.txt");
    std::fs::write(&bin, b"filehelper\n\xff\xfe\x00\x01\n").unwrap();
    let (code, _, err) = scan_with_names(&f, &bin, "json");
    assert_eq!(code, 2);
    assert!(err.contains("line 2: not UTF-8 text"), "{err}");
    assert!(
        !err.contains("Error {") && !err.contains("Utf8Error"),
        "{err}"
    );
    // A folder or a FIFO is not read (no hang).
    let (code, _, err) = scan_with_names(&f, f.root(), "json");
    assert_eq!(code, 2);
    assert!(err.contains("not a regular file"), "{err}");
    let fifo = f.path("fifo");
    if std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let (code, _, err) = scan_with_names(&f, &fifo, "json");
        assert_eq!(code, 2);
        assert!(err.contains("not a regular file"), "{err}");
    }
    // CRLF, duplicates (the first wins) and an escape sequence in a label.
    let odd = f.path("odd.txt");
    std::fs::write(
        &odd,
        format!("{FRIEND}\tA\x1b[2J\x1b]0;pwned\x07lice\r\n{FRIEND}\tSecond\r\n").as_bytes(),
    )
    .unwrap();
    let (_, json, err) = scan_with_names(&f, &odd, "json");
    let r: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {err}"));
    let label = chat(&r, MOVED_V4, &md5_hex(FRIEND))["label"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(label, "A\\x1b[2J\\x1b]0;pwned\\x07lice");
    for format in ["table", "csv", "html"] {
        let (_, text, _) = scan_with_names(&f, &odd, format);
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{format}");
        assert!(!text.contains("Second"), "{format}");
    }
}

#[test]
fn diff_names_chats_by_label() {
    let f = moved_mac();
    let old = f.path("old.json");
    let new = f.path("new.json");
    let save = |to: &std::path::Path| {
        let out = f
            .cmd()
            .arg("scan")
            .arg(f.path("Data"))
            .args(["--format", "json", "-o"])
            .arg(to)
            .output()
            .unwrap();
        assert!(to.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    save(&old);
    f.sized(
        &format!(
            "{XF}/{MOVED_V4}/msg/attach/{}/2024-05/Img/more.dat",
            md5_hex("filehelper")
        ),
        5000,
    );
    save(&new);
    let out = f
        .cmd()
        .args(["diff", "--format", "json"])
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &d["chats"][0];
    assert_eq!(c["key"], format!("{MOVED_V4}/{}", md5_hex("filehelper")));
    assert_eq!(c["label"], "File Transfer");
    assert_eq!(c["delta_bytes"], 5000);
    let table = f.cmd().arg("diff").arg(&old).arg(&new).output().unwrap();
    assert!(String::from_utf8(table.stdout)
        .unwrap()
        .contains("File Transfer · "));
}
