//! The metadata pass: every database and plist of `sample_container` described as the
//! `sqlite3` CLI and the `plist` crate see them; bad inputs become issues; the `dbs`
//! and `plists` commands.

use crate::util::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(30);

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container")
}

/// A private copy of `sample_container` (never opened in place).
fn sample_copy() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_tree(&sample_dir(), t.path());
    t
}

fn bin() -> StdCommand {
    let mut c = StdCommand::new(env!("CARGO_BIN_EXE_wechat-inspect"));
    c.env_remove("NO_COLOR");
    c
}

/// Run the binary on `root` with a deadline; (exit code, stdout).
fn run(args: &[&str], root: &Path) -> (i32, String) {
    let out = run_with_timeout(bin().args(args).arg(root).current_dir(root), LIMIT);
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn json_of(args: &[&str], root: &Path) -> (i32, Value) {
    let (code, out) = run(args, root);
    (code, serde_json::from_str(&out).unwrap())
}

fn validate(report: &Value) {
    assert_report_schema(report);
}

fn sqlite3_available() -> bool {
    StdCommand::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `sqlite3 DB SQL`, one value per line.
fn sqlite3(db: &Path, sql: &str) -> Vec<String> {
    let out = StdCommand::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn num(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

#[test]
fn sample_databases_match_the_sqlite3_cli() {
    let t = sample_copy();
    let (code, r) = json_of(&["scan", "--format", "json", "--top", "0"], t.path());
    assert_eq!(code, 0, "{:#}", r["issues"]);
    validate(&r);
    let dbs = r["databases"].as_array().unwrap();

    // Every file named like a database (sidecars aside) is listed, and nothing else.
    let mut want: Vec<String> = walkdir::WalkDir::new(t.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(t.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|p| p.ends_with(".db") || p.ends_with(".sqlite"))
        .collect();
    want.sort();
    let mut got: Vec<String> = dbs
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, want);
    // Largest first.
    let sizes: Vec<u64> = dbs.iter().map(|d| num(&d["apparent_bytes"])).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");

    let plaintext: Vec<&Value> = dbs.iter().filter(|d| d["format"] == "sqlite").collect();
    assert_eq!(plaintext.len(), 9, "docs/sample-container.md lists 9");
    assert!(
        dbs.iter().all(|d| d["format"] != "unknown"),
        "the sample's noise is SQLCipher-like"
    );
    for d in dbs.iter().filter(|d| d["encrypted"] == true) {
        // Encrypted: the role's page size, whole pages, no schema, no issue; no key.
        assert_eq!(
            (&d["format"], &d["key"]),
            (&Value::from("sqlcipher"), &Value::from("none"))
        );
        let size = num(&d["apparent_bytes"]);
        let ps = num(&d["expected_page_size"]);
        assert_eq!(d["page_size"], d["expected_page_size"], "{d:#}");
        assert_eq!(size % ps, 0, "{d:#}");
        assert_eq!(num(&d["page_count"]), size / ps);
        assert!(d["tables"].is_null() && d["journal"].is_null());
        assert!(
            d["role"].is_string(),
            "every sample database has a role: {d:#}"
        );
    }
    let cache = dbs
        .iter()
        .find(|d| d["path"].as_str().unwrap().ends_with("Cache.db"))
        .unwrap();
    assert_eq!(cache["journal"], "wal");
    assert!(num(&cache["wal_pending_frames"]) > 0, "{cache:#}");
    assert!(cache["shm_bytes"].is_null());
    let multitalk_a = dbs
        .iter()
        .find(|d| {
            d["path"]
                .as_str()
                .unwrap()
                .ends_with("2167e757e8168b8516275381d90468e0/voip/multiTalk/multiTalk.db")
        })
        .unwrap();
    assert_eq!(multitalk_a["freelist_pages"], 10);
    assert_eq!(num(&multitalk_a["reclaimable_bytes"]), 10 * 4096);

    if !sqlite3_available() {
        require_tool(
            "sqlite3",
            "plaintext databases cross-checked with the sqlite3 CLI",
        );
        return;
    }
    for d in plaintext {
        let rel = d["path"].as_str().unwrap();
        let src = t.path().join(rel);
        // With its -wal: one committed state, what a reader sees (pages, free pages
        // and rows alike).
        let with_wal = tempfile::tempdir().unwrap();
        let db = with_wal.path().join("db");
        fs::copy(&src, &db).unwrap();
        let wal = PathBuf::from(format!("{}-wal", src.display()));
        if wal.exists() {
            fs::copy(&wal, with_wal.path().join("db-wal")).unwrap();
        }
        let pragma = |p: &str| -> u64 { sqlite3(&db, &format!("PRAGMA {p};"))[0].parse().unwrap() };
        assert_eq!(num(&d["page_size"]), pragma("page_size"), "{rel}");
        assert_eq!(num(&d["page_count"]), pragma("page_count"), "{rel}");
        assert_eq!(num(&d["freelist_pages"]), pragma("freelist_count"), "{rel}");
        let names = sqlite3(
            &db,
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name;",
        );
        let tables: BTreeMap<String, u64> = d["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_string(), num(&t["rows"])))
            .collect();
        assert_eq!(
            tables.keys().cloned().collect::<Vec<_>>(),
            names,
            "{rel}: tables"
        );
        for (name, rows) in &tables {
            let n: u64 = sqlite3(
                &db,
                &format!("SELECT count(*) FROM \"{}\";", name.replace('"', "\"\"")),
            )[0]
            .parse()
            .unwrap();
            assert_eq!(*rows, n, "{rel}: {name}");
        }
    }
}

#[test]
fn sample_plists_match_the_plist_crate() {
    let t = sample_copy();
    let (code, r) = json_of(&["plists", "--format", "json"], t.path());
    assert_eq!(code, 0);
    assert!(r.get("databases").is_none());
    let plists = r["plists"].as_array().unwrap();
    let paths: Vec<&str> = plists.iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths.len(),
        5,
        "{paths:?} (Cookies.binarycookies is not a plist)"
    );
    for p in plists {
        let path = t.path().join(p["path"].as_str().unwrap());
        let bytes = fs::read(&path).unwrap();
        let format = if bytes.starts_with(b"bplist00") {
            "binary"
        } else {
            "xml"
        };
        assert_eq!(p["format"], format, "{}", path.display());
        let value = plist::Value::from_file(&path).unwrap();
        let mut keys: Vec<String> = value
            .as_dictionary()
            .map(|d| d.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        let got: Vec<String> = p["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        assert_eq!(got, keys, "{}", path.display());
        if let Some(archiver) = value
            .as_dictionary()
            .and_then(|d| d.get("$archiver"))
            .and_then(|a| a.as_string())
        {
            assert_eq!(p["archiver"], archiver);
            assert_eq!(p["root_class"], "NSMutableArray");
        } else {
            assert!(p["archiver"].is_null());
        }
    }
    let prefs = plists
        .iter()
        .find(|p| p["path"] == "Data/Library/Preferences/com.tencent.xinWeChat.plist")
        .unwrap();
    assert_eq!(prefs["known"]["AppleLanguages"], "zh-Hans, en");
    assert_eq!(prefs["known"]["SULastCheckTime"], "2025-01-01T00:00:00Z");
    assert_eq!(prefs["known"]["NSUserNotificationsAllowedByUser"], "true");
    // Only the known keys' values are rendered.
    assert_eq!(prefs["known"].as_object().unwrap().len(), 3);
}

#[test]
fn sample_dat_images_by_scheme() {
    let t = sample_copy();
    let on_disk = walkdir::WalkDir::new(t.path())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| {
            let p = e.path().to_string_lossy();
            p.contains("/msg/attach/") && p.contains("/Img/") && p.ends_with(".dat")
        })
        .count() as u64;
    // (schemes in dat_images, files in dat_images, file types) of a report.
    let dat_view = |r: &Value| -> (std::collections::BTreeSet<String>, u64, Vec<String>) {
        let dat = r["dat_images"].as_array().unwrap();
        let files = dat.iter().map(|d| num(&d["files"])).sum();
        let text = |v: &Value, key: &str| v[key].as_str().unwrap().to_string();
        let schemes = dat.iter().map(|d| text(d, "scheme")).collect();
        let types = r["file_types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| text(t, "type"))
            .collect();
        (schemes, files, types)
    };
    let has = |types: &[String], t: &str| types.iter().any(|x| x == t);

    // With --dat-schemes, each image's first bytes tell its scheme.
    let (code, r) = json_of(&["scan", "--dat-schemes", "--format", "json"], t.path());
    assert_eq!(code, 0, "{:#}", r["issues"]);
    validate(&r);
    let (schemes, files, types) = dat_view(&r);
    for s in ["v1", "v2", "xor-jpeg", "xor-png", "xor-gif"] {
        assert!(schemes.contains(s), "{schemes:?}");
    }
    assert!(!schemes.contains("unread"), "{schemes:?}");
    // Every 4.x Img/*.dat is counted once.
    assert_eq!(files, on_disk);
    assert!(has(&types, "dat-v2") && !has(&types, "dat"), "{types:?}");

    // Without it, the same images are counted per chat and variant, scheme `unread`,
    // and the type table says `dat` (not read).
    let (code, r) = json_of(&["scan", "--format", "json"], t.path());
    assert_eq!(code, 0, "{:#}", r["issues"]);
    let (schemes, files, types) = dat_view(&r);
    assert_eq!(schemes, ["unread".to_string()].into());
    assert_eq!(files, on_disk);
    assert!(has(&types, "dat") && !has(&types, "dat-v2"), "{types:?}");
}

#[test]
fn bad_databases_and_plists_are_issues_and_the_scan_goes_on() {
    let f = Fake::new();
    let magic = b"SQLite format 3\0";
    let mut truncated = magic.to_vec();
    truncated.extend_from_slice(&[0; 10]);
    let mut garbage = magic.to_vec();
    garbage.extend_from_slice(&[0xAB; 200]);
    let deep = format!(
        "<?xml version=\"1.0\"?><plist version=\"1.0\">{}{}</plist>",
        "<array>".repeat(5000),
        "</array>".repeat(5000)
    );
    f.file(&a4("db_storage/message/message_2.db"), b"")
        .file(&a4("db_storage/message/truncated.db"), &truncated)
        .file(&a4("db_storage/message/garbage.db"), &garbage)
        .dir(&a4("db_storage/contact/contact.db"))
        .file(&a4("db_storage/general/unknown.db"), &[0x5A; 3000])
        .file(&a4("db_storage/general/general.db"), &[0x5A; 3000])
        .file(
            "Data/Library/Preferences/broken.plist",
            b"bplist00\x01\x02garbage",
        )
        .file("Data/Library/Preferences/deep.plist", deep.as_bytes())
        .file("Data/Library/Preferences/big.plist", b"");
    // A huge plist: sparse, so the test stays cheap; refused by size, never read.
    fs::File::options()
        .write(true)
        .open(f.path("Data/Library/Preferences/big.plist"))
        .unwrap()
        .set_len(17 << 20)
        .unwrap();
    // A legacy-journal database held under an exclusive lock by this process.
    let locked = f.path(&a3("solitaire/solitaire_chat.db"));
    fs::create_dir_all(locked.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(&locked).unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    conn.execute_batch("BEGIN EXCLUSIVE;").unwrap();

    let (code, r) = json_of(&["scan", "--format", "json"], f.root());
    conn.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(code, 1, "{:#}", r["issues"]);
    validate(&r);
    let issues: BTreeMap<String, (String, String)> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_string(),
                (
                    i["kind"].as_str().unwrap().to_string(),
                    i["message"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let want = [
        (
            a4("db_storage/message/message_2.db"),
            "database",
            "zero-length",
        ),
        (a4("db_storage/message/truncated.db"), "database", "header"),
        (a4("db_storage/message/garbage.db"), "database", "header"),
        (a4("db_storage/contact/contact.db"), "database", "folder"),
        (a3("solitaire/solitaire_chat.db"), "database", "locked"),
        (
            "Data/Library/Preferences/broken.plist".into(),
            "plist",
            "malformed",
        ),
        (
            "Data/Library/Preferences/deep.plist".into(),
            "plist",
            "nested",
        ),
        (
            "Data/Library/Preferences/big.plist".into(),
            "plist",
            "too large",
        ),
    ];
    for (path, kind, words) in &want {
        let (k, m) = issues
            .get(path)
            .unwrap_or_else(|| panic!("no issue for {path}: {issues:#?}"));
        assert_eq!(k, kind, "{path}");
        assert!(m.contains(words), "{path}: {m}");
    }
    assert_eq!(issues.len(), want.len(), "{issues:#?}");
    // Neither SQLite nor SQLCipher-like (one byte repeated): an unknown format,
    // listed, not an issue, never called encrypted.
    let db = |p: &str| {
        r["databases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == p)
            .cloned()
            .unwrap_or_else(|| panic!("{p} not listed"))
    };
    let unknown = db(&a4("db_storage/general/unknown.db"));
    assert_eq!(unknown["encrypted"], false);
    assert_eq!(unknown["format"], "unknown");
    assert!(unknown["key"].is_null() && unknown["page_size"].is_null());
    assert!(unknown["role"].is_null() && unknown["size_note"].is_null());
    let general = db(&a4("db_storage/general/general.db"));
    assert_eq!(general["format"], "unknown");
    assert_eq!(general["role"], "general");
    assert!(general["size_note"].is_null());
    assert_eq!(
        db(&a4("db_storage/message/message_2.db"))["size_note"],
        "zero-length"
    );
    assert_eq!(
        db(&a4("db_storage/message/truncated.db"))["size_note"],
        "truncated header"
    );
    // The rest of the tree is still scanned and summed.
    assert_eq!(r["totals"]["files"], 9);
}

#[test]
fn dbs_command_formats_and_no_row_counts() {
    let t = sample_copy();
    let (code, r) = json_of(&["dbs", "--format", "json", "--no-row-counts"], t.path());
    assert_eq!(code, 0);
    assert!(r.get("plists").is_none() && r.get("totals").is_none());
    for d in r["databases"].as_array().unwrap() {
        for t in d["tables"].as_array().into_iter().flatten() {
            assert!(t["rows"].is_null(), "{d:#}");
        }
        if d["format"] == "sqlite" {
            assert_eq!(d["rows_skipped"], "row counting disabled");
            assert!(!d["tables"].as_array().unwrap().is_empty());
        }
    }
    let (code, table) = run(&["dbs"], t.path());
    assert_eq!(code, 0);
    assert!(table.contains("DATABASES (83, largest first)"), "{table}");
    assert!(!table.contains("PLISTS") && !table.contains("CATEGORIES"));
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let (_, csv) = run(&["dbs", "--format", "csv"], t.path());
    assert!(csv
        .lines()
        .skip(1)
        .all(|l| l.starts_with("database") || l.starts_with("issue")));
    assert!(csv.contains("database-table,") && csv.contains("database-free,"));
    let (_, html) = run(&["dbs", "--format", "html"], t.path());
    assert!(html.contains("id=\"databases\"") && !html.contains("id=\"plists\""));
    let (_, html) = run(&["scan", "--format", "html"], t.path());
    assert!(html.contains("Database dead space") && html.contains("id=\"plists\""));
    let (code, table) = run(&["plists"], t.path());
    assert_eq!(code, 0);
    assert!(table.contains("PLISTS (5)") && !table.contains("DATABASES"));
    assert!(table.contains("SULastCheckTime = 2025-01-01T00:00:00Z"));
}

#[test]
fn redaction_covers_the_new_sections() {
    let t = sample_copy();
    let (_, r) = json_of(&["scan", "--format", "json", "--redact"], t.path());
    let text = serde_json::to_string(&r).unwrap();
    for id in [
        "2167e757e8168b8516275381d90468e0",
        "wxid_samplealice01",
        "20d44b2a7a9856935401060503be195f",
        "erin1990",
    ] {
        assert!(!text.contains(id), "{id} leaks");
    }
    assert!(r["databases"].as_array().unwrap().len() > 10);
    assert!(r["dat_images"][0]["chat"]
        .as_str()
        .unwrap()
        .starts_with("chat-"));
}
