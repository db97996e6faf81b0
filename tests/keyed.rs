//! `--key-file` (issue 17): databases made by real SQLCipher (3.x by the `sqlcipher`
//! shell, 4.x by `sqlcipher3`; `tests/fixtures/sqlcipher/make.py`) placed in a fake
//! container and read with the owner's key: every count equals SQLCipher's own, each
//! database says `key: ok | mismatch | none`, a page whose HMAC fails is an issue, the
//! key file is refused when it is not private, and no key is ever printed.

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(300);
const ACCT3_FIXTURE: &str = "28f7f31a3bcaaa582a0c50630664685a";
const WXID_FIXTURE: &str = "wxid_synthowner_a1b2";

/// The fixture folder, built once per script version under `target/` (shared with
/// the unit tests in `src/readers/sqlite/pagereport/tests.rs`); `None` when SQLCipher
/// is not installed here, which fails under `CI=true`.
fn fixtures() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(build_fixtures).as_deref()
}

fn build_fixtures() -> Option<PathBuf> {
    use sha2::{Digest, Sha256};
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sqlcipher/make.py");
    let hash = Sha256::digest(fs::read(&script).unwrap());
    let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap().to_path_buf();
    let root = target.join("sqlcipher-fixtures").join(&hex);
    if root.join("expected.json").is_file() {
        return Some(root);
    }
    let python = Command::new("python3")
        .args(["-c", "import sqlcipher3"])
        .output();
    let shell = Command::new("sqlcipher").arg("-version").output();
    let missing = match (python, shell) {
        (Ok(p), Ok(s)) if p.status.success() && s.status.success() => None,
        (Ok(p), _) if !p.status.success() => {
            Some("python3 cannot import sqlcipher3 (pip install sqlcipher3-binary)")
        }
        (Err(_), _) => Some("python3 is not installed"),
        _ => Some("the sqlcipher shell is not installed (apt-get install sqlcipher)"),
    };
    if let Some(why) = missing {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "SQLCipher fixtures cannot be built: {why}"
        );
        eprintln!("skipping the --key-file tests: {why}");
        return None;
    }
    let tmp = target
        .join("sqlcipher-fixtures")
        .join(format!("{hex}.tmp{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let out = Command::new("python3")
        .arg(&script)
        .arg(&tmp)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "make.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if fs::rename(&tmp, &root).is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    Some(root)
}

fn expected(root: &Path) -> serde_json::Map<String, Value> {
    let v: Value = serde_json::from_slice(&fs::read(root.join("expected.json")).unwrap()).unwrap();
    v["files"].as_object().unwrap().clone()
}

/// Where each fixture file goes in the fake container.
fn place(rel: &str) -> String {
    if let Some(rest) = rel.strip_prefix(&format!("wechat3/{ACCT3_FIXTURE}/")) {
        format!("{V3}/{ACCT3_FIXTURE}/{rest}")
    } else if let Some(rest) = rel.strip_prefix("wechat4/") {
        format!("{XF}/{rest}")
    } else if rel == "cases/other_key/message_0.db" {
        format!("{XF}/wxid_otherowner_c3d4/db_storage/message/message_0.db")
    } else if rel == "cases/truncated/message_9.db" {
        format!("{XF}/{WXID_FIXTURE}/db_storage/message/message_9.db")
    } else if rel == "cases/truncated/msg_9_v3.db" {
        format!("{V3}/{ACCT3_FIXTURE}/Message/msg_9.db")
    } else {
        panic!("unplaced fixture {rel}")
    }
}

/// A container holding every fixture database (with its `-wal`), and the two key
/// files (0600) outside it.
struct Keyed {
    tree: Fake,
    keys: tempfile::TempDir,
    expected: serde_json::Map<String, Value>,
}

impl Keyed {
    fn new(root: &Path) -> Keyed {
        let tree = Fake::new();
        let expected = expected(root);
        for rel in expected.keys() {
            for side in ["", "-wal"] {
                let src = root.join(format!("{rel}{side}"));
                if src.exists() {
                    let to = tree.path(&format!("{}{side}", place(rel)));
                    fs::create_dir_all(to.parent().unwrap()).unwrap();
                    fs::copy(&src, &to).unwrap();
                }
            }
        }
        let keys = tempfile::tempdir().unwrap();
        for k in ["key.hex", "all_keys.json"] {
            fs::copy(root.join(k), keys.path().join(k)).unwrap();
            chmod(&keys.path().join(k), 0o600);
        }
        Keyed {
            tree,
            keys,
            expected,
        }
    }

    /// What SQLCipher said of each container file (not the odd cases), with its layout.
    fn by_layout(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.expected
            .iter()
            .filter(|(rel, _)| !rel.starts_with("cases/"))
            .map(|(rel, e)| {
                let layout = if rel.starts_with("wechat3/") {
                    "wechat3"
                } else {
                    "wechat4"
                };
                (layout, e)
            })
    }

    fn key(&self, name: &str) -> PathBuf {
        self.keys.path().join(name)
    }

    /// `args… PATH` as it prints (the format is up to `args`): standard output.
    fn output(&self, args: &[&str]) -> String {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
        cmd.args(args)
            .arg(self.tree.root())
            .env("HOME", self.tree.root());
        let out = run_with_timeout(&mut cmd, LIMIT);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `args… --format json`: (exit code, report, stdout + stderr as text).
    fn run(&self, args: &[&str]) -> (Option<i32>, Value, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
        cmd.args(args)
            .arg(self.tree.root())
            .args(["--format", "json"])
            .env("HOME", self.tree.root());
        let out = run_with_timeout(&mut cmd, LIMIT);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let r = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.code(), r, text)
    }
}

fn db<'a>(r: &'a Value, rel: &str) -> &'a Value {
    r["databases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == rel)
        .unwrap_or_else(|| panic!("{rel} not listed"))
}

fn validate(report: &Value) {
    assert_report_schema(report);
}

/// Every secret the key files hold, in both cases: none may ever be printed.
fn secrets(root: &Path) -> Vec<String> {
    let mut out = vec![fs::read_to_string(root.join("key.hex"))
        .unwrap()
        .trim()
        .to_string()];
    let map: Value =
        serde_json::from_slice(&fs::read(root.join("all_keys.json")).unwrap()).unwrap();
    for (_, v) in map.as_object().unwrap() {
        if let Some(k) = v.get("enc_key").and_then(Value::as_str) {
            out.push(k.to_string());
        }
    }
    let upper: Vec<String> = out.iter().map(|s| s.to_uppercase()).collect();
    out.extend(upper);
    // Any 16 hex digits of a key would be a leak too.
    out.iter()
        .flat_map(|k| [k[..16].to_string(), k[k.len() - 16..].to_string()])
        .collect()
}

/// Our figures equal what SQLCipher says on the same bytes.
fn assert_counts(d: &Value, e: &Value, rel: &str) {
    assert_eq!(d["page_count"], e["page_count"], "{rel}");
    assert_eq!(d["freelist_pages"], e["freelist_count"], "{rel}");
    let ours: BTreeMap<&str, &Value> = d["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["name"].as_str().unwrap(), &t["rows"]))
        .collect();
    for (name, rows) in e["tables"].as_object().unwrap() {
        assert_eq!(ours.get(name.as_str()), Some(&rows), "{rel}: {name}");
    }
}

#[test]
fn per_database_keys_open_every_4x_file_and_counts_equal_sqlciphers() {
    let Some(root) = fixtures() else { return };
    let k = Keyed::new(root);
    let (code, r, text) = k.run(&[
        "dbs",
        "--key-file",
        k.key("all_keys.json").to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{text}");
    for (rel, e) in &k.expected {
        let d = db(&r, &place(rel));
        if e.get("truncated").is_some() {
            // Cut inside a page and no key for it: it may be anything.
            assert_eq!(
                (&d["format"], &d["key"]),
                (&Value::from("unknown"), &Value::Null)
            );
            continue;
        }
        assert_eq!(d["format"], "sqlcipher", "{rel}");
        assert_eq!(d["encrypted"], true, "{rel}");
        if rel.starts_with("wechat4/") {
            assert_eq!(d["key"], "ok", "{rel}");
            assert_eq!(d["cipher_profile"], "wechat4-database-key", "{rel}");
            assert_counts(d, e, rel);
            assert!(d["rows_skipped"].is_null(), "{d:#}");
        } else {
            // 3.x files and the other owner's file: no key in the map applies.
            assert_eq!(d["key"], "none", "{rel}");
            assert!(d["tables"].is_null() && d["cipher_profile"].is_null());
        }
    }
    for s in secrets(root) {
        assert!(!text.contains(&s), "a key was printed");
    }
}

#[test]
fn the_account_key_opens_3x_and_4x_and_a_wrong_key_is_a_clean_mismatch() {
    let Some(root) = fixtures() else { return };
    let k = Keyed::new(root);
    let key = k.key("key.hex");
    let (code, r, text) = k.run(&["scan", "--key-file", key.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{text}");
    validate(&r);
    for (rel, e) in &k.expected {
        let d = db(&r, &place(rel));
        if rel == "cases/other_key/message_0.db" {
            assert_eq!(d["key"], "mismatch");
            assert!(d["tables"].is_null() && d["page_size"] == 4096, "{d:#}");
            assert_eq!(d["rows_skipped"], "encrypted: the key does not open it");
            continue;
        }
        assert_eq!(d["key"], "ok", "{rel}");
        assert_eq!(d["cipher_profile"], e["profile"], "{rel}");
        if e.get("truncated").is_none() {
            assert_counts(d, e, rel);
        }
    }
    // A truncated last page is an issue: the file ends inside it and its HMAC fails.
    let issues: Vec<(String, String)> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().into(),
                i["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    for rel in [
        "cases/truncated/message_9.db",
        "cases/truncated/msg_9_v3.db",
    ] {
        let mine: Vec<&String> = issues
            .iter()
            .filter(|(p, _)| *p == place(rel))
            .map(|(_, m)| m)
            .collect();
        assert!(
            mine.iter().any(|m| m.contains("ends inside page")),
            "{rel}: {mine:?}"
        );
        assert!(mine.iter().any(|m| m.contains("HMAC")), "{rel}: {mine:?}");
    }
    // Only those two files have issues.
    assert!(
        issues
            .iter()
            .all(|(p, _)| p.ends_with("message_9.db") || p.ends_with("msg_9.db")),
        "{issues:?}"
    );
    // The table view says what the key did.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    cmd.args(["dbs", "--key-file"]).arg(&key).arg(k.tree.root());
    let out = run_with_timeout(&mut cmd, LIMIT);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("encrypted, key ok"), "{table}");
    assert!(table.contains("encrypted, key mismatch"), "{table}");
    for s in secrets(root) {
        assert!(
            !text.contains(&s) && !table.contains(&s),
            "a key was printed"
        );
    }
}

#[test]
fn all_pages_gives_pages_per_table_and_checks_every_hmac() {
    let Some(root) = fixtures() else { return };
    let k = Keyed::new(root);
    let keys = k.key("all_keys.json");
    let (_, counted, _) = k.run(&["dbs", "--key-file", keys.to_str().unwrap()]);
    let (_, quick, _) = k.run(&["scan", "--key-file", keys.to_str().unwrap()]);
    let (_, full, _) = k.run(&["scan", "--all-pages", "--key-file", keys.to_str().unwrap()]);
    validate(&full);
    let rel = format!("{XF}/{WXID_FIXTURE}/db_storage/message/message_0.db");
    // `dbs` counts rows alone (what count(*) reads): no pages, no message times.
    assert!(db(&counted, &rel)["tables"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["pages"].is_null()));
    let (q, f) = (db(&quick, &rel), db(&full, &rel));
    // A scan's rows mode leaves pages unknown but for message tables (counted from
    // interior pages and cell sizes: the same figure); every page: known, and
    // the same rows.
    for (a, b) in q["tables"]
        .as_array()
        .unwrap()
        .iter()
        .zip(f["tables"].as_array().unwrap())
    {
        if a["name"].as_str().unwrap().starts_with("Msg_") {
            assert_eq!(a["pages"], b["pages"], "{a}");
            assert!(a["pages"].as_u64().is_some(), "{a}");
        } else {
            assert!(a["pages"].is_null(), "{a}");
        }
    }
    let mut pages = 0;
    for (a, b) in q["tables"]
        .as_array()
        .unwrap()
        .iter()
        .zip(f["tables"].as_array().unwrap())
    {
        assert_eq!((&a["name"], &a["rows"]), (&b["name"], &b["rows"]));
        pages += b["pages"].as_u64().unwrap_or_else(|| panic!("{b}"));
    }
    // Every page is a table's, an index's, the schema's or free.
    let total = f["page_count"].as_u64().unwrap();
    let free = f["freelist_pages"].as_u64().unwrap();
    assert!(
        pages + free < total && pages + free + 8 >= total,
        "{pages} + {free} vs {total}"
    );
    assert_eq!(f["freelist_pages"], q["freelist_pages"]);
}

#[test]
fn the_key_file_is_refused_before_any_work_when_not_private() {
    let Some(root) = fixtures() else { return };
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.hex");
    fs::copy(root.join("key.hex"), &key).unwrap();
    let secret = fs::read_to_string(&key).unwrap().trim().to_string();
    let tree = Fake::new();
    tree.sized(&a4("db_storage/message/message_0.db"), 4096);
    let run = |args: &[&str], key: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
        cmd.args(args).arg("--key-file").arg(key).arg(tree.root());
        run_with_timeout(&mut cmd, LIMIT)
    };
    let refused = |out: &std::process::Output, words: &str| {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(out.stdout.is_empty());
        assert!(err.contains(words), "{err}");
        assert!(err.contains("the key file"), "{err}");
        assert!(!err.contains(&secret) && !err.contains("os error"), "{err}");
        assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    };
    for mode in [0o644, 0o640, 0o604, 0o660] {
        fs::set_permissions(&key, fs::Permissions::from_mode(mode)).unwrap();
        for cmd in ["scan", "dbs"] {
            refused(&run(&[cmd], &key), "chmod 600");
        }
    }
    fs::set_permissions(&key, fs::Permissions::from_mode(0o600)).unwrap();
    let link = dir.path().join("link.hex");
    std::os::unix::fs::symlink(&key, &link).unwrap();
    refused(&run(&["dbs"], &link), "symbolic link");
    refused(
        &run(&["dbs"], &dir.path().join("missing.hex")),
        "cannot be read",
    );
    let junk = dir.path().join("junk-key.hex");
    fs::write(&junk, "not a key, but a secret: hunter2").unwrap();
    chmod(&junk, 0o600);
    let out = run(&["dbs"], &junk);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("neither a 64-digit hex key") && !err.contains("hunter2"),
        "{err}"
    );
    // A key is never taken on the command line, and `plists` takes no key.
    for args in [
        vec!["dbs", "--key", &secret],
        vec!["scan", "--key-hex", &secret],
        vec!["plists", "--key-file", key.to_str().unwrap()],
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
        cmd.args(&args).arg(tree.root());
        let out = run_with_timeout(&mut cmd, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // A private key file works (the tree has no SQLCipher file, so no key applies).
    let out = run(&["dbs", "--format", "json"], &key);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
}

/// The fixture people and what the report must call them (remark, else nickname,
/// else alias, else username; database strings escaped).
const NAMED: &[(&str, &str, &str)] = &[
    ("wxid_synth0001", "Remark One", "person"),
    ("wxid_synth0002", "Synthetic Person Two", "person"),
    ("wxid_synth0003", "alias_three", "person"),
    ("synth_custom_id", "Custom Id Person", "person"),
    (
        "wxid_synthhostile",
        "Evil\\x1b[31mRed\\x0aLine\\xe2\\x80\\xaeRTL 中文 😀",
        "person",
    ),
    ("1234500001@chatroom", "Synthetic Group A", "group"),
    ("1234500002@chatroom", "Synthetic Group B", "group"),
    ("gh_synthnews", "Synthetic News", "official"),
];

/// A container of the fixtures without the two truncated shards (their counts are
/// partial by design).
fn whole_fixtures(root: &Path) -> Keyed {
    let k = Keyed::new(root);
    for rel in [
        "cases/truncated/message_9.db",
        "cases/truncated/msg_9_v3.db",
    ] {
        fs::remove_file(k.tree.path(&place(rel))).unwrap();
    }
    k
}

fn chat<'a>(r: &'a Value, username: &str) -> &'a Value {
    let h = md5_hex(username);
    r["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["chat"].as_str().unwrap().eq_ignore_ascii_case(&h))
        .unwrap_or_else(|| panic!("no chat row for {username}"))
}

#[test]
fn the_key_names_every_chat_and_counts_its_messages_per_layout_as_sqlcipher_does() {
    let Some(root) = fixtures() else { return };
    let k = whole_fixtures(root);
    let key = k.key("key.hex");
    let (code, r, text) = k.run(&["scan", "--all-pages", "--key-file", key.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");
    validate(&r);
    // What SQLCipher counted, per chat md5 and layout, over every shard of a layout.
    let mut want: BTreeMap<(String, &str), u64> = BTreeMap::new();
    for (layout, e) in k.by_layout() {
        for (t, rows) in e["tables"].as_object().unwrap() {
            let h = t.strip_prefix("Chat_").or_else(|| t.strip_prefix("Msg_"));
            if let Some(h) = h.filter(|h| h.len() == 32) {
                *want.entry((h.to_string(), layout)).or_default() += rows.as_u64().unwrap();
            }
        }
    }
    assert!(want.len() >= 10, "{want:?}");
    let chats = r["chats"].as_array().unwrap();
    for ((h, layout), n) in &want {
        let c = chats
            .iter()
            .find(|c| c["chat"].as_str().unwrap().eq_ignore_ascii_case(h))
            .unwrap_or_else(|| panic!("no chat row for {h}"));
        assert_eq!(c["messages_by_layout"][layout], *n, "{h} {layout}: {c:#}");
        // Every page of its tables was walked: its share of the databases is known.
        assert!(c["db_bytes"].as_u64().unwrap() > 0, "{c:#}");
        // Chats only the databases know are rows with no media.
        assert_eq!(c["apparent_bytes"], 0);
    }
    // Names: contact > group > session, remark > nickname > alias > username.
    for (user, label, kind) in NAMED {
        let c = chat(&r, user);
        assert_eq!(c["label"], *label, "{user}");
        assert_eq!(c["label_source"], "key", "{user}");
        assert_eq!(c["kind"], *kind, "{user}");
    }
    // A system chat keeps its system label.
    let f = chat(&r, "filehelper");
    assert_eq!(
        (&f["label"], &f["label_source"]),
        (&Value::from("File Transfer"), &Value::from("system"))
    );
    // The hostile name reaches no terminal raw.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    cmd.args(["scan", "--key-file"])
        .arg(&key)
        .arg(k.tree.root());
    let out = run_with_timeout(&mut cmd, LIMIT);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("Remark One") && table.contains("msgs "),
        "{table}"
    );
    for bad in ['\x1b', '\u{202e}'] {
        assert!(!table.contains(bad), "raw control in the table");
    }
    // `plan --key-file` names the chats of what it would move.
    let h = md5_hex("wxid_synth0001");
    k.tree.sized(
        &format!(
            "{XF}/{WXID_FIXTURE}/msg/attach/{h}/2024-01/Img/{}.dat",
            md5_hex("img")
        ),
        5000,
    );
    let tiers = ["--tier", "safe,careful,confirm", "--chat", "wxid_synth0001"];
    let (_, plan, plan_text) =
        k.run(&[&["plan", "--key-file", key.to_str().unwrap()][..], &tiers].concat());
    let items = plan["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{plan_text}"));
    let mine: Vec<&Value> = items.iter().filter(|i| i["chat"] == h.as_str()).collect();
    assert!(!mine.is_empty(), "{plan:#}");
    assert!(
        mine.iter().all(|i| i["chat_label"] == "Remark One"),
        "{mine:#?}"
    );
    let (_, plain, _) = k.run(&[&["plan"][..], &tiers].concat());
    assert!(plain["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i.get("chat_label").is_none()));
    for s in secrets(root) {
        assert!(
            !text.contains(&s) && !table.contains(&s) && !plan_text.contains(&s),
            "a key was printed"
        );
    }
}

#[test]
fn a_wrong_key_names_nothing_and_redact_hides_every_name_and_username() {
    let Some(root) = fixtures() else { return };
    let k = whole_fixtures(root);
    // A wrong key: every database a clean mismatch, no label from a key, no counts.
    let wrong = k.keys.path().join("wrong.hex");
    fs::write(&wrong, format!("{}\n", "ab".repeat(32))).unwrap();
    chmod(&wrong, 0o600);
    let (_, r, text) = k.run(&["scan", "--key-file", wrong.to_str().unwrap()]);
    validate(&r);
    for d in r["databases"].as_array().unwrap() {
        if d["encrypted"] == true {
            assert_eq!(d["key"], "mismatch", "{d:#}");
        }
    }
    for c in r["chats"].as_array().unwrap() {
        assert_ne!(c["label_source"], "key", "{c:#}");
        assert!(c.get("messages_by_layout").is_none(), "{c:#}");
    }
    for (_, label, _) in NAMED {
        assert!(!text.contains(label), "{label}");
    }
    // --redact: no name and no username from the fixtures, in any format.
    let key = k.key("key.hex");
    for format in ["json", "table", "csv", "html"] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
        cmd.args(["scan", "--redact", "--format", format, "--key-file"])
            .arg(&key)
            .arg(k.tree.root());
        let out = run_with_timeout(&mut cmd, LIMIT);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.len() > 200, "{format}: {all}");
        for (user, label, _) in NAMED {
            for s in [*user, *label, &md5_hex(user)] {
                assert!(!all.contains(s), "{format}: {s} shown with --redact");
            }
        }
        for s in [
            "Synthetic Person",
            "Remark One",
            "alias_",
            "wxid_synth",
            "Evil",
        ] {
            assert!(!all.contains(s), "{format}: {s} shown with --redact");
        }
    }
}

/// `YYYY-MM` (UTC) of a Unix time.
fn utc_month(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m")
        .to_string()
}

#[test]
fn first_and_last_message_months_equal_sqlciphers_min_and_max() {
    let Some(root) = fixtures() else { return };
    let k = whole_fixtures(root);
    let key = k.key("key.hex");
    // Without --all-pages: 3.x ranges come from the msgCreateTime index's two
    // edges, 4.x (no index on create_time) from the table's leaves.
    let (code, r, text) = k.run(&["scan", "--key-file", key.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{text}");
    validate(&r);
    let mut want: BTreeMap<(String, &str), (i64, i64)> = BTreeMap::new();
    for (layout, e) in k.by_layout() {
        let Some(times) = e.get("times").and_then(Value::as_object) else {
            continue;
        };
        for (t, lohi) in times {
            let h = t.strip_prefix("Chat_").or_else(|| t.strip_prefix("Msg_"));
            let (lo, hi) = (lohi[0].as_i64().unwrap(), lohi[1].as_i64().unwrap());
            let w = want
                .entry((h.unwrap().to_string(), layout))
                .or_insert((lo, hi));
            *w = (w.0.min(lo), w.1.max(hi));
        }
    }
    assert!(
        want.keys().any(|k| k.1 == "wechat3") && want.keys().any(|k| k.1 == "wechat4"),
        "{want:?}"
    );
    let chats = r["chats"].as_array().unwrap();
    for ((h, layout), (lo, hi)) in &want {
        let c = chats
            .iter()
            .find(|c| c["chat"].as_str().unwrap().eq_ignore_ascii_case(h))
            .unwrap_or_else(|| panic!("no chat row for {h}"));
        let m = &c["message_months_by_layout"][layout];
        assert_eq!(m["first"], utc_month(*lo).as_str(), "{h} {layout}: {c:#}");
        assert_eq!(m["last"], utc_month(*hi).as_str(), "{h} {layout}: {c:#}");
    }
    // Chats without messages have none.
    for c in chats {
        if c.get("messages_by_layout").is_none() {
            assert!(c.get("message_months_by_layout").is_none(), "{c:#}");
        }
    }
    // A CSV row per chat and layout.
    let ((h, layout), (lo, hi)) = want.iter().next().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    cmd.args(["scan", "--format", "csv", "--key-file"])
        .arg(&key)
        .arg(k.tree.root());
    let out = run_with_timeout(&mut cmd, LIMIT);
    let csv = String::from_utf8_lossy(&out.stdout);
    let line = format!("{layout} {} {}", utc_month(*lo), utc_month(*hi));
    assert!(
        csv.lines().any(|l| l.starts_with("chat-message-months,")
            && l.contains(h.as_str())
            && l.contains(&line)),
        "{csv}"
    );
}

#[test]
fn db_bytes_without_all_pages_equal_the_all_pages_walk() {
    let Some(root) = fixtures() else { return };
    let k = whole_fixtures(root);
    let key = k.key("key.hex");
    let key = key.to_str().unwrap();
    let (code, fast, text) = k.run(&["scan", "--key-file", key]);
    assert_eq!(code, Some(0), "{text}");
    validate(&fast);
    let (code, full, text) = k.run(&["scan", "--all-pages", "--key-file", key]);
    assert_eq!(code, Some(0), "{text}");
    let by_chat = |r: &Value| -> BTreeMap<String, Value> {
        r["chats"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c.get("messages_by_layout").is_some())
            .map(|c| {
                (
                    c["chat"].as_str().unwrap().to_string(),
                    c["db_bytes"].clone(),
                )
            })
            .collect()
    };
    let (f, a) = (by_chat(&fast), by_chat(&full));
    assert!(f.len() >= 5, "{f:?}");
    assert!(
        f.values().all(|b| b.as_u64().is_some_and(|b| b > 0)),
        "{f:?}"
    );
    assert_eq!(f, a);
    // Per table too, and every message table's figure equals SQLite's dbstat
    // through --all-pages (checked by all_pages_gives_pages_per_table...).
    for d in fast["databases"].as_array().unwrap() {
        let Some(tables) = d["tables"].as_array() else {
            continue;
        };
        let other = full["databases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == d["path"])
            .unwrap();
        for t in tables {
            let name = t["name"].as_str().unwrap();
            if !(name.starts_with("Chat_") || name.starts_with("Msg_")) || name.len() < 36 {
                continue;
            }
            let o = other["tables"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["name"] == t["name"])
                .unwrap();
            assert_eq!(t["pages"], o["pages"], "{} {name}", d["path"]);
        }
    }
}

/// The names in every format, as snapshots: the JSON's chats (names, kinds, messages,
/// months, database bytes), the table's TOP CHATS, the CSV's chat rows; and the same
/// JSON redacted. The fixtures' contents are fixed (a seeded generator), their times
/// are not, so only what comes from the databases is kept.
#[test]
fn names_in_every_format_snapshots() {
    let Some(root) = fixtures() else { return };
    let k = Keyed::new(root);
    let keys = k.key("all_keys.json");
    let key = keys.to_str().unwrap();
    let chats = |r: &Value| -> Value {
        let mut rows: Vec<Value> = r["chats"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                serde_json::json!({
                    "account": c["account"], "chat": c["chat"], "label": c["label"],
                    "label_source": c["label_source"], "kind": c["kind"],
                    "messages_by_layout": c["messages_by_layout"],
                    "message_months_by_layout": c["message_months_by_layout"],
                    "db_bytes": c["db_bytes"],
                    "resource_bytes": c["resource_bytes"],
                })
            })
            .collect();
        rows.sort_by_key(|c| c.to_string());
        Value::Array(rows)
    };
    let (_, r, _) = k.run(&["scan", "--key-file", key]);
    insta::assert_snapshot!(
        "keyed_chats_json",
        serde_json::to_string_pretty(&chats(&r)).unwrap()
    );
    let (_, red, _) = k.run(&["scan", "--redact", "--key-file", key]);
    insta::assert_snapshot!(
        "keyed_chats_json_redacted",
        serde_json::to_string_pretty(&chats(&red)).unwrap()
    );

    let table = k.output(&["scan", "--key-file", key, "--top", "0"]);
    let top: String = table
        .lines()
        .skip_while(|l| !l.starts_with("TOP CHATS"))
        .take_while(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!top.is_empty(), "{table}");
    insta::assert_snapshot!("keyed_top_chats_table", top);

    let csv = k.output(&["scan", "--key-file", key, "--format", "csv"]);
    let mut rows: Vec<&str> = csv.lines().filter(|l| l.starts_with("chat")).collect();
    rows.sort_unstable();
    assert!(!rows.is_empty(), "{csv}");
    insta::assert_snapshot!("keyed_chats_csv", rows.join("\n"));
}

/// 4.x's resource index: per chat, the bytes by kind equal what SQLCipher 4 sums over
/// the same file (make.py records it), joined by md5(username); in the CSV too.
#[test]
fn resource_bytes_per_chat_equal_sqlcipher_sums() {
    let Some(root) = fixtures() else { return };
    let k = Keyed::new(root);
    let rel = format!("wechat4/{WXID_FIXTURE}/db_storage/message/message_resource.db");
    let want = k.expected[&rel]["resources"]
        .as_object()
        .expect("make.py records the sums")
        .clone();
    assert!(!want.is_empty());
    let keys = k.key("all_keys.json");
    let (_, r, text) = k.run(&["scan", "--key-file", keys.to_str().unwrap()]);
    validate(&r);
    let chats = r["chats"].as_array().unwrap();
    for (user, by_type) in &want {
        let h = md5_hex(user);
        let c = chats
            .iter()
            .find(|c| c["account"] == WXID_FIXTURE && c["chat"] == h.as_str())
            .unwrap_or_else(|| panic!("no chat for {user}: {text}"));
        let mut expect = BTreeMap::new();
        for (typ, total) in by_type.as_object().unwrap() {
            let kind = match typ.as_str() {
                "3" => "images",
                "43" => "videos",
                "49" => "files",
                _ => "other",
            };
            *expect.entry(kind.to_string()).or_insert(0) += total.as_u64().unwrap();
        }
        let got: BTreeMap<String, u64> = c["resource_bytes"]
            .as_object()
            .unwrap_or_else(|| panic!("{c}"))
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(got, expect, "{user}");
    }
    // Without the key: nothing.
    let (_, plain, _) = k.run(&["scan"]);
    assert!(plain["chats"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.get("resource_bytes").is_none()));
    let csv = k.output(&[
        "scan",
        "--key-file",
        keys.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(
        csv.lines().any(|l| l.starts_with("chat-resources,")),
        "{csv}"
    );
}
