//! At least one file per category per layout, classified through the real binary.

use crate::util::*;

/// (container-relative path, expected category).
fn cases() -> Vec<(String, &'static str)> {
    let v = |s: &str| format!("{V3}/{s}");
    let x = |s: &str| format!("{XF}/{s}");
    vec![
        // WeChat 3.x
        (
            a3(&format!("Message/MessageTemp/{CHAT}/Image/1_.pic.jpg")),
            "chat-images",
        ),
        (
            a3(&format!("Message/MessageTemp/{CHAT}/Video/1_2.mp4")),
            "chat-videos",
        ),
        (
            a3(&format!("Message/MessageTemp/{CHAT}/Audio/1.aud.silk")),
            "chat-voice",
        ),
        (
            a3(&format!("Message/MessageTemp/{CHAT}/File/产学研数据2.xlsx")),
            "chat-files",
        ),
        (
            a3(&format!(
                "Message/MessageTemp/{CHAT}/OpenData/1/{CHAT2}.wav"
            )),
            "chat-other",
        ),
        (a3("Message/msg_3.db"), "message-db"),
        (a3("Message/msg_3.db-shm"), "message-db"),
        (a3("Message/fts/ftsmessage.db"), "message-db"),
        (a3("Session/session_new.db"), "message-db"),
        (a3("RevokeMsg/revokemsg.db"), "message-db"),
        (a3("Contact/wccontact_new2.db"), "contact-db"),
        (a3("Group/group_new.db-wal"), "contact-db"),
        (a3("Hardlink/hldata.db"), "other-db"),
        (a3("solitaire/solitaire_chat.db"), "other-db"),
        (a3("Favorites/favorites.db"), "favorites"),
        (a3("Favorites/data/x.silk"), "favorites"),
        (a3("Stickers/fav.archive"), "stickers"),
        (v("Avatar/x.jpg"), "avatars"),
        (a3("Sns/Data/sns.db"), "moments"),
        (
            v(&format!("Backup/{ACCT3}/0123456789abcdef/Backup.db")),
            "backups",
        ),
        (v("MMResourceMgr/r.bin"), "caches"),
        (v("CGI/c.bin"), "caches"),
        (v("CrashReport/c.log"), "logs"),
        (v(&format!("KeyValue/{ACCT3}/KeyValue.db")), "config"),
        (v("topinfo.data"), "config"),
        (a3("Unknown/thing.bin"), "other"),
        // WeChat 4.x
        (
            a4(&format!("msg/attach/{CHAT}/2024-05/Img/a.dat")),
            "chat-images",
        ),
        (
            a4(&format!("msg/attach/{CHAT}/2024-05/Video/a.mp4")),
            "chat-videos",
        ),
        (a4("msg/video/2024-05/a.mp4"), "chat-videos"),
        (
            a4(&format!("msg/attach/{CHAT}/2024-05/Voice/a.silk")),
            "chat-voice",
        ),
        (a4("db_storage/message/media_0.db"), "chat-voice"),
        (a4("db_storage/message/media_0.db-wal"), "chat-voice"),
        (a4("msg/file/2024-05/a.pdf"), "chat-files"),
        (
            a4(&format!("msg/attach/{CHAT}/2024-05/Other/a.bin")),
            "chat-other",
        ),
        (a4("db_storage/message/message_0.db"), "message-db"),
        (a4("db_storage/message/message_fts.db"), "message-db"),
        (a4("db_storage/session/session.db"), "message-db"),
        (a4("db_storage/contact/contact.db"), "contact-db"),
        (a4("db_storage/hardlink/hardlink.db"), "other-db"),
        (a4("db_storage/general/general.db"), "other-db"),
        (a4("db_storage/favorite/favorite.db"), "favorites"),
        (a4("business/favorite/a.jpg"), "favorites"),
        (a4("db_storage/emoticon/emoticon.db"), "stickers"),
        (a4("business/emoticon/a.gif"), "stickers"),
        (a4("db_storage/head_image/head_image.db"), "avatars"),
        (a4("temp/head_image/a.jpg"), "avatars"),
        (x("all_users/head_imgs/a.jpg"), "avatars"),
        (a4("db_storage/sns/sns.db"), "moments"),
        (a4("business/sns/a.jpg"), "moments"),
        (a4("msg/migrate/BAK_0_MEDIA"), "backups"),
        (x(&format!("Backup/{ACCT4}/a.bak")), "backups"),
        (x("old_backup/abc/2F1E3D4C/BAK_0_MEDIA"), "backups"),
        (a4(&format!("cache/2024-05/Message/{CHAT}/a.jpg")), "caches"),
        (a4(&format!("temp/RWTemp/2024-05/{CHAT}/a.pdf")), "caches"),
        (a4("business/xeditor/a.bin"), "caches"),
        (a4("resource/a.bin"), "caches"),
        (a4("apm_record/process_duration/a"), "logs"),
        (a4("cache/2024-05/a.xlog"), "logs"),
        (a4("config/a.cfg"), "config"),
        (x("all_users/config/global_config.crc"), "config"),
        (a4("somewhere/new.bin"), "other"),
        // Elsewhere in Data/
        ("Data/.wxapplet/WMPF/a.bin".into(), "mini-programs"),
        (
            "Data/Documents/app_data/radium/Applet/packages/wx1/1/__APP__.wxapkg".into(),
            "mini-programs",
        ),
        (
            "Data/Library/Caches/com.tencent.xinWeChat/2.0b4.0.9/log/a.log".into(),
            "logs",
        ),
        (
            "Data/Library/Caches/Matrix/AppReboot/AppReboot.dat".into(),
            "logs",
        ),
        ("Data/Documents/app_data/log/a.log".into(), "logs"),
        (
            "Data/Library/Caches/com.tencent.xinWeChat/Cache.db".into(),
            "caches",
        ),
        (
            "Data/Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite".into(),
            "caches",
        ),
        ("Data/Library/WebKit/a".into(), "caches"),
        ("Data/Documents/app_data/radium/users/1/a".into(), "caches"),
        (
            "Data/Library/Preferences/com.tencent.xinWeChat.plist".into(),
            "config",
        ),
        (
            "Data/Library/Cookies/Cookies.binarycookies".into(),
            "config",
        ),
        ("Data/Documents/app_data/lock/lock.ini".into(), "config"),
        (
            "Data/Documents/app_data/wxid_test01/lock.ini".into(),
            "config",
        ),
        ("Data/tmp/a".into(), "caches"),
        ("Data/Downloads/a".into(), "other"),
    ]
}

#[test]
fn every_category_in_every_layout() {
    let f = Fake::new();
    for (i, (path, _)) in cases().iter().enumerate() {
        f.sized(path, 10 + i);
    }
    let r = f.scan_json("", &[]);
    for (path, want) in cases() {
        assert_eq!(category_of(&r, &path).as_deref(), Some(want), "{path}");
    }
    // Every category id appears, including empty ones, in table order.
    let ids: Vec<&str> = r["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 18);
    assert_eq!(ids[0], "chat-images");
    assert_eq!(ids[17], "other");
}

#[test]
fn accounts_chats_and_layouts() {
    let f = upgraded_mac();
    let r = f.scan_json("", &[]);
    let acct = |id: &str| {
        r["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(acct(ACCT3)["layout"], "wechat3");
    assert_eq!(acct(ACCT4)["layout"], "wechat4");
    assert_eq!(acct("shared")["layout"], "shared");
    let chat = |a: &str, c: &str| {
        r["chats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["account"] == a && x["chat"] == c)
            .cloned()
            .unwrap()
    };
    // CHAT in 3.x: three images + a video (the hard-linked original counts in both chats).
    let c = chat(ACCT3, CHAT);
    assert_eq!(c["files"], 4);
    assert_eq!(c["categories"]["chat-images"], 3000 + 300 + 9000);
    assert_eq!(c["categories"]["chat-videos"], 20000);
    let c2 = chat(ACCT3, CHAT2);
    assert_eq!(c2["categories"]["chat-images"], 3000);
    assert_eq!(c2["categories"]["chat-voice"], 700);
    assert_eq!(chat(ACCT4, CHAT)["apparent_bytes"], 4400);
    let variants = r["image_variants"].as_array().unwrap();
    let v = |l: &str, k: &str| {
        variants
            .iter()
            .find(|v| v["layout"] == l && v["variant"] == k)
            .map(|v| v["apparent_bytes"].clone())
    };
    assert_eq!(v("wechat3", "original"), Some(3000.into()));
    assert_eq!(v("wechat3", "hd"), Some(9000.into()));
    assert_eq!(v("wechat3", "thumbnail"), Some(300.into()));
    assert_eq!(v("wechat4", "original"), Some(4000.into()));
    assert_eq!(v("wechat4", "thumbnail"), Some(400.into()));
    let months: Vec<&str> = r["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(months, ["2020-09", "2024-05"]);
}
