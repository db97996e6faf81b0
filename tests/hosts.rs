//! `hosts`: the network footprint from a real NSURLCache `Cache.db` (WAL mode,
//! uncheckpointed frames, no `-shm`), bodies inline and in `fsCachedData/`, and a
//! binary cookie file written byte by byte from the published format.

use crate::util::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

const CACHES: &str = "Data/Library/Caches/com.tencent.xinWeChat";
const COOKIES: &str = "Data/Library/Cookies/Cookies.binarycookies";
const HTTP: &str = "Data/Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite";
const NOW: &str = "2026-11-25T08:00:00Z";

/// (url, time_stamp, body length, on disk as fsCachedData/<name>)
const ENTRIES: [(&str, &str, usize, Option<&str>); 5] = [
    (
        "https://mmbiz.qpic.cn/mmbiz_jpg/A1/0?wx_fmt=jpeg&token=SYNTHETIC_SECRET_Q1",
        "2024-03-01 10:00:00",
        1000,
        None,
    ),
    (
        "https://mmbiz.qpic.cn/mmbiz_png/B2/640#SYNTHETIC_SECRET_F1",
        "2024-03-05 12:00:00",
        5000,
        Some("0A1B2C3D-0000-4000-8000-000000000001"),
    ),
    // Everything below exists only as committed frames in Cache.db-wal.
    (
        "https://user:SYNTHETIC_SECRET_PW@wx.qlogo.cn/mmhead/ver_1/H1/132?uin=SYNTHETIC_SECRET_Q2",
        "2024-02-01 08:00:00",
        300,
        None,
    ),
    (
        "https://res.wx.qq.com/static/app.js",
        "2024-04-01 00:00:00",
        7000,
        Some("0A1B2C3D-0000-4000-8000-000000000002"),
    ),
    (
        "https://mmbiz.qpic.cn/mmbiz_jpg/A1/0?wx_fmt=gif",
        "2024-02-15 00:00:00",
        200,
        None,
    ),
];

/// Apple's NSURLCache `Cache.db` (schema as in examples/make_sample.rs), WAL mode:
/// entries 0–1 checkpointed into the main file, the rest only in `-wal`; the db and
/// its `-wal` are copied while the writer is open, the `-shm` is not.
fn write_cache_db(f: &Fake) {
    let writer = tempfile::tempdir().unwrap();
    let db = writer.path().join("Cache.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA auto_vacuum = 2;
         PRAGMA journal_mode = WAL;
         PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE,
             version INTEGER, hash_value INTEGER, storage_policy INTEGER, request_key TEXT UNIQUE,
             time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT);
         CREATE TABLE cfurl_cache_blob_data(entry_ID INTEGER PRIMARY KEY, response_object BLOB,
             request_object BLOB, proto_props BLOB, user_info BLOB);
         CREATE TABLE cfurl_cache_receiver_data(entry_ID INTEGER PRIMARY KEY, isDataOnFS INTEGER,
             receiver_data BLOB);
         CREATE TABLE cfurl_cache_schema_version(schema_version INTEGER);
         CREATE INDEX request_key_index ON cfurl_cache_response(request_key);
         CREATE INDEX time_stamp_index ON cfurl_cache_response(time_stamp);
         CREATE INDEX receiver_data_index ON cfurl_cache_receiver_data(entry_ID);
         INSERT INTO cfurl_cache_schema_version VALUES(202);",
    )
    .unwrap();
    for (i, (url, ts, len, on_fs)) in ENTRIES.iter().enumerate() {
        if i == 2 {
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .unwrap();
        }
        conn.execute(
            "INSERT INTO cfurl_cache_response(version, hash_value, storage_policy, request_key,
                 time_stamp) VALUES(0, ?1, 0, ?2, ?3)",
            rusqlite::params![i as i64, url, ts],
        )
        .unwrap();
        let id = conn.last_insert_rowid();
        match on_fs {
            Some(name) => {
                conn.execute(
                    "INSERT INTO cfurl_cache_receiver_data VALUES(?1, 1, ?2)",
                    rusqlite::params![id, name.as_bytes().to_vec()],
                )
                .unwrap();
                f.sized(&format!("{CACHES}/fsCachedData/{name}"), *len);
            }
            None => {
                conn.execute(
                    "INSERT INTO cfurl_cache_receiver_data VALUES(?1, 0, ?2)",
                    rusqlite::params![id, vec![0xABu8; *len]],
                )
                .unwrap();
            }
        }
    }
    let main = fs::read(&db).unwrap();
    let wal = fs::read(writer.path().join("Cache.db-wal")).unwrap();
    drop(conn);
    assert!(wal.len() > 32, "the WAL holds frames");
    f.file(&format!("{CACHES}/Cache.db"), &main)
        .file(&format!("{CACHES}/Cache.db-wal"), &wal);
}

/// One cookie record: 56-byte header (size, version, flags, has-port, offsets of
/// url/domain, name, path, value, 8-byte end marker, expiry, creation as LE f64
/// seconds since 2001-01-01), then NUL-terminated strings.
fn cookie(domain: &str, name: &str, path: &str, value: &str, flags: u32, created: f64) -> Vec<u8> {
    let url_off = 56u32;
    let name_off = url_off + domain.len() as u32 + 1;
    let path_off = name_off + name.len() as u32 + 1;
    let value_off = path_off + path.len() as u32 + 1;
    let size = value_off + value.len() as u32 + 1;
    let mut v = Vec::new();
    for x in [size, 0, flags, 0, url_off, name_off, path_off, value_off] {
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.extend_from_slice(&[0u8; 8]);
    v.extend_from_slice(&(created + 31_536_000.0).to_le_bytes());
    v.extend_from_slice(&created.to_le_bytes());
    for s in [domain, name, path, value] {
        v.extend_from_slice(s.as_bytes());
        v.push(0);
    }
    v
}

/// A page: `00 00 01 00`, LE count, LE offsets from the page start, `00 00 00 00`.
fn page(cookies: &[Vec<u8>]) -> Vec<u8> {
    let mut v = vec![0x00, 0x00, 0x01, 0x00];
    v.extend_from_slice(&(cookies.len() as u32).to_le_bytes());
    let mut off = 12 + 4 * cookies.len() as u32;
    for c in cookies {
        v.extend_from_slice(&off.to_le_bytes());
        off += c.len() as u32;
    }
    v.extend_from_slice(&[0, 0, 0, 0]);
    for c in cookies {
        v.extend_from_slice(c);
    }
    v
}

/// `cook`, BE page count, BE page sizes, pages, BE checksum, footer.
fn binary_cookies(pages: &[Vec<u8>]) -> Vec<u8> {
    let mut v = b"cook".to_vec();
    v.extend_from_slice(&(pages.len() as u32).to_be_bytes());
    for p in pages {
        v.extend_from_slice(&(p.len() as u32).to_be_bytes());
    }
    let mut sum = 0u32;
    for p in pages {
        v.extend_from_slice(p);
        sum = p
            .iter()
            .step_by(4)
            .fold(sum, |a, b| a.wrapping_add(u32::from(*b)));
    }
    v.extend_from_slice(&sum.to_be_bytes());
    v.extend_from_slice(&[0x07, 0x17, 0x20, 0x05, 0x00, 0x00, 0x00, 0x4B]);
    v
}

/// 2024-01-01T00:00:00Z and 2023-06-01T00:00:00Z in Mac absolute time.
const JAN_2024: f64 = 725_760_000.0;
const JUN_2023: f64 = 707_270_400.0;

fn cookie_file() -> Vec<u8> {
    binary_cookies(&[
        page(&[
            cookie(
                ".weixin.qq.com",
                "wxuin",
                "/",
                "SYNTHETIC_SECRET_C1",
                1,
                JAN_2024,
            ),
            cookie(
                ".weixin.qq.com",
                "mm_lang",
                "/",
                "SYNTHETIC_SECRET_C2",
                0,
                JUN_2023,
            ),
        ]),
        page(&[
            cookie(
                "res.wx.qq.com",
                "sid",
                "/a/",
                "SYNTHETIC_SECRET_C3",
                5,
                JAN_2024,
            ),
            cookie(
                ".weixin.qq.com",
                "wxuin",
                "/x",
                "SYNTHETIC_SECRET_C4",
                1,
                JAN_2024,
            ),
        ]),
    ])
}

fn fixture() -> Fake {
    let f = Fake::new();
    write_cache_db(&f);
    f.file(COOKIES, &cookie_file());
    f
}

fn run(f: &Fake, args: &[&str]) -> std::process::Output {
    f.cmd()
        .arg("hosts")
        .arg(f.root())
        .args(["--now", NOW])
        .args(args)
        .output()
        .unwrap()
}

fn json(f: &Fake, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let out = run(f, &args);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("bad json ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

fn host<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["host"] == name)
        .unwrap_or_else(|| panic!("no host {name} in {r:#}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

#[test]
fn hosts_counts_every_figure_from_a_wal_cache_and_binary_cookies() {
    let f = fixture();
    assert!(!f.path(&format!("{CACHES}/Cache.db-shm")).exists());
    let before = snapshot_tree(f.root());
    let (code, r) = json(&f, &[]);
    assert_eq!(code, Some(0), "{r:#}");
    assert_eq!(snapshot_tree(f.root()), before, "hosts changed the tree");
    assert!(!f.path(&format!("{CACHES}/Cache.db-shm")).exists());

    let db = format!("{CACHES}/Cache.db");
    let m = host(&r, "mmbiz.qpic.cn");
    assert_eq!(m["domain"], "qpic.cn");
    assert_eq!(m["role"], "official-account images");
    assert_eq!(m["role_evidence"], "I");
    assert_eq!(m["responses"], 3);
    assert_eq!(m["cached_bytes"], 1000 + 5000 + 200);
    assert_eq!(m["first_seen"], "2024-02-15T00:00:00Z");
    assert_eq!(m["last_seen"], "2024-03-05T12:00:00Z");
    assert_eq!(strings(&m["cookies"]), Vec::<&str>::new());
    assert_eq!(strings(&m["sources"]), [db.as_str()]);
    assert!(m.get("paths").is_none(), "paths only with --paths");

    let q = host(&r, "wx.qlogo.cn");
    assert_eq!(
        (
            &q["domain"],
            &q["role"],
            &q["responses"],
            &q["cached_bytes"]
        ),
        (
            &"qlogo.cn".into(),
            &"avatars".into(),
            &1.into(),
            &300.into()
        )
    );
    assert_eq!(q["first_seen"], "2024-02-01T08:00:00Z");
    assert_eq!(q["last_seen"], "2024-02-01T08:00:00Z");

    let res = host(&r, "res.wx.qq.com");
    assert_eq!(res["domain"], "qq.com");
    assert_eq!(res["responses"], 1);
    assert_eq!(res["cached_bytes"], 7000);
    assert_eq!(res["first_seen"], "2024-01-01T00:00:00Z", "cookie creation");
    assert_eq!(res["last_seen"], "2024-04-01T00:00:00Z");
    assert_eq!(strings(&res["cookies"]), ["sid"]);
    assert_eq!(strings(&res["sources"]), [db.as_str(), COOKIES]);

    let w = host(&r, "weixin.qq.com");
    assert_eq!(w["responses"], 0);
    assert_eq!(w["cached_bytes"], 0);
    assert_eq!(
        strings(&w["cookies"]),
        ["mm_lang", "wxuin"],
        "sorted, deduplicated"
    );
    assert_eq!(w["first_seen"], "2023-06-01T00:00:00Z");
    assert_eq!(w["last_seen"], "2024-01-01T00:00:00Z");
    assert_eq!(w["role"], Value::Null);
    assert_eq!(r["hosts"].as_array().unwrap().len(), 4);

    let domains: Vec<(String, u64, u64, u64)> = r["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["domain"].as_str().unwrap().to_string(),
                d["hosts"].as_u64().unwrap(),
                d["responses"].as_u64().unwrap(),
                d["cached_bytes"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        domains,
        [
            ("qq.com".to_string(), 2, 1, 7000),
            ("qpic.cn".to_string(), 1, 3, 6200),
            ("qlogo.cn".to_string(), 1, 1, 300),
        ]
    );
    let stores: Vec<(&str, &str, u64, u64)> = r["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap(),
                s["kind"].as_str().unwrap(),
                s["responses"].as_u64().unwrap(),
                s["cookies"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stores,
        [
            (db.as_str(), "url-cache", 5, 0),
            (COOKIES, "binary-cookies", 0, 4)
        ]
    );
    assert_eq!(r["issues"], Value::Array(vec![]));
}

#[test]
fn hosts_paths_only_with_the_flag_and_never_with_a_query() {
    let f = fixture();
    let (_, r) = json(&f, &["--paths"]);
    assert_eq!(
        strings(&host(&r, "mmbiz.qpic.cn")["paths"]),
        ["/mmbiz_jpg/A1/0", "/mmbiz_png/B2/640"]
    );
    assert_eq!(
        strings(&host(&r, "wx.qlogo.cn")["paths"]),
        ["/mmhead/ver_1/H1/132"]
    );
    assert_eq!(
        strings(&host(&r, "weixin.qq.com")["paths"]),
        Vec::<&str>::new()
    );
    let table = String::from_utf8(run(&f, &[]).stdout).unwrap();
    assert!(!table.contains("/mmbiz_jpg/"), "{table}");
    let table = String::from_utf8(run(&f, &["--paths"]).stdout).unwrap();
    assert!(table.contains("path: /mmbiz_jpg/A1/0"), "{table}");
}

#[test]
fn hosts_never_print_cookie_values_query_strings_or_fragments() {
    let f = fixture();
    // Also an httpstorages.sqlite with a value column.
    write_http_storage(
        &f,
        "CREATE TABLE cookies(domain TEXT, name TEXT, path TEXT, value TEXT);
         INSERT INTO cookies VALUES('.qq.com', 'pgv_pvid', '/', 'SYNTHETIC_SECRET_H1');",
    );
    let outside = tempfile::tempdir().unwrap();
    for format in ["table", "json", "csv"] {
        for extra in [
            &[][..],
            &["--paths"],
            &["--redact"],
            &["--paths", "--redact"],
        ] {
            let mut args = vec!["--format", format];
            args.extend_from_slice(extra);
            let out = run(&f, &args);
            assert_eq!(out.status.code(), Some(0), "{args:?}");
            let file = outside.path().join(format!("{format}-{}", extra.len()));
            let mut with_o = args.clone();
            let file_s = file.to_str().unwrap().to_string();
            with_o.extend_from_slice(&["-o", &file_s]);
            let out_o = run(&f, &with_o);
            assert!(out_o.stdout.is_empty());
            for text in [
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
                fs::read_to_string(&file).unwrap(),
            ] {
                for canary in ["SYNTHETIC_SECRET", "wx_fmt", "token=", "uin=", "user:"] {
                    assert!(!text.contains(canary), "{canary} in {args:?}:\n{text}");
                }
            }
        }
    }
    let (_, r) = json(&f, &[]);
    assert_eq!(strings(&host(&r, "qq.com")["cookies"]), ["pgv_pvid"]);
    // The scan's HTML report shows the hosts too, with the same privacy.
    for extra in [&[][..], &["--redact"]] {
        let out = f
            .cmd()
            .arg("scan")
            .arg(f.root())
            .args(["--format", "html"])
            .args(extra)
            .output()
            .unwrap();
        let html = String::from_utf8_lossy(&out.stdout);
        assert!(html.contains("id=\"hosts\"") && html.contains("mmbiz.qpic.cn"));
        for canary in ["SYNTHETIC_SECRET", "wx_fmt", "token=", "uin=", "user:"] {
            assert!(!html.contains(canary), "{canary} in scan html {extra:?}");
        }
    }
}

fn write_http_storage(f: &Fake, sql: &str) {
    let p = f.path(HTTP);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(&p).unwrap();
    conn.execute_batch(&format!("PRAGMA journal_mode=DELETE; {sql}"))
        .unwrap();
}

#[test]
fn hosts_http_storage_with_an_unknown_schema_is_a_note_not_an_issue() {
    let f = Fake::new();
    write_http_storage(
        &f,
        "CREATE TABLE things(a TEXT, b INTEGER); INSERT INTO things VALUES('x', 1);",
    );
    let (code, r) = json(&f, &[]);
    assert_eq!(code, Some(0), "{r:#}");
    assert_eq!(r["issues"], Value::Array(vec![]));
    let notes = r["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{r:#}");
    assert_eq!(notes[0]["path"], HTTP);
    assert!(notes[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("unrecognised schema"));
    // A host column without a name column: hosts, no cookie names.
    let g = Fake::new();
    write_http_storage(
        &g,
        "CREATE TABLE alt_services(host TEXT, port INTEGER);
         INSERT INTO alt_services VALUES('res.wx.qq.com', 443);",
    );
    let (code, r) = json(&g, &[]);
    assert_eq!(code, Some(0));
    let h = host(&r, "res.wx.qq.com");
    assert_eq!(strings(&h["cookies"]), Vec::<&str>::new());
    assert_eq!(strings(&h["sources"]), [HTTP]);
}

#[test]
fn hosts_bad_stores_are_issues_with_exit_1_and_no_panic() {
    let f = Fake::new();
    let mut junk = b"SQLite format 3\0".to_vec();
    junk.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    f.file(&format!("{CACHES}/Cache.db"), &junk);
    let full = cookie_file();
    f.file(COOKIES, &full[..full.len() / 2]);
    f.file(
        "Data/Library/Cookies/garbage.binarycookies",
        b"not cookies at all",
    );
    let before = snapshot_tree(f.root());
    for format in ["table", "json", "csv"] {
        let out = run(&f, &["--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(snapshot_tree(f.root()), before);
    let (_, r) = json(&f, &[]);
    let issues: Vec<(&str, &str)> = r["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    let cache = format!("{CACHES}/Cache.db");
    assert_eq!(
        issues,
        [
            (cache.as_str(), "corrupt-store"),
            (
                "Data/Library/Cookies/Cookies.binarycookies",
                "corrupt-store"
            ),
            (
                "Data/Library/Cookies/garbage.binarycookies",
                "corrupt-store"
            ),
        ],
        "{r:#}"
    );
    assert!(!serde_json::to_string(&r)
        .unwrap()
        .contains("SYNTHETIC_SECRET"));
    let issues = serde_json::to_string(&r["issues"]).unwrap();
    assert!(
        !issues.contains(f.root().to_str().unwrap()),
        "issues name files relative to the base: {issues}"
    );
}

#[test]
fn hosts_json_validates_against_the_schema() {
    let schema: Value = serde_json::from_str(include_str!("../docs/hosts-schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let good = fixture();
    let bad = Fake::new();
    bad.file(COOKIES, b"cook\0\0\0\x09");
    write_http_storage(&bad, "CREATE TABLE t(x);");
    for (f, extra) in [
        (&good, &[][..]),
        (&good, &["--paths"][..]),
        (&good, &["--redact"][..]),
        (&bad, &[][..]),
    ] {
        let (_, r) = json(f, extra);
        let errors: Vec<String> = validator
            .iter_errors(&r)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let back: wechat_inspect::model::hosts::HostsReport =
            serde_json::from_value(r.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), r);
    }
}

#[test]
fn hosts_table_fits_80_columns_and_csv_has_the_documented_columns() {
    let f = fixture();
    let text = String::from_utf8(run(&f, &["--paths"]).stdout).unwrap();
    assert!(
        text.lines().all(|l| l.chars().count() <= 80),
        "wider than 80 columns:\n{text}"
    );
    assert!(text.contains("mmbiz.qpic.cn") && text.contains("qpic.cn"));
    let csv = String::from_utf8(run(&f, &["--format", "csv"]).stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "section,domain,host,role,responses,cached_bytes,first_seen,last_seen,detail"
    );
    assert!(csv.contains(
        "host,qpic.cn,mmbiz.qpic.cn,official-account images,3,6200,2024-02-15T00:00:00Z,2024-03-05T12:00:00Z,"
    ));
    assert!(csv.contains("cookie,qq.com,weixin.qq.com,,,,,,mm_lang"));
}

#[test]
fn hosts_redact_hides_identifying_path_components() {
    let f = fixture();
    // Cookie files with identifying names, where stores live.
    let rel = "Data/Library/Cookies/wxid_secretperson.binarycookies".to_string();
    f.file(&rel, &cookie_file());
    let by_account = format!("Data/Library/HTTPStorages/{ACCT3}.binarycookies");
    f.file(&by_account, &cookie_file());
    let out = run(&f, &["--format", "json", "--redact"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains(ACCT3), "{text}");
    assert!(!text.contains("wxid_secretperson"), "{text}");
    assert!(
        text.contains("Data/Library/Cookies/Cookies.binarycookies"),
        "fixed names stay"
    );
    assert!(text.contains("mmbiz.qpic.cn"), "hosts stay");
    let plain = String::from_utf8(run(&f, &["--format", "json"]).stdout).unwrap();
    assert!(plain.contains(&rel));
    assert!(plain.contains(&by_account));
}

#[test]
fn hosts_on_the_sample_container() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("com.tencent.xinWeChat");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_container"),
        &copy,
    );
    let before = snapshot_tree(&copy);
    let bin = env!("CARGO_BIN_EXE_wechat-inspect");
    let mut outputs = Vec::new();
    for format in ["json", "table", "csv"] {
        let out = std::process::Command::new(bin)
            .args(["hosts", "--paths", "--format", format])
            .arg(&copy)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push(String::from_utf8(out.stdout).unwrap());
    }
    assert_eq!(snapshot_tree(&copy), before, "the sample copy changed");
    let r: Value = serde_json::from_str(&outputs[0]).unwrap();
    for h in [
        "mmbiz.qpic.cn",
        "wx.qlogo.cn",
        "res.wx.qq.com",
        "dldir1.qq.com",
        "szextshort.weixin.qq.com",
    ] {
        assert!(host(&r, h)["responses"].as_u64().unwrap() > 0, "{h}");
    }
    let total: u64 = r["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["responses"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 11, "all 11 entries, 5 of them only in the WAL");
    assert_eq!(
        strings(&host(&r, "weixin.qq.com")["cookies"]),
        ["mm_lang", "wxuin"]
    );
    assert_eq!(strings(&host(&r, "qq.com")["cookies"]), ["pgv_pvid"]);
    for o in &outputs {
        assert!(!o.contains("SYNTHETIC_SECRET") && !o.contains("SYNTHETIC_UIN"));
        assert!(!o.contains("SYNTHETIC_COOKIE_VALUE"));
    }
}

/// `hosts` looks only where the stores live (the container's `Data/Library`), and the
/// scan's HTML report, which takes the stores from the scan's own walk, shows the same
/// hosts.
#[test]
fn hosts_and_the_scan_html_read_the_same_stores_only_where_stores_live() {
    let f = fixture();
    // Unreadable stores elsewhere: read, they would be issues.
    for stray in [
        a3("Sns/stray.binarycookies"),
        "Data/Library/Cookies/deeper/stray.binarycookies".to_string(),
        "Data/Library/Caches/com.tencent.xinWeChat/fsCachedData/Cache.db".to_string(),
        "Data/Documents/Cache.db".to_string(),
    ] {
        f.file(&stray, b"garbage");
    }
    let (code, r) = json(&f, &[]);
    assert_eq!(code, Some(0), "{r}");
    let mut stores: Vec<&str> = r["stores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    stores.sort();
    assert_eq!(
        stores,
        [
            "Data/Library/Caches/com.tencent.xinWeChat/Cache.db",
            "Data/Library/Cookies/Cookies.binarycookies",
        ]
    );
    let out = f
        .cmd()
        .arg("scan")
        .arg(f.root())
        .args(["--format", "html", "--quiet"])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    let section = &html[html.find("id=\"hosts\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let hosts = r["hosts"].as_array().unwrap();
    assert!(!hosts.is_empty());
    for h in hosts {
        let name = h["host"].as_str().unwrap();
        assert!(
            section.contains(&format!(">{name}<")),
            "{name} not in the HTML"
        );
    }
    assert_eq!(section.matches("<tr>").count(), hosts.len() + 1);
}
