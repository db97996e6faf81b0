//! Issue 13: the tool against the shapes real Macs have (synthetic bytes, real
//! structure): path shapes from Tencent's cleaner rules and public code, SQLite files
//! of every name a real `~/Library` uses, containers holding only `Data/Library`,
//! cookie domains that are not host names, stores that cannot be read, hard-linked
//! `.dat` images.

use crate::util::*;
use serde_json::Value;
use std::path::Path;

/// A 3.x caches version folder, container-relative.
const CACHES3: &str = "Data/Library/Caches/com.tencent.xinWeChat/2.0b4.0.9";
/// The early 4.0 beta's folder, container-relative.
const BETA: &str = "Data/Library/Application Support/com.tencent.xinWeChat/4.0b4.0.9";

/// The `largest[]` entry of `path` (run with a huge `--top`).
fn entry<'a>(r: &'a Value, path: &str) -> &'a Value {
    r["largest"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in largest[]"))
}

/// (container-relative path, category, account, chat); `shared` = no account.
fn shapes() -> Vec<(String, &'static str, &'static str, Option<&'static str>)> {
    let x = |s: &str| format!("{XF}/{s}");
    vec![
        (
            "Data/Library/Logs/WeChat/WeChat_2024-05-01.log".into(),
            "logs",
            "shared",
            None,
        ),
        (
            "Data/tmp/.5A4RE8SF68.com.tencent.xinWeChat.Bq7Xzu".into(),
            "caches",
            "shared",
            None,
        ),
        ("Data/tmp/report (1).pdf".into(), "caches", "shared", None),
        (
            "Data/Documents/app_data/crashinfo/20240501/dump.dmp".into(),
            "logs",
            "shared",
            None,
        ),
        (
            "Data/Documents/app_data/config/global.cfg".into(),
            "config",
            "shared",
            None,
        ),
        (
            "Data/Documents/app_data/xplugin/plugins/1/plugin.bin".into(),
            "caches",
            "shared",
            None,
        ),
        (
            "Data/Documents/app_data/net/cdncomm/cache/0a1b2c3d4e5f".into(),
            "caches",
            "shared",
            None,
        ),
        // Still config: the rest of app_data/net.
        (
            "Data/Documents/app_data/net/kvcomm/key_1_x.statistic".into(),
            "config",
            "shared",
            None,
        ),
        (a4("login/login.cfg"), "config", ACCT4, None),
        (
            "Data/Library/Saved Application State/com.tencent.xinWeChat.savedState/windows.plist"
                .into(),
            "config",
            "shared",
            None,
        ),
        (
            format!("{CACHES3}/{ACCT3}/SaveTemp/2024-05/received.docx"),
            "caches",
            ACCT3,
            None,
        ),
        (
            format!("{CACHES3}/{ACCT3}/dragImgTmp/drag_1.png"),
            "caches",
            ACCT3,
            None,
        ),
        (
            a4(&format!(
                "msg/attach/{CHAT}/2024-05/Rec/0a1b2c3d/F/1/contract.pdf"
            )),
            "chat-files",
            ACCT4,
            Some(CHAT),
        ),
        (
            a4(&format!("msg/attach/{CHAT}/2024-05/Rec/0a1b2c3d/V/1.mp4")),
            "chat-videos",
            ACCT4,
            Some(CHAT),
        ),
        (a4("db_storage/MMKV/mmkv.default"), "config", ACCT4, None),
        (
            a4("db_storage/MMKV/mmkv.default.crc"),
            "config",
            ACCT4,
            None,
        ),
        (
            x(&format!(
                "old_backup/{ACCT3}/2F1E3D4C-0000-4000-8000-000000000001/BAK_0_MEDIA"
            )),
            "backups",
            ACCT3,
            None,
        ),
        (
            format!("{BETA}/db_storage/message/message_0.db"),
            "message-db",
            "shared",
            None,
        ),
        (
            format!("{BETA}/db_storage/message/media_0.db"),
            "chat-voice",
            "shared",
            None,
        ),
        (
            format!("{BETA}/db_storage/contact/contact.db"),
            "contact-db",
            "shared",
            None,
        ),
        (
            format!("{BETA}/db_storage/general/general.db"),
            "other-db",
            "shared",
            None,
        ),
    ]
}

#[test]
fn real_path_shapes_get_their_category_account_and_chat() {
    let f = Fake::new();
    for (i, (path, ..)) in shapes().iter().enumerate() {
        f.sized(path, 100 + i);
    }
    // The 3.x account exists in its own tree too: the caches and the old backup join it.
    f.sized(&a3("Message/msg_0.db"), 4096);
    let r = f.scan_json("", &[]);
    for (path, category, account, _) in shapes() {
        let e = entry(&r, &path);
        assert_eq!(e["category"], category, "{path}");
        assert_eq!(e["account"], account, "{path}");
    }
    // One account row for the 3.x account, holding its caches and old backup.
    let rows: Vec<&Value> = r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["id"] == ACCT3)
        .collect();
    assert_eq!(rows.len(), 1, "{:#}", r["accounts"]);
    assert_eq!(rows[0]["layout"], "wechat3");
    let want: u64 = shapes()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.2 == ACCT3)
        .map(|(i, _)| 100 + i as u64)
        .sum::<u64>()
        + 4096;
    assert_eq!(rows[0]["apparent_bytes"], want);
    // The forwarded chat record's files count in their chat.
    let chat = r["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["account"] == ACCT4 && c["chat"] == CHAT)
        .expect("chat");
    assert_eq!(chat["files"], 2);
    assert!(chat["categories"]["chat-files"].as_u64().unwrap() > 0);
    assert!(chat["categories"]["chat-videos"].as_u64().unwrap() > 0);
    // The 4.0 beta's databases are 4.x.
    let beta = entry(&r, &format!("{BETA}/db_storage/message/message_0.db"));
    assert_eq!(beta["category"], "message-db");
    assert!(r["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| !a["id"].as_str().unwrap().starts_with("4.0b")));
}

/// Where real SQLite files sit in a real `~/Library`, under the names Apple and apps
/// give them (none of these names is needed: each file is found by its magic).
const LIBRARY_DBS: &[&str] = &[
    "Library/Application Support/AddressBook/AddressBook-v22.abcddb",
    "Library/Application Support/AddressBook/Sources/0A1B2C3D/AddressBook-v22.abcddb",
    "Library/Application Support/Knowledge/knowledgeC.db",
    "Library/Application Support/CallHistoryDB/CallHistory.storedata",
    "Library/Application Support/com.apple.sharedfilelist/com.apple.LSSharedFileList.ApplicationRecentDocuments.storedata",
    "Library/Application Support/com.apple.TCC/TCC.db",
    "Library/Application Support/Dock/desktoppicture.db",
    "Library/Application Support/Quick Look/cloudthumbnails.db",
    "Library/Accounts/Accounts4.sqlite",
    "Library/Calendars/Calendar Cache",
    "Library/Calendars/Calendar.sqlitedb",
    "Library/Containers/com.apple.Notes/Data/Library/Notes/NotesV7.storedata",
    "Library/Group Containers/group.com.apple.notes/NoteStore.sqlite",
    "Library/Group Containers/group.com.apple.reminders/Container_v1/Stores/Data-local.sqlite",
    "Library/Safari/History.db",
    "Library/Safari/CloudTabs.db",
    "Library/Safari/PerSitePreferences.db",
    "Library/Suggestions/snippets.db",
    "Library/Messages/chat.db",
    "Library/Mail/V10/MailData/Envelope Index",
    "Library/Metadata/CoreSpotlight/index.spotlightV3/store.db",
    "Library/IdentityServices/ids.db",
    "Library/Photos/Libraries/Syndication.photoslibrary/database/Photos.sqlite",
    "Library/Cookies/HSTS.plist.db",
    "Library/WebKit/WebsiteData/LocalStorage/https_mp.weixin.qq.com_0.localstorage",
    "Library/WebKit/WebsiteData/LocalStorage/https_res.wx.qq.com_0.localstorage",
    "Library/Containers/com.tencent.xinWeChat/Data/Library/WebKit/WebsiteData/LocalStorage/https_mp.weixin.qq.com_0.localstorage",
    "Library/Containers/com.tencent.xinWeChat/Data/Library/Caches/com.tencent.xinWeChat/Cache.db",
    "Library/Containers/com.tencent.xinWeChat/Data/Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite",
    "Library/Caches/com.apple.Safari/Cache.db",
    "Library/Caches/com.apple.helpd/Generated/Help.data",
    "Library/Caches/com.spotify.client/Data/index.sqlite3",
    "Library/Application Support/Google/Chrome/Default/History",
    "Library/Application Support/Google/Chrome/Default/Cookies",
    "Library/Application Support/Google/Chrome/Default/Web Data",
    "Library/Application Support/Firefox/Profiles/x1y2.default/places.sqlite",
    "Library/Application Support/Firefox/Profiles/x1y2.default/webappsstore.sqlite",
];

/// 111 real SQLite databases: the shapes above, then more of the same kinds in more
/// folders, under every name style (no extension, `.sqlitedb`, `.db3`, `.data`, ...).
fn library_dbs() -> Vec<String> {
    let mut out: Vec<String> = LIBRARY_DBS.iter().map(|s| s.to_string()).collect();
    let styles = [
        "store.sqlitedb",
        "model.storedata",
        "AddressBook-v22.abcddb",
        "https_example.com_0.localstorage",
        "index",
        "Cache.db",
        "store.db3",
        "state.data",
        "offline.sql",
        "metadata.sqlite",
        "cache.cache",
        "db.bin",
    ];
    let mut i = 0;
    while out.len() < 111 {
        let style = styles[i % styles.len()];
        out.push(format!(
            "Library/Containers/com.example.app{:02}/Data/Library/Application Support/{style}",
            i / styles.len()
        ));
        i += 1;
    }
    out
}

/// A real SQLite database at `path` (one table, a few rows); every third in WAL mode
/// with its `-wal` left beside it.
fn sqlite_db(path: &Path, i: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    if i.is_multiple_of(3) {
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            .unwrap();
    }
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2), (3);")
        .unwrap();
    if i.is_multiple_of(3) {
        // Keep the -wal: copy the pair while the writer is still open.
        let copy = path.with_extension("tmpcopy");
        std::fs::copy(path, &copy).unwrap();
        let wal = format!("{}-wal", path.display());
        let wal_copy = format!("{}-wal", copy.display());
        std::fs::copy(&wal, &wal_copy).unwrap();
        drop(conn);
        std::fs::rename(&copy, path).unwrap();
        std::fs::rename(&wal_copy, &wal).unwrap();
        let _ = std::fs::remove_file(format!("{}-shm", path.display()));
    }
}

#[test]
fn every_sqlite_file_is_a_database_whatever_its_name() {
    let f = Fake::new();
    let dbs = library_dbs();
    assert_eq!(dbs.len(), 111);
    for (i, rel) in dbs.iter().enumerate() {
        sqlite_db(&f.path(rel), i);
    }
    // Files with the same names that are not SQLite, and SQLite under a name that says
    // it is something else (media and documents are not sniffed): not databases.
    f.file(
        "Library/Containers/com.example.other/Data/Library/model.storedata",
        b"bplist00\xd0\x08\x00\x00\x00\x00\x00\x00\x01\x01",
    )
    .file("Library/Caches/com.example.other/index", b"not a database")
    .file("Library/Caches/com.example.other/state.data", b"")
    .file(
        "Library/Caches/com.example.other/photo.jpg",
        b"SQLite format 3\0 but named as a photo",
    );
    let out = f
        .cmd()
        .args(["dbs", "--any", "--format", "json", "--no-row-counts"])
        .arg(f.path("Library"))
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let mut found: Vec<String> = r["databases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    found.sort();
    let mut want: Vec<String> = dbs
        .iter()
        .map(|p| p.strip_prefix("Library/").unwrap().to_string())
        .collect();
    want.sort();
    assert_eq!(found, want, "{:#}", r["issues"]);
    assert!(r["databases"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["encrypted"] == false && d["page_count"].as_u64() > Some(0)));
    // The scan types them all `sqlite`, whatever the name says.
    let s = f.scan_json("Library", &["--any"]);
    let sqlite = s["file_types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "sqlite")
        .expect("sqlite type");
    assert_eq!(sqlite["files"], 111);
}

#[test]
fn a_container_holding_only_data_library_is_a_container() {
    // Cookies and HTTP storages only: what a container looks like after a clean-up.
    let f = Fake::new();
    let c = "Library/Containers/com.tencent.xinWeChat";
    f.file(
        &format!("{c}/Data/Library/HTTPStorages/com.tencent.xinWeChat.binarycookies"),
        b"cook\0\0\0\0",
    )
    .file(
        &format!("{c}/Data/Library/Cookies/Cookies.binarycookies"),
        b"cook\0\0\0\0",
    );
    let kind = |rel: &str| {
        let r = f.scan_json(rel, &[]);
        (
            r["roots"][0]["kind"].as_str().unwrap().to_string(),
            r["roots"][0]["container_path"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    assert_eq!(kind(c), ("container".to_string(), String::new()));
    assert_eq!(kind(&format!("{c}/Data")).1, "Data");
    // The HTTP storages' cookie file marks a container under any name too.
    let g = Fake::new();
    g.file(
        "copy/Data/Library/HTTPStorages/com.tencent.xinWeChat.binarycookies",
        b"cook\0\0\0\0",
    );
    let r = g.scan_json("copy", &[]);
    assert_eq!(r["roots"][0]["kind"], "container");
    // The container's name alone does it, whatever `Data/` holds.
    let h = Fake::new();
    h.sized("com.tencent.xinWeChat/Data/Library/Caches/other/x.bin", 10);
    let r = h.scan_json("com.tencent.xinWeChat", &[]);
    assert_eq!(r["roots"][0]["kind"], "container");
    assert_eq!(
        category_of(&r, "com.tencent.xinWeChat/Data/Library/Caches/other/x.bin").as_deref(),
        None,
        "paths are relative to the root"
    );
    assert_eq!(
        category_of(&r, "Data/Library/Caches/other/x.bin").as_deref(),
        Some("caches")
    );
    // A folder that is not WeChat's is still refused.
    let n = Fake::new();
    n.sized("other/Data/Library/Caches/x.bin", 10);
    n.cmd().arg("scan").arg(n.path("other")).assert().code(2);
}

#[test]
fn the_early_4_0_beta_folder_is_recognised_at_every_level() {
    let f = Fake::new();
    f.sized(&format!("{BETA}/db_storage/message/message_0.db"), 4096)
        .sized(&format!("{BETA}/db_storage/contact/contact.db"), 4096);
    let app_support = "Data/Library/Application Support/com.tencent.xinWeChat";
    for (rel, kind) in [
        (app_support.to_string(), "wechat3-app-support"),
        (BETA.to_string(), "wechat4-beta"),
    ] {
        let r = f.scan_json(&rel, &[]);
        assert_eq!(r["roots"][0]["kind"], kind, "{rel}");
        let mut cats: Vec<&str> = r["largest"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["category"].as_str().unwrap())
            .collect();
        cats.sort();
        assert_eq!(cats, ["contact-db", "message-db"], "{rel}");
        assert!(r["largest"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["account"] == "shared"));
    }
}

/// A binary cookie file (the published layout), cookies given as (domain, name).
fn cookies(list: &[(&str, &str)]) -> Vec<u8> {
    let mut records = Vec::new();
    for (domain, name) in list {
        let url_off = 56u32;
        let name_off = url_off + domain.len() as u32 + 1;
        let path_off = name_off + name.len() as u32 + 1;
        let value_off = path_off + 2;
        let size = value_off + "SYNTHETIC_SECRET".len() as u32 + 1;
        let mut v = Vec::new();
        for x in [size, 0, 0, 0, url_off, name_off, path_off, value_off] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&[0u8; 8]);
        v.extend_from_slice(&757_382_400f64.to_le_bytes());
        v.extend_from_slice(&725_760_000f64.to_le_bytes());
        for s in [*domain, name, "/", "SYNTHETIC_SECRET"] {
            v.extend_from_slice(s.as_bytes());
            v.push(0);
        }
        records.push(v);
    }
    let mut page = vec![0, 0, 1, 0];
    page.extend_from_slice(&(records.len() as u32).to_le_bytes());
    let mut off = 12 + 4 * records.len() as u32;
    for r in &records {
        page.extend_from_slice(&off.to_le_bytes());
        off += r.len() as u32;
    }
    page.extend_from_slice(&[0, 0, 0, 0]);
    for r in &records {
        page.extend_from_slice(r);
    }
    let mut v = b"cook".to_vec();
    v.extend_from_slice(&1u32.to_be_bytes());
    v.extend_from_slice(&(page.len() as u32).to_be_bytes());
    v.extend_from_slice(&page);
    v.extend_from_slice(&0u32.to_be_bytes());
    v.extend_from_slice(&[0x07, 0x17, 0x20, 0x05, 0, 0, 0, 0x4B]);
    v
}

#[test]
fn cookies_whose_domain_is_not_a_host_name_are_kept_and_said_so() {
    let f = Fake::new();
    let file = "Data/Library/Cookies/Cookies.binarycookies";
    f.file(
        "Data/Library/Preferences/com.tencent.xinWeChat.plist",
        &prefs_plist(),
    )
    .file(
        file,
        &cookies(&[
            (".weixin.qq.com", "wxuin"),
            (".^filecookies^", "local_pref"),
            ("weird^domain", "x"),
            ("", "empty"),
        ]),
    );
    let hosts = |extra: &[&str]| -> Value {
        let out = f
            .cmd()
            .arg("hosts")
            .arg(f.root())
            .args(["--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let r = hosts(&[]);
    // The store's cookie count is the file's.
    assert_eq!(r["stores"][0]["cookies"], 4, "{r:#}");
    let h = |name: &str| {
        r["hosts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["host"] == name)
            .unwrap_or_else(|| panic!("no {name} in {r:#}"))
            .clone()
    };
    assert!(h("weixin.qq.com").get("not_a_host_name").is_none());
    for (name, cookie) in [
        (".^filecookies^", "local_pref"),
        ("weird^domain", "x"),
        ("(empty)", "empty"),
    ] {
        let e = h(name);
        assert_eq!(e["not_a_host_name"], true, "{name}");
        assert_eq!(e["domain"], name);
        assert_eq!(e["role"], Value::Null);
        assert_eq!(e["cookies"], serde_json::json!([cookie]));
    }
    // Said so in the table and the CSV; never a value.
    let table = f.cmd().arg("hosts").arg(f.root()).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains(".^filecookies^"), "{table}");
    assert!(table.contains("not a host name"), "{table}");
    let csv = f
        .cmd()
        .arg("hosts")
        .arg(f.root())
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.contains("host,.^filecookies^,.^filecookies^,"), "{csv}");
    assert!(csv.contains(",not a host name\n"), "{csv}");
    assert!(!table.contains("SYNTHETIC_SECRET") && !csv.contains("SYNTHETIC_SECRET"));
    // --redact: free text becomes a pseudonym; the fixed markers stay.
    let red = hosts(&["--redact"]);
    let names: Vec<&str> = red["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["host"].as_str().unwrap())
        .collect();
    assert!(names.contains(&".^filecookies^"), "{names:?}");
    assert!(names.contains(&"not-a-host-01"), "{names:?}");
    assert!(!serde_json::to_string(&red).unwrap().contains("weird"));
    // The schema accepts it.
    let schema: Value = serde_json::from_str(include_str!("../docs/hosts-schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for report in [&r, &red] {
        let errors: Vec<String> = validator
            .iter_errors(report)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

/// The hosts section of `scan --format html`.
fn html_hosts(f: &Fake) -> String {
    let out = f
        .cmd()
        .arg("scan")
        .arg(f.root())
        .args(["--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let start = html.find("<section id=\"hosts\">").expect("hosts section");
    let end = html[start..].find("</section>").unwrap() + start;
    html[start..end].to_string()
}

#[test]
fn html_says_when_stores_exist_but_cannot_be_read() {
    let f = Fake::new();
    f.file(
        "Data/Library/Preferences/com.tencent.xinWeChat.plist",
        &prefs_plist(),
    );
    // None at all.
    let s = html_hosts(&f);
    assert!(s.contains("No URL cache or cookie store found."), "{s}");
    // A Cache.db that is not a database and a truncated cookie file.
    f.file(
        "Data/Library/Caches/com.tencent.xinWeChat/Cache.db",
        b"this is not a database at all, just text standing in for one",
    )
    .file(
        "Data/Library/Cookies/Cookies.binarycookies",
        b"cook\0\0\0\x09",
    );
    let s = html_hosts(&f);
    assert!(!s.contains("No URL cache or cookie store found."), "{s}");
    assert!(s.contains("could not be read"), "{s}");
    assert!(
        s.contains("Data/Library/Caches/com.tencent.xinWeChat/Cache.db"),
        "{s}"
    );
    assert!(s.contains("Cookies.binarycookies"), "{s}");
    assert!(s.contains("corrupt-store"), "{s}");
    // Stores read that name no host.
    let g = Fake::new();
    g.file(
        "Data/Library/HTTPStorages/com.tencent.xinWeChat.binarycookies",
        &cookies(&[]),
    );
    let s = html_hosts(&g);
    assert!(s.contains("1 store(s) read; they name no host."), "{s}");
}

#[test]
fn dat_images_and_image_variants_count_files_the_same_way() {
    let f = Fake::new();
    let img = |chat: &str, name: &str| a4(&format!("msg/attach/{chat}/2024-05/Img/{name}"));
    f.sized(&img(CHAT, "0a1b.dat"), 4000)
        .sized(&img(CHAT, "0a1b_t.dat"), 400)
        .sized(&img(CHAT2, "9f8e_h.dat"), 9000)
        // WeChat hard-links an image forwarded to another chat.
        .hardlink(&img(CHAT, "0a1b.dat"), &img(CHAT2, "0a1b.dat"));
    let r = f.scan_json("", &[]);
    let sum = |v: &Value| -> (u64, u64) {
        v.as_array().unwrap().iter().fold((0, 0), |(n, b), x| {
            (
                n + x["files"].as_u64().unwrap(),
                b + x["apparent_bytes"].as_u64().unwrap(),
            )
        })
    };
    let dat = sum(&r["dat_images"]);
    let variants = sum(&r["image_variants"]);
    assert_eq!(dat, (3, 13_400));
    assert_eq!(dat, variants);
    assert_eq!(r["totals"]["files"], 3);
    // The hard-linked image counts in the chat of its first path.
    let original: Vec<&Value> = r["dat_images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["variant"] == "original")
        .collect();
    assert_eq!(original.len(), 1);
    assert_eq!(original[0]["chat"], CHAT2.min(CHAT));
    // The table says how it counts.
    let out = f.cmd().arg("scan").arg(f.root()).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("IMAGE VARIANTS (each file once)"), "{table}");
    assert!(
        table.contains("DAT IMAGES (4.x, each file once)"),
        "{table}"
    );
    let out = f
        .cmd()
        .arg("scan")
        .arg(f.root())
        .args(["--format", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains("<section id=\"images\">"),
        "no images section"
    );
    assert!(html.contains("each image counts once"));
}
