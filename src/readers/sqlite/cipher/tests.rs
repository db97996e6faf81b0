use super::*;
use crate::readers::sqlite::btree::tests::{
    check_accounting, new_db, open_fast, our_truth, sqlite_truth,
};
use crate::readers::sqlite::btree::ObjectPages;
use crate::readers::sqlite::keyfile::DbKey;
use crate::readers::sqlite::pagereport::{describe_pages, DescribeOptions, PageReport};
use crate::readers::sqlite::wal::{
    parse_wal_header, wal_checksum, WAL_FRAME_HEADER_LEN, WAL_HEADER_LEN,
};
use rusqlite::Connection;

const ACCOUNT: [u8; 32] = [
    0x2d, 0xd2, 0x9c, 0xa8, 0x51, 0xe7, 0xb5, 0x6e, 0x46, 0x97, 0xb0, 0xe1, 0xf0, 0x85, 0x07, 0x29,
    0x3d, 0x76, 0x1a, 0x05, 0xce, 0x4d, 0x1b, 0x62, 0x86, 0x63, 0xf4, 0x11, 0xa8, 0x08, 0x6d, 0x99,
];
const SALT: [u8; 16] = *b"synthetic-salt!!";

fn ring(key: [u8; 32]) -> KeyRing {
    KeyRing::new(KeyFile::Account(Zeroizing::new(key)))
}

/// One ring per key for the whole test binary, so each slow derivation
/// (PBKDF2-SHA512, 256,000 rounds) runs once.
fn shared_ring(right: bool) -> &'static KeyRing {
    static RIGHT: std::sync::OnceLock<KeyRing> = std::sync::OnceLock::new();
    static WRONG: std::sync::OnceLock<KeyRing> = std::sync::OnceLock::new();
    if right {
        RIGHT.get_or_init(|| ring(ACCOUNT))
    } else {
        WRONG.get_or_init(|| {
            let mut k = ACCOUNT;
            k[0] ^= 1;
            ring(k)
        })
    }
}

fn keys_for(profile: Profile, base: &[u8; 32], salt: &[u8; 16]) -> PageKeys {
    assert_eq!(base, &ACCOUNT);
    let enc = shared_ring(true).derive(0, base, salt, profile.kdf);
    PageKeys::new(profile, &enc, salt).unwrap()
}

fn iv(pgno: u32, tag: u8) -> [u8; 16] {
    let mut iv = [tag; 16];
    iv[..4].copy_from_slice(&pgno.to_le_bytes());
    iv
}

/// Encrypts a plaintext database image page by page, as SQLCipher writes it.
fn encrypt_db(plain: &[u8], keys: &PageKeys, salt: &[u8; 16]) -> Vec<u8> {
    let ps = keys.profile().page_size as usize;
    let mut out = plain.to_vec();
    for (i, page) in out.chunks_mut(ps).enumerate() {
        keys.encrypt(i as u32 + 1, page, &iv(i as u32 + 1, 0x11), salt);
    }
    out
}

/// Encrypts every frame's page of a WAL under its page number and redoes the
/// checksum chain (frame headers stay plaintext, as WeChat's do).
fn encrypt_wal(wal: &[u8], keys: &PageKeys, salt: &[u8; 16]) -> Vec<u8> {
    let h = parse_wal_header(wal).unwrap();
    let ps = h.page_size as usize;
    let mut out = wal.to_vec();
    // The plaintext chain (to find the valid frames) and the rewritten one.
    let mut old = (h.checksum1, h.checksum2);
    let mut ck = old;
    let mut off = WAL_HEADER_LEN;
    let mut n = 0u8;
    while off + WAL_FRAME_HEADER_LEN + ps <= out.len() {
        let (fh, rest) = out[off..].split_at_mut(WAL_FRAME_HEADER_LEN);
        let page = &mut rest[..ps];
        let pgno = u32::from_be_bytes(fh[..4].try_into().unwrap());
        let c = wal_checksum(&fh[..8], h.big_endian_checksums, old);
        let c = wal_checksum(page, h.big_endian_checksums, c);
        if fh[16..20] != c.0.to_be_bytes() || fh[20..24] != c.1.to_be_bytes() {
            break;
        }
        old = c;
        n = n.wrapping_add(1);
        keys.encrypt(pgno, page, &iv(pgno, n), salt);
        let c = wal_checksum(&fh[..8], h.big_endian_checksums, ck);
        let c = wal_checksum(page, h.big_endian_checksums, c);
        fh[16..20].copy_from_slice(&c.0.to_be_bytes());
        fh[20..24].copy_from_slice(&c.1.to_be_bytes());
        ck = c;
        off += WAL_FRAME_HEADER_LEN + ps;
    }
    out
}

fn describe(path: &std::path::Path, r: Option<&KeyRing>) -> PageReport {
    describe_pages(
        path,
        r,
        &DescribeOptions {
            threads: 2,
            ..DescribeOptions::default()
        },
    )
    .unwrap()
}

/// A plaintext database with WeChat-like tables and `reserve` bytes per page.
fn sample(path: &std::path::Path, page_size: u32, reserve: u8) -> Connection {
    new_db(path, page_size, reserve, 0, false);
    let c = open_fast(path);
    c.execute_batch(
        "CREATE TABLE Msg_0123(local_id INTEGER PRIMARY KEY AUTOINCREMENT, create_time INTEGER, message_content TEXT);
         CREATE INDEX Msg_0123_T ON Msg_0123(create_time);
         CREATE TABLE Name2Id(user_name TEXT PRIMARY KEY) WITHOUT ROWID;",
    )
    .unwrap();
    for i in 0..400 {
        c.execute(
            "INSERT INTO Msg_0123(create_time, message_content) VALUES(?1, ?2)",
            rusqlite::params![1_700_000_000 + i, "m".repeat((i as usize * 53) % 9000)],
        )
        .unwrap();
    }
    for i in 0..50 {
        c.execute("INSERT INTO Name2Id VALUES(?1)", [format!("wxid_{i:0>12}")])
            .unwrap();
    }
    c
}

#[test]
fn every_profile_round_trips_and_other_keys_do_not_open_it() {
    let dir = tempfile::tempdir().unwrap();
    for (i, profile) in PROFILES.iter().enumerate() {
        let plain = dir.path().join(format!("plain{i}.db"));
        let c = sample(&plain, profile.page_size, profile.reserve as u8);
        let truth = sqlite_truth(&c);
        drop(c);
        let keys = keys_for(*profile, &ACCOUNT, &SALT);
        let enc = dir.path().join(format!("enc{i}.db"));
        std::fs::write(
            &enc,
            encrypt_db(&std::fs::read(&plain).unwrap(), &keys, &SALT),
        )
        .unwrap();

        let r = describe(&enc, Some(shared_ring(true)));
        assert!(r.encrypted);
        assert_eq!(r.key, Some(KeyStatus::Ok), "{}", profile.name);
        // The raw 4.x profile and the account-key profile are the same
        // parameters for a raw key; the first that verifies wins.
        assert_eq!(r.profile, Some(profile.name));
        let l = r.layout.unwrap();
        check_accounting(&l);
        assert_eq!(our_truth(&l), truth, "{}", profile.name);

        let r = describe(&enc, Some(shared_ring(false)));
        assert_eq!(r.key, Some(KeyStatus::Mismatch));
        assert!(r.layout.is_none());
        let r = describe(&enc, None);
        assert_eq!(r.key, Some(KeyStatus::None));
        assert!(r.layout.is_none());
    }
}

#[test]
fn a_damaged_page_is_an_error_for_that_page_not_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let profile = PROFILES[0];
    let plain = dir.path().join("p.db");
    drop(sample(&plain, 1024, 48));
    let keys = keys_for(profile, &ACCOUNT, &SALT);
    let mut bytes = encrypt_db(&std::fs::read(&plain).unwrap(), &keys, &SALT);
    let pages = bytes.len() / 1024;
    // Flip a byte in the last page (a leaf or overflow page of a table).
    bytes[(pages - 1) * 1024 + 100] ^= 1;
    let enc = dir.path().join("e.db");
    std::fs::write(&enc, &bytes).unwrap();
    let r = describe(&enc, Some(shared_ring(true)));
    assert_eq!(r.key, Some(KeyStatus::Ok));
    let l = r.layout.unwrap();
    assert_eq!(l.unreadable_pages, 1);
    assert_eq!(
        l.unreadable_examples,
        vec![PageError::Hmac { pgno: pages as u32 }]
    );
    let broken: Vec<&ObjectPages> = l.objects.iter().filter(|o| !o.complete).collect();
    assert_eq!(broken.len(), 1, "{:?}", l.objects);
    assert!(broken[0].error.as_deref().unwrap().contains("HMAC"));

    // Page 1 damaged: the key cannot be confirmed.
    let mut bytes1 = encrypt_db(&std::fs::read(&plain).unwrap(), &keys, &SALT);
    bytes1[500] ^= 1;
    std::fs::write(&enc, &bytes1).unwrap();
    assert_eq!(
        describe(&enc, Some(shared_ring(true))).key,
        Some(KeyStatus::Mismatch)
    );
}

#[test]
fn an_encrypted_wal_is_decrypted_up_to_its_last_commit() {
    let dir = tempfile::tempdir().unwrap();
    let profile = PROFILES[3]; // 4.x, account key through PBKDF2-SHA512
    let plain = dir.path().join("p.db");
    let c = sample(&plain, 4096, 80);
    c.execute_batch("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=4;")
        .unwrap();
    for i in 0..300 {
        c.execute(
            "INSERT INTO Msg_0123(create_time, message_content) VALUES(?1, ?2)",
            rusqlite::params![1_800_000_000 + i, "w".repeat((i as usize * 97) % 7000)],
        )
        .unwrap();
    }
    c.execute("DELETE FROM Name2Id WHERE user_name LIKE '%5'", [])
        .unwrap();
    let truth = sqlite_truth(&c);
    c.execute_batch("BEGIN; INSERT INTO Msg_0123(create_time, message_content) SELECT create_time, message_content FROM Msg_0123;")
        .unwrap();
    let db = std::fs::read(&plain).unwrap();
    let wal = std::fs::read(dir.path().join("p.db-wal")).unwrap();
    c.execute_batch("ROLLBACK").unwrap();

    let keys = keys_for(profile, &ACCOUNT, &SALT);
    let enc = dir.path().join("e.db");
    std::fs::write(&enc, encrypt_db(&db, &keys, &SALT)).unwrap();
    std::fs::write(dir.path().join("e.db-wal"), encrypt_wal(&wal, &keys, &SALT)).unwrap();
    let r = describe(&enc, Some(shared_ring(true)));
    assert_eq!(r.key, Some(KeyStatus::Ok));
    assert_eq!(r.profile, Some("wechat4"));
    let w = r.wal.clone().unwrap();
    assert!(w.frames_uncommitted > 0, "{w:?} {:?}", r.issues);
    assert!(w.frames_committed > 0);
    let l = r.layout.unwrap();
    check_accounting(&l);
    assert_eq!(our_truth(&l), truth);
}

#[test]
fn per_database_keys_match_by_salt_or_path() {
    let dir = tempfile::tempdir().unwrap();
    let profile = PROFILES[3];
    let plain = dir.path().join("p.db");
    drop(sample(&plain, 4096, 80));
    let keys = keys_for(profile, &ACCOUNT, &SALT);
    let sub = dir.path().join("message");
    std::fs::create_dir(&sub).unwrap();
    let enc = sub.join("message_0.db");
    std::fs::write(
        &enc,
        encrypt_db(&std::fs::read(&plain).unwrap(), &keys, &SALT),
    )
    .unwrap();
    // The derived key, as all_keys.json holds it.
    let derived = shared_ring(true).derive(0, &ACCOUNT, &SALT, profile.kdf);
    let entry = |rel: &str, salt: Option<[u8; 16]>| DbKey {
        rel_path: rel.into(),
        enc_key: derived.clone(),
        salt,
    };
    let by_salt = KeyRing::new(KeyFile::PerDatabase {
        entries: vec![
            entry("elsewhere.db", Some([9; 16])),
            entry("x.db", Some(SALT)),
        ],
        db_dir: None,
    });
    let r = describe(&enc, Some(&by_salt));
    assert_eq!(r.key, Some(KeyStatus::Ok));
    assert_eq!(r.profile, Some("wechat4-database-key"));
    let by_path = KeyRing::new(KeyFile::PerDatabase {
        entries: vec![entry("message/message_0.db", None)],
        db_dir: None,
    });
    assert_eq!(describe(&enc, Some(&by_path)).key, Some(KeyStatus::Ok));
    let by_windows_path = KeyRing::new(KeyFile::PerDatabase {
        entries: vec![entry("message\\message_0.db", None)],
        db_dir: None,
    });
    assert_eq!(
        describe(&enc, Some(&by_windows_path)).key,
        Some(KeyStatus::Ok)
    );
    let other = KeyRing::new(KeyFile::PerDatabase {
        entries: vec![
            entry("contact/contact.db", None),
            entry("m.db", Some([1; 16])),
        ],
        db_dir: None,
    });
    assert_eq!(describe(&enc, Some(&other)).key, Some(KeyStatus::None));
}

#[test]
fn derived_keys_are_cached_per_salt() {
    let r = ring(ACCOUNT);
    let a = r.derive(0, &ACCOUNT, &SALT, Kdf::Pbkdf2Sha1(64_000));
    assert_eq!(r.derived.lock().unwrap().len(), 1);
    let b = r.derive(0, &ACCOUNT, &SALT, Kdf::Pbkdf2Sha1(64_000));
    assert_eq!(r.derived.lock().unwrap().len(), 1);
    assert_eq!(*a, *b);
    let c = r.derive(0, &ACCOUNT, &[0; 16], Kdf::Pbkdf2Sha1(64_000));
    assert_eq!(r.derived.lock().unwrap().len(), 2);
    assert_ne!(*a, *c);
    // Raw keys are not derived, so not cached.
    let d = r.derive(0, &ACCOUNT, &SALT, Kdf::Raw);
    assert_eq!(*d, ACCOUNT);
    assert_eq!(r.derived.lock().unwrap().len(), 2);
    // A known PBKDF2-HMAC-SHA1 vector (RFC 6070, 2 rounds).
    let mut out = [0u8; 20];
    pbkdf2::pbkdf2_hmac::<Sha1>(b"password", b"salt", 2, &mut out);
    assert_eq!(out[..4], [0xea, 0x6c, 0x01, 0x4d]);
    assert!(!format!("{r:?}").contains("2d"));
    let k = keys_for(PROFILES[0], &ACCOUNT, &SALT);
    assert!(!format!("{k:?}").to_lowercase().contains("2dd2"));
}

#[test]
fn path_suffix_matching() {
    use std::path::Path;
    assert!(path_ends_with(
        Path::new("/a/b/message/m.db"),
        "message/m.db"
    ));
    assert!(path_ends_with(
        Path::new("/a/b/message/m.db"),
        "./message/m.db"
    ));
    assert!(!path_ends_with(
        Path::new("/a/b/xmessage/m.db"),
        "message/m.db"
    ));
    assert!(!path_ends_with(Path::new("/m.db"), "message/m.db"));
    assert!(!path_ends_with(Path::new("/m.db"), ""));
}
