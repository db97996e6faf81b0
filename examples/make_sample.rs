//! Generates `sample_container/`: a small, fully synthetic copy of one upgraded Mac's WeChat
//! sandbox container (`~/Library/Containers/com.tencent.xinWeChat`), holding both the 3.x and the
//! 4.x trees plus the app-wide stores.
//!
//! ```text
//! cargo run --example make_sample -- sample_container          # refuses a non-empty folder
//! cargo run --example make_sample -- sample_container --force  # deletes that folder first
//! ```
//!
//! Every path comes from `docs/wechat-macos-layout.md` (the fact base); `docs/sample-container.md`
//! lists each path with its section and evidence tag, and marks the few names that are our own
//! invention ([I]). All data is invented: wxids, names, chat ids, hashes (md5 computed here from
//! invented usernames), URLs' query values, cookie values. Output is deterministic: a fixed-seed
//! PRNG drives every byte, SQLite files are written by the bundled SQLite with fixed inputs, and the
//! one WAL that real SQLite writes (Cache.db-wal) has its random salts rewritten to fixed values.
//!
//! Encrypted databases are imitations: random bytes whose first 16 bytes play the SQLCipher salt,
//! sized in whole pages (1024 for 3.x, 4096 for 4.x). They cannot be decrypted. Media files carry
//! real magic numbers and minimal valid structure (tiny JPEG/PNG/GIF, `ftyp` MP4, SILK, RIFF, PDF,
//! ZIP) but are not meant to be played.

#[path = "common/md5.rs"]
mod md5;
#[path = "common/splitmix.rs"]
mod splitmix;
use md5::{md5, md5_hex};

use std::collections::BTreeMap;
use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use plist::{Dictionary, Uid, Value};
use rusqlite::{params, Connection};

type Res<T = ()> = Result<T, Box<dyn Error>>;

// ---------------------------------------------------------------------------------------------
// Invented identities (none of these belong to a real person).
// ---------------------------------------------------------------------------------------------

const V3: &str = "Data/Library/Application Support/com.tencent.xinWeChat/2.0b4.0.9";
const V4: &str = "Data/Documents/xwechat_files";
const APP_DATA: &str = "Data/Documents/app_data";
const CACHES: &str = "Data/Library/Caches/com.tencent.xinWeChat";

const ALICE: &str = "wxid_samplealice01";
const BOB: &str = "wxid_samplebob0002";
/// 4.x account dirs: wxid + `_` + 4 hex (derivation unknown, layout doc §3.1 / §7); suffixes invented.
const ALICE_V4: &str = "wxid_samplealice01_7f3e";
const BOB_V4: &str = "wxid_samplebob0002_1c9d";
/// An older-style custom-id account (layout doc §3.1, U16), 4.x only.
const ERIN_ID: &str = "erin1990";
const ERIN_V4: &str = "erin1990_4a6d";

const FILEHELPER: &str = "filehelper";
const CAROL: &str = "wxid_samplecarol03";
const DAVE: &str = "wxid_sampledave004";
const GROUP1: &str = "10000000001@chatroom";
const GROUP2: &str = "10000000002@chatroom";

const APPID_1: &str = "wx5a3b1c2d3e4f5a6b";
const APPID_2: &str = "wx0f1e2d3c4b5a6978";

// ---------------------------------------------------------------------------------------------
// Deterministic PRNG (SplitMix64).
// ---------------------------------------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        splitmix::next(&mut self.0)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(n + 8);
        while v.len() < n {
            v.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        v.truncate(n);
        v
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    fn hex(&mut self, nbytes: usize) -> String {
        hex(&self.bytes(nbytes))
    }
    fn uuid(&mut self) -> String {
        let h = self.hex(16).to_uppercase();
        format!(
            "{}-{}-4{}-A{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

// ---------------------------------------------------------------------------------------------
// Small hash functions written out here (no extra dependencies).
// ---------------------------------------------------------------------------------------------

/// CRC-32 (IEEE), for PNG chunks and ZIP entries.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

// ---------------------------------------------------------------------------------------------
// Media builders: real magic numbers, minimal valid structure, deterministic filler.
// ---------------------------------------------------------------------------------------------

/// A valid baseline JPEG of one grey pixel (JFIF APP0, DQT, SOF0, two one-symbol Huffman tables,
/// SOS with the two bits "DC diff 0, EOB" padded with ones, EOI), grown to about `len` bytes with
/// COM segments of filler.
fn jpeg(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    // APP0 JFIF 1.01, no density, no thumbnail.
    v.extend_from_slice(&[
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00,
    ]);
    let tail_len = 2 + 67 + 2 + 11 + 2 + 20 + 2 + 20 + 2 + 8 + 1 + 2;
    let mut room = len.saturating_sub(v.len() + tail_len);
    while room > 4 {
        let payload = room.saturating_sub(4).min(65_533);
        v.extend_from_slice(&[0xFF, 0xFE]);
        v.extend_from_slice(&((payload + 2) as u16).to_be_bytes());
        v.extend_from_slice(&rng.bytes(payload));
        room = room.saturating_sub(payload + 4);
    }
    // DQT: table 0, 8-bit, all ones.
    v.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    v.extend_from_slice(&[1u8; 64]);
    // SOF0: 8-bit, 1x1, one component (id 1, 1x1 sampling, table 0).
    v.extend_from_slice(&[
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00,
    ]);
    // DHT DC table 0: one code of length 1 for category 0.
    let mut dc = vec![0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01];
    dc.extend_from_slice(&[0u8; 15]);
    dc.push(0x00);
    v.extend_from_slice(&dc);
    // DHT AC table 0: one code of length 1 for EOB (0x00).
    let mut ac = vec![0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01];
    ac.extend_from_slice(&[0u8; 15]);
    ac.push(0x00);
    v.extend_from_slice(&ac);
    // SOS: one component, tables 0/0, spectral 0..63.
    v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00]);
    v.push(0x3F); // bits 0 (DC cat 0) + 0 (EOB), padded with ones
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let mut c = kind.to_vec();
    c.extend_from_slice(data);
    out.extend_from_slice(&c);
    out.extend_from_slice(&crc32(&c).to_be_bytes());
}

/// A valid 1x1 RGB PNG (stored-deflate IDAT), grown with a tEXt "Comment" chunk of filler.
fn png(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png_chunk(&mut v, b"IHDR", &ihdr);
    let fixed = v.len() + 12 + 22 + 12 + 12;
    if len > fixed + 8 {
        let mut text = b"Comment\0".to_vec();
        let n = len - fixed - text.len();
        text.extend(rng.bytes(n).iter().map(|b| b'a' + (b % 26)));
        png_chunk(&mut v, b"tEXt", &text);
    }
    let raw = [0u8, 0x3A, 0x7B, 0xD5]; // filter 0 + one RGB pixel
    let mut z = vec![0x78, 0x01, 0x01];
    z.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    z.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    z.extend_from_slice(&raw);
    z.extend_from_slice(&adler32(&raw).to_be_bytes());
    png_chunk(&mut v, b"IDAT", &z);
    png_chunk(&mut v, b"IEND", &[]);
    v
}

/// The classic 1x1 GIF89a, grown with a comment extension of filler sub-blocks.
fn gif(rng: &mut Rng, len: usize) -> Vec<u8> {
    let head = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
        0x00, 0xFF, 0xFF, 0xFF,
    ];
    let body = [
        0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00, 0x02, 0x01, 0x44, 0x00, 0x3B,
    ];
    let mut v = head.to_vec();
    let mut room = len.saturating_sub(head.len() + body.len() + 3);
    if room > 2 {
        v.extend_from_slice(&[0x21, 0xFE]);
        while room > 1 {
            let n = (room - 1).min(255);
            v.push(n as u8);
            v.extend_from_slice(&rng.bytes(n));
            room -= n + 1;
        }
        v.push(0x00);
    }
    v.extend_from_slice(&body);
    v
}

/// Starts with a real `ftyp` box, then `free` and an `mdat` box of filler. Not playable.
fn mp4(rng: &mut Rng, len: usize) -> Vec<u8> {
    let mut v = Vec::new();
    let brands: [&[u8; 4]; 4] = [b"isom", b"iso2", b"avc1", b"mp41"];
    v.extend_from_slice(&(16 + 4 * brands.len() as u32).to_be_bytes());
    v.extend_from_slice(b"ftypisom");
    v.extend_from_slice(&0x200u32.to_be_bytes());
    for b in brands {
        v.extend_from_slice(b);
    }
    v.extend_from_slice(&8u32.to_be_bytes());
    v.extend_from_slice(b"free");
    let n = len.saturating_sub(v.len() + 8).max(16);
    v.extend_from_slice(&((n + 8) as u32).to_be_bytes());
    v.extend_from_slice(b"mdat");
    v.extend_from_slice(&rng.bytes(n));
    v
}

/// WeChat-style SILK v3: one 0x02 byte, `#!SILK_V3`, then frames of (u16 LE length, bytes).
fn silk(rng: &mut Rng, frames: usize) -> Vec<u8> {
    let mut v = b"\x02#!SILK_V3".to_vec();
    for _ in 0..frames {
        let n = 20 + rng.below(40) as usize;
        v.extend_from_slice(&(n as u16).to_le_bytes());
        v.extend_from_slice(&rng.bytes(n));
    }
    v
}

/// RIFF/WAVE, PCM mono 16 kHz 16-bit, quiet noise.
fn wav(rng: &mut Rng, samples: usize) -> Vec<u8> {
    let data_len = (samples * 2) as u32;
    let mut v = b"RIFF".to_vec();
    v.extend_from_slice(&(36 + data_len).to_le_bytes());
    v.extend_from_slice(b"WAVEfmt ");
    v.extend_from_slice(&16u32.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes());
    v.extend_from_slice(&1u16.to_le_bytes());
    v.extend_from_slice(&16_000u32.to_le_bytes());
    v.extend_from_slice(&32_000u32.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&16u16.to_le_bytes());
    v.extend_from_slice(b"data");
    v.extend_from_slice(&data_len.to_le_bytes());
    for _ in 0..samples {
        let s = (rng.below(512) as i16) - 256;
        v.extend_from_slice(&s.to_le_bytes());
    }
    v
}

/// A minimal, valid one-page PDF 1.4 with a correct xref table.
fn pdf(title: &str, pad: usize, rng: &mut Rng) -> Vec<u8> {
    let text = format!("BT /F1 12 Tf 72 720 Td ({title}) Tj ET");
    let filler: String = rng
        .bytes(pad)
        .iter()
        .map(|b| char::from(b'A' + (b % 26)))
        .collect();
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{text}\n% {filler}\nendstream",
            text.len() + filler.len() + 3
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A valid ZIP archive of stored (uncompressed) entries, fixed DOS timestamp 2024-01-02 10:00.
fn zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let (dos_time, dos_date) = (10u16 << 11, ((2024u16 - 1980) << 9) | (1 << 5) | 2);
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let crc = crc32(data);
        let off = out.len() as u32;
        let flags: u16 = if name.is_ascii() { 0 } else { 0x0800 };
        let mut hdr = Vec::new();
        hdr.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        hdr.extend_from_slice(&20u16.to_le_bytes());
        hdr.extend_from_slice(&flags.to_le_bytes());
        hdr.extend_from_slice(&0u16.to_le_bytes());
        hdr.extend_from_slice(&dos_time.to_le_bytes());
        hdr.extend_from_slice(&dos_date.to_le_bytes());
        hdr.extend_from_slice(&crc.to_le_bytes());
        hdr.extend_from_slice(&(data.len() as u32).to_le_bytes());
        hdr.extend_from_slice(&(data.len() as u32).to_le_bytes());
        hdr.extend_from_slice(&(name.len() as u16).to_le_bytes());
        hdr.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&hdr);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes());
        central.extend_from_slice(&hdr[4..30]);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
        central.extend_from_slice(&0u32.to_le_bytes()); // external attrs
        central.extend_from_slice(&off.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_off = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn docx(body: &str, rng: &mut Rng) -> Vec<u8> {
    zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_vec(),
        ),
        (
            "word/document.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"#).into_bytes(),
        ),
        ("word/media/image1.png", png(rng, 3000)),
    ])
}

fn xlsx(sheet_text: &str, rng: &mut Rng) -> Vec<u8> {
    zip(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_vec(),
        ),
        (
            "xl/workbook.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>"#.to_vec(),
        ),
        (
            "xl/sharedStrings.xml",
            format!(r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>{sheet_text}</t></si></sst>"#).into_bytes(),
        ),
        ("xl/media/filler.bin", rng.bytes(2500)),
    ])
}

/// Imitation of a SQLCipher database: 16 salt bytes then page-encrypted noise. Whole pages only.
fn cipher_db(rng: &mut Rng, pages: usize, page_size: usize) -> Vec<u8> {
    rng.bytes(pages * page_size)
}

/// SQLite WAL checksum (wal.c): pairs of 32-bit words, little- or big-endian per the magic.
fn wal_cksum(data: &[u8], init: (u32, u32), big_endian: bool) -> (u32, u32) {
    let (mut s0, mut s1) = init;
    for w in data.chunks_exact(8) {
        let rd = |b: &[u8]| {
            let a = [b[0], b[1], b[2], b[3]];
            if big_endian {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        s0 = s0.wrapping_add(rd(&w[0..4])).wrapping_add(s1);
        s1 = s1.wrapping_add(rd(&w[4..8])).wrapping_add(s0);
    }
    (s0, s1)
}

/// A `-wal` sidecar with a real WAL header (magic 0x377F0682, format 3007000, given page size)
/// and `frames` committed frames whose pages are noise (as with an encrypted database).
fn wal_file(rng: &mut Rng, page_size: u32, frames: u32, db_pages: u32) -> Vec<u8> {
    let salt1 = (rng.next_u64() >> 32) as u32;
    let salt2 = (rng.next_u64() >> 32) as u32;
    let mut v = Vec::new();
    v.extend_from_slice(&0x377F_0682u32.to_be_bytes());
    v.extend_from_slice(&3_007_000u32.to_be_bytes());
    v.extend_from_slice(&page_size.to_be_bytes());
    v.extend_from_slice(&1u32.to_be_bytes()); // checkpoint sequence
    v.extend_from_slice(&salt1.to_be_bytes());
    v.extend_from_slice(&salt2.to_be_bytes());
    let mut s = wal_cksum(&v, (0, 0), false);
    v.extend_from_slice(&s.0.to_be_bytes());
    v.extend_from_slice(&s.1.to_be_bytes());
    for i in 0..frames {
        let page = rng.bytes(page_size as usize);
        let mut fh = Vec::new();
        fh.extend_from_slice(&(i + 1).to_be_bytes());
        let commit = if i + 1 == frames { db_pages } else { 0 };
        fh.extend_from_slice(&commit.to_be_bytes());
        fh.extend_from_slice(&salt1.to_be_bytes());
        fh.extend_from_slice(&salt2.to_be_bytes());
        s = wal_cksum(&fh[0..8], s, false);
        s = wal_cksum(&page, s, false);
        fh.extend_from_slice(&s.0.to_be_bytes());
        fh.extend_from_slice(&s.1.to_be_bytes());
        v.extend_from_slice(&fh);
        v.extend_from_slice(&page);
    }
    v
}

/// Rewrites the salts of a real SQLite WAL to fixed values and recomputes every checksum, so a WAL
/// written by SQLite (whose salt2 is random) becomes byte-for-byte reproducible.
fn fix_wal_salts(wal: &mut [u8], salt1: u32, salt2: u32) -> Res {
    if wal.len() < 32 {
        return Err("WAL too short".into());
    }
    let magic = u32::from_be_bytes([wal[0], wal[1], wal[2], wal[3]]);
    let be = magic & 1 == 1;
    let page_size = u32::from_be_bytes([wal[8], wal[9], wal[10], wal[11]]) as usize;
    wal[16..20].copy_from_slice(&salt1.to_be_bytes());
    wal[20..24].copy_from_slice(&salt2.to_be_bytes());
    let mut s = wal_cksum(&wal[0..24], (0, 0), be);
    wal[24..28].copy_from_slice(&s.0.to_be_bytes());
    wal[28..32].copy_from_slice(&s.1.to_be_bytes());
    let frame = 24 + page_size;
    let mut off = 32;
    while off + frame <= wal.len() {
        wal[off + 8..off + 12].copy_from_slice(&salt1.to_be_bytes());
        wal[off + 12..off + 16].copy_from_slice(&salt2.to_be_bytes());
        s = wal_cksum(&wal[off..off + 8], s, be);
        s = wal_cksum(&wal[off + 24..off + frame], s, be);
        wal[off + 16..off + 20].copy_from_slice(&s.0.to_be_bytes());
        wal[off + 20..off + 24].copy_from_slice(&s.1.to_be_bytes());
        off += frame;
    }
    Ok(())
}

/// Tencent mars xlog blocks (layout doc §2.5, XL): magic, u16 seq, begin/end hour, u32 length,
/// crypt-key field (4 or 64 bytes), payload, 0x00. Magic 0x08 (no compression, no crypt) carries
/// readable synthetic lines; 0x07 and 0x0C carry noise standing in for compressed/encrypted data.
fn xlog(rng: &mut Rng, blocks: &[(u8, &str)], day: &str) -> Vec<u8> {
    let mut v = Vec::new();
    for (seq, (magic, tag)) in blocks.iter().enumerate() {
        let key_len = if matches!(magic, 0x03..=0x05) { 4 } else { 64 };
        let payload: Vec<u8> = if *magic == 0x08 {
            let mut s = String::new();
            for i in 0..12 {
                s.push_str(&format!(
                    "[I][{day} +8.0 {:02}:{:02}:{:02}.000][{tag}] synthetic sample log line {i}\n",
                    9 + seq,
                    i * 3 % 60,
                    i * 7 % 60
                ));
            }
            s.into_bytes()
        } else {
            let n = 600 + rng.below(900) as usize;
            rng.bytes(n)
        };
        v.push(*magic);
        v.extend_from_slice(&((seq + 1) as u16).to_le_bytes());
        v.push(9 + seq as u8);
        v.push(9 + seq as u8);
        v.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        if key_len == 64 {
            v.extend_from_slice(&rng.bytes(64));
        } else {
            v.extend_from_slice(&[0u8; 4]);
        }
        v.extend_from_slice(&payload);
        v.push(0x00);
    }
    v
}

/// A mini-program package in the plain `.wxapkg` layout: 0xBE, u32 0, u32 index length,
/// u32 body length, 0xED, u32 file count, entries (u32 name len, name, u32 offset, u32 size), data.
/// That macOS packages use the plain (not `V1MMWX`-encrypted) layout is our assumption.
fn wxapkg(rng: &mut Rng, files: &[(&str, usize)]) -> Vec<u8> {
    let bodies: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, len)| {
            let body = if n.ends_with(".json") || n.ends_with(".js") {
                format!("/* synthetic {n} */\n").into_bytes()
            } else {
                rng.bytes(*len)
            };
            ((*n).to_string(), body)
        })
        .collect();
    let mut index = Vec::new();
    index.extend_from_slice(&(bodies.len() as u32).to_be_bytes());
    let index_len: usize = 4 + bodies.iter().map(|(n, _)| 12 + n.len()).sum::<usize>();
    let mut off = 14 + index_len;
    for (n, b) in &bodies {
        index.extend_from_slice(&(n.len() as u32).to_be_bytes());
        index.extend_from_slice(n.as_bytes());
        index.extend_from_slice(&(off as u32).to_be_bytes());
        index.extend_from_slice(&(b.len() as u32).to_be_bytes());
        off += b.len();
    }
    let body_len: usize = bodies.iter().map(|(_, b)| b.len()).sum();
    let mut v = vec![0xBE];
    v.extend_from_slice(&0u32.to_be_bytes());
    v.extend_from_slice(&(index_len as u32).to_be_bytes());
    v.extend_from_slice(&(body_len as u32).to_be_bytes());
    v.push(0xED);
    v.extend_from_slice(&index);
    for (_, b) in bodies {
        v.extend_from_slice(&b);
    }
    v
}

#[derive(Clone, Copy)]
enum ImgKind {
    Jpg,
    Png,
    Gif,
}

fn image(rng: &mut Rng, kind: ImgKind, len: usize) -> Vec<u8> {
    match kind {
        ImgKind::Jpg => jpeg(rng, len),
        ImgKind::Png => png(rng, len),
        ImgKind::Gif => gif(rng, len),
    }
}

/// 4.x image `.dat` schemes (layout doc §3.5).
#[derive(Clone, Copy)]
enum DatScheme {
    /// Whole file XOR'd with one byte.
    Xor(u8),
    /// `07 08 56 31 08 07` header + aes_len/xor_len + pad byte + noise standing in for the
    /// AES-128-ECB head, raw middle and XOR tail.
    V1,
    /// Same layout with `07 08 56 32 08 07`.
    V2,
}

fn dat(rng: &mut Rng, scheme: DatScheme, plain: &[u8]) -> Vec<u8> {
    match scheme {
        DatScheme::Xor(k) => plain.iter().map(|b| b ^ k).collect(),
        DatScheme::V1 | DatScheme::V2 => {
            let ver = if matches!(scheme, DatScheme::V1) {
                b'1'
            } else {
                b'2'
            };
            let aes_len = plain.len().min(1024) as u32;
            let xor_len = (plain.len() as u32 - aes_len).min(64);
            let mut v = vec![0x07, 0x08, 0x56, ver, 0x08, 0x07];
            v.extend_from_slice(&aes_len.to_le_bytes());
            v.extend_from_slice(&xor_len.to_le_bytes());
            v.push(0x01);
            // AES output is padded to whole 16-byte blocks (PKCS#7 always adds one).
            let enc = (aes_len as usize / 16 + 1) * 16;
            v.extend_from_slice(&rng.bytes(enc));
            v.extend_from_slice(&plain[aes_len as usize..plain.len() - xor_len as usize]);
            v.extend(
                plain[plain.len() - xor_len as usize..]
                    .iter()
                    .map(|b| b ^ 0x5C),
            );
            v
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Output writer.
// ---------------------------------------------------------------------------------------------

struct Gen {
    root: PathBuf,
    rng: Rng,
    files: usize,
    bytes: u64,
}

impl Gen {
    fn put(&mut self, rel: &str, data: &[u8]) -> Res {
        let p = self.root.join(rel);
        if p.exists() {
            return Err(format!("generator bug: {rel} written twice").into());
        }
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&p, data)?;
        self.files += 1;
        self.bytes += data.len() as u64;
        Ok(())
    }
    fn path(&self, rel: &str) -> Res<PathBuf> {
        let p = self.root.join(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(p)
    }
    fn note_file(&mut self, rel: &str) -> Res {
        let len = fs::metadata(self.root.join(rel))?.len();
        self.files += 1;
        self.bytes += len;
        Ok(())
    }
    fn random(&mut self, rel: &str, len: usize) -> Res {
        let d = self.rng.bytes(len);
        self.put(rel, &d)
    }
    fn cipher(&mut self, rel: &str, pages: usize, page_size: usize) -> Res {
        let d = cipher_db(&mut self.rng, pages, page_size);
        self.put(rel, &d)
    }
    /// `-wal` (real header, noise frames) and `-shm` (32 KiB) next to an encrypted DB.
    fn sidecars(&mut self, db: &str, page_size: u32, frames: u32, db_pages: u32) -> Res {
        let w = wal_file(&mut self.rng, page_size, frames, db_pages);
        self.put(&format!("{db}-wal"), &w)?;
        self.put(&format!("{db}-shm"), &vec![0u8; 32_768])
    }
    fn img(&mut self, rel: &str, kind: ImgKind, len: usize) -> Res {
        let d = image(&mut self.rng, kind, len);
        self.put(rel, &d)
    }
    fn plist_binary(&mut self, rel: &str, v: &Value) -> Res {
        let mut buf = Vec::new();
        v.to_writer_binary(&mut buf)?;
        self.put(rel, &buf)
    }
}

fn date(unix: u64) -> plist::Date {
    plist::Date::from(UNIX_EPOCH + Duration::from_secs(unix))
}

fn dict(pairs: Vec<(&str, Value)>) -> Value {
    let mut d = Dictionary::new();
    for (k, v) in pairs {
        d.insert(k.to_string(), v);
    }
    Value::Dictionary(d)
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

// ---------------------------------------------------------------------------------------------
// 3.x tree (layout doc §2).
// ---------------------------------------------------------------------------------------------

struct ChatV3 {
    talker: &'static str,
    /// (mesLocalID, unix time, has HD variant)
    images: Vec<(u32, u64, bool)>,
    videos: Vec<(u32, u64, usize)>,
    audios: Vec<u32>,
    files: Vec<&'static str>,
    opendata: bool,
}

fn v3_file(g: &mut Gen, name: &str) -> Res<Vec<u8>> {
    let rng = &mut g.rng;
    Ok(match name.rsplit('.').next().unwrap_or("") {
        "pdf" => pdf("Synthetic sample report", 6000, rng),
        "docx" => docx("Synthetic sample document", rng),
        "xlsx" => xlsx("synthetic,sample,data", rng),
        "zip" => zip(&[
            ("readme.txt", b"synthetic sample archive\n".to_vec()),
            ("photos/p1.jpg", jpeg(rng, 4000)),
        ]),
        _ => "Synthetic sample note.\n这是一个虚构的示例文件。\n"
            .repeat(20)
            .into_bytes(),
    })
}

fn v3_account(g: &mut Gen, wxid: &str, big: bool, chats: &[ChatV3]) -> Res {
    let acct = md5_hex(wxid);
    let base = format!("{V3}/{acct}");
    let f = if big { 2 } else { 1 };
    // Encrypted (SQLCipher 3, page 1024) databases, §2.2. Sizes in 1 KiB pages.
    let dbs: [(&str, usize); 19] = [
        ("Message/msg_0.db", 40),
        ("Message/msg_1.db", 16),
        ("Message/fileMsg.db", 6),
        ("Message/fts/ftsmessage.db", 18),
        ("Message/ftsfile/ftsfilemessage.db", 5),
        ("Contact/wccontact_new2.db", 14),
        ("Group/group_new.db", 8),
        ("Session/session_new.db", 6),
        ("Hardlink/hldata.db", 7),
        ("Favorites/favorites.db", 5),
        ("Stickers/stickers.db", 4),
        ("FileStateSync/filestatesync.db", 3),
        ("Account/Beta.db", 3),
        ("ChatSync/ChatSync.db", 3),
        ("RevokeMsg/revokemsg.db", 3),
        ("Sync/oplog_1.1.db", 4),
        ("Sync/openim_oplog.db", 2),
        ("MMLive/live_main.db", 3),
        ("Sns/Data/sns.db", 10),
    ];
    for (rel, pages) in dbs {
        g.cipher(&format!("{base}/{rel}"), pages * f, 1024)?;
    }
    // WebTemplate uses page 4096 (§2.4).
    g.cipher(&format!("{base}/WebTemplate/webtemplate.db"), 2, 4096)?;
    g.sidecars(
        &format!("{base}/Message/msg_0.db"),
        1024,
        3,
        (40 * f) as u32,
    )?;
    if big {
        g.sidecars(&format!("{base}/Session/session_new.db"), 1024, 2, 12)?;
        g.sidecars(&format!("{base}/Contact/wccontact_new2.db"), 1024, 2, 28)?;
    }

    // Real plaintext SQLite (§2.2: solitaire, multiTalk).
    solitaire_db(g, &format!("{base}/solitaire/solitaire_chat.db"), wxid)?;
    multitalk_db(g, &format!("{base}/voip/multiTalk/multiTalk.db"), big)?;

    // Favorites media (.silk) and stickers.
    let fav = g.rng.hex(16);
    let d = silk(&mut g.rng, 60);
    g.put(&format!("{base}/Favorites/data/{fav}.silk"), &d)?;
    fav_archive(
        g,
        &format!("{base}/Stickers/fav.archive"),
        3 + usize::from(big),
    )?;
    for i in 0..(1 + 2 * usize::from(big)) {
        let name = md5_hex(&format!("{wxid}-sticker-{i}"));
        let len = 3000 + 1500 * i;
        g.img(
            &format!("{base}/Stickers/NonPersistence/{name}"),
            ImgKind::Gif,
            len,
        )?;
    }

    // MessageTemp media (§2.3).
    for c in chats {
        let chat = md5_hex(c.talker);
        let mt = format!("{base}/Message/MessageTemp/{chat}");
        for &(id, t, hd) in &c.images {
            g.img(
                &format!("{mt}/Image/{id}{t}_.pic_thumb.jpg"),
                ImgKind::Jpg,
                1800,
            )?;
            g.img(
                &format!("{mt}/Image/{id}{t}_.pic.jpg"),
                ImgKind::Jpg,
                11_000,
            )?;
            if hd {
                g.img(
                    &format!("{mt}/Image/{id}{t}_.pic_hd.jpg"),
                    ImgKind::Jpg,
                    23_000,
                )?;
            }
        }
        for &(id, t, len) in &c.videos {
            let d = mp4(&mut g.rng, len);
            g.put(&format!("{mt}/Video/{id}_{t}.mp4"), &d)?;
        }
        for &id in &c.audios {
            let d = silk(&mut g.rng, 40);
            g.put(&format!("{mt}/Audio/{id}.aud.silk"), &d)?;
        }
        for name in &c.files {
            let d = v3_file(g, name)?;
            g.put(&format!("{mt}/File/{name}"), &d)?;
        }
        if c.opendata {
            let h = g.rng.hex(16);
            let d = wav(&mut g.rng, 4000);
            g.put(&format!("{mt}/OpenData/1/{h}.wav"), &d)?;
        }
    }
    Ok(())
}

fn solitaire_db(g: &mut Gen, rel: &str, owner: &str) -> Res {
    // Invented, plausible schema: the real one is not documented publicly.
    let p = g.path(rel)?;
    let conn = Connection::open(&p)?;
    conn.execute_batch(
        "PRAGMA journal_mode=DELETE;
         CREATE TABLE SolitaireInfo(solitaireId TEXT PRIMARY KEY, chatroomName TEXT, creator TEXT,
             title TEXT, createTime INTEGER, updateTime INTEGER, status INTEGER);
         CREATE TABLE SolitaireItem(solitaireId TEXT, seq INTEGER, username TEXT, content TEXT,
             createTime INTEGER, PRIMARY KEY(solitaireId, seq));
         CREATE INDEX SolitaireInfo_chatroom ON SolitaireInfo(chatroomName);",
    )?;
    let rooms = [GROUP1, GROUP2];
    for i in 0..3u32 {
        let sid = md5_hex(&format!("{owner}-solitaire-{i}"));
        let t = 1_672_000_000 + i64::from(i) * 86_400 * 9;
        conn.execute(
            "INSERT INTO SolitaireInfo VALUES(?1,?2,?3,?4,?5,?6,?7)",
            params![
                sid,
                rooms[i as usize % 2],
                owner,
                format!("Synthetic sign-up list #{}", i + 1),
                t,
                t + 3600,
                1
            ],
        )?;
        for seq in 1..=4u32 {
            conn.execute(
                "INSERT INTO SolitaireItem VALUES(?1,?2,?3,?4,?5)",
                params![
                    sid,
                    seq,
                    [CAROL, DAVE, owner][seq as usize % 3],
                    format!("{seq}. synthetic entry"),
                    t + i64::from(seq) * 60
                ],
            )?;
        }
    }
    drop(conn);
    g.note_file(rel)
}

fn multitalk_db(g: &mut Gen, rel: &str, with_deletes: bool) -> Res {
    // Invented, plausible schema. With `with_deletes`, most rows of a padded table are deleted
    // afterwards so the file keeps freelist pages (no VACUUM).
    let p = g.path(rel)?;
    let conn = Connection::open(&p)?;
    conn.execute_batch(
        "PRAGMA journal_mode=DELETE;
         CREATE TABLE MultiTalkInfo(groupId TEXT, roomId INTEGER, roomKey INTEGER, routeId INTEGER,
             createTime INTEGER, endTime INTEGER, memberCount INTEGER, state INTEGER,
             extInfo BLOB, PRIMARY KEY(groupId, roomId));
         CREATE TABLE MultiTalkMember(groupId TEXT, roomId INTEGER, username TEXT, status INTEGER,
             inviteUser TEXT, joinTime INTEGER);
         CREATE INDEX MultiTalkMember_room ON MultiTalkMember(groupId, roomId);",
    )?;
    let n = if with_deletes { 40 } else { 4 };
    for i in 0..n {
        let t = 1_675_000_000i64 + i64::from(i) * 7_200;
        let ext = g.rng.bytes(900);
        conn.execute(
            "INSERT INTO MultiTalkInfo VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
            params![
                [GROUP1, GROUP2][i as usize % 2],
                100_000 + i,
                g.rng.below(1 << 40) as i64,
                1,
                t,
                t + 900,
                3,
                2,
                ext
            ],
        )?;
        for (j, m) in [CAROL, DAVE].iter().enumerate() {
            conn.execute(
                "INSERT INTO MultiTalkMember VALUES(?1,?2,?3,?4,?5,?6)",
                params![
                    [GROUP1, GROUP2][i as usize % 2],
                    100_000 + i,
                    m,
                    1,
                    CAROL,
                    t + j as i64 * 5
                ],
            )?;
        }
    }
    if with_deletes {
        conn.execute("DELETE FROM MultiTalkInfo WHERE roomId % 8 <> 0", [])?;
        conn.execute("DELETE FROM MultiTalkMember WHERE roomId % 8 <> 0", [])?;
    }
    drop(conn);
    g.note_file(rel)
}

/// `Stickers/fav.archive`: an NSKeyedArchiver binary plist of an NSMutableArray of md5 strings.
fn fav_archive(g: &mut Gen, rel: &str, n: usize) -> Res {
    let mut objects = vec![s("$null")];
    let ids: Vec<Value> = (0..n).map(|i| Value::Uid(Uid::new(2 + i as u64))).collect();
    objects.push(dict(vec![
        ("NS.objects", Value::Array(ids)),
        ("$class", Value::Uid(Uid::new(2 + n as u64))),
    ]));
    for i in 0..n {
        objects.push(s(&md5_hex(&format!("{rel}-fav-{i}"))));
    }
    objects.push(dict(vec![
        ("$classname", s("NSMutableArray")),
        (
            "$classes",
            Value::Array(vec![s("NSMutableArray"), s("NSArray"), s("NSObject")]),
        ),
    ]));
    let root = dict(vec![
        ("$version", Value::Integer(100_000.into())),
        ("$archiver", s("NSKeyedArchiver")),
        ("$top", dict(vec![("root", Value::Uid(Uid::new(1)))])),
        ("$objects", Value::Array(objects)),
    ]);
    g.plist_binary(rel, &root)
}

fn v3_tree(g: &mut Gen) -> Res {
    let alice_chats = vec![
        ChatV3 {
            talker: FILEHELPER,
            images: vec![(3422, 1_676_858_120, true), (3510, 1_677_001_234, false)],
            videos: vec![],
            audios: vec![],
            files: vec![
                "产学研数据2.xlsx",
                "Quarterly plan.docx",
                "sample-report.pdf",
                "notes.txt",
            ],
            opendata: true,
        },
        ChatV3 {
            talker: CAROL,
            images: vec![
                (101, 1_580_000_100, true),
                (102, 1_580_003_700, false),
                (240, 1_655_123_456, true),
            ],
            videos: vec![(103, 1_580_010_000, 48_000)],
            audios: vec![104, 105, 241],
            files: vec![],
            opendata: false,
        },
        ChatV3 {
            talker: GROUP1,
            images: vec![(7001, 1_690_000_000, false), (7002, 1_690_000_060, true)],
            videos: vec![(7003, 1_690_000_300, 64_000)],
            audios: vec![7004],
            files: vec!["photos.zip", "会议纪要.txt", "budget.xlsx"],
            opendata: false,
        },
        ChatV3 {
            talker: DAVE,
            images: vec![],
            videos: vec![],
            audios: vec![12],
            files: vec![],
            opendata: false,
        },
    ];
    let bob_chats = vec![
        ChatV3 {
            talker: FILEHELPER,
            images: vec![(55, 1_640_000_000, false)],
            videos: vec![],
            audios: vec![],
            files: vec!["scan.pdf"],
            opendata: false,
        },
        ChatV3 {
            talker: GROUP2,
            images: vec![(900, 1_650_000_000, true), (901, 1_650_000_500, false)],
            videos: vec![(902, 1_650_001_000, 32_000)],
            audios: vec![],
            files: vec![],
            opendata: false,
        },
    ];
    v3_account(g, ALICE, true, &alice_chats)?;
    v3_account(g, BOB, false, &bob_chats)?;
    // A forwarded image: same bytes in a second chat, as a separate file (not a hard link).
    let mt = format!("{V3}/{}/Message/MessageTemp", md5_hex(ALICE));
    let orig = fs::read(g.root.join(format!(
        "{mt}/{}/Image/34221676858120_.pic.jpg",
        md5_hex(FILEHELPER)
    )))?;
    g.put(
        &format!("{mt}/{}/Image/70051690000200_.pic.jpg", md5_hex(GROUP1)),
        &orig,
    )?;

    // Version-level siblings of the account dirs (§2.1).
    for u in [CAROL, DAVE, GROUP1, GROUP2, BOB, ALICE] {
        g.img(
            &format!("{V3}/Avatar/{}.jpg", md5_hex(u)),
            ImgKind::Jpg,
            3200,
        )?;
    }
    let alice = md5_hex(ALICE);
    let bob = md5_hex(BOB);
    let bk = format!("{V3}/Backup/{alice}/{}", g.rng.hex(8));
    g.cipher(&format!("{bk}/Backup.db"), 12, 1024)?;
    g.random(&format!("{bk}/BAK_0_TEXT"), 20_000)?;
    g.random(&format!("{bk}/BAK_0_MEDIA"), 90_000)?;
    g.cipher(&format!("{V3}/KeyValue/{alice}/KeyValue.db"), 4, 1024)?;
    g.cipher(&format!("{V3}/KeyValue/{bob}/KeyValue.db"), 2, 1024)?;
    // Contents of these folders are not documented; the file names below are ours ([I]).
    g.random(&format!("{V3}/MMappedKV/mmkv.default"), 4096)?;
    g.random(&format!("{V3}/MMappedKV/mmkv.default.crc"), 512)?;
    g.put(
        &format!("{V3}/CrashReport/crash_20230514101500.log"),
        b"Synthetic crash report placeholder for wechat-inspect tests.\n",
    )?;
    g.random(&format!("{V3}/MMResourceMgr/res_1/resource.bin"), 6000)?;
    g.random(&format!("{V3}/CGI/cgi_cache.dat"), 2048)?;
    g.random(&format!("{V3}/checkVersionFile"), 64)?;
    g.random(&format!("{V3}/topinfo.data"), 256)?;
    g.random(&format!("{V3}/upgradeHistoryFile"), 128)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4.x tree (layout doc §3).
// ---------------------------------------------------------------------------------------------

struct AttachV4 {
    talker: &'static str,
    month: &'static str,
    /// (kind, scheme, has HD)
    images: Vec<(ImgKind, DatScheme, bool)>,
}

fn v4_account(g: &mut Gen, dir: &str, wxid: &str, big: bool, attach: &[AttachV4]) -> Res {
    let base = format!("{V4}/{dir}");
    let db = format!("{base}/db_storage");
    let f = if big { 2 } else { 1 };
    // SQLCipher 4, page 4096 (§3.3, §3.4). Sizes in 4 KiB pages.
    let dbs: [(&str, usize); 14] = [
        ("message/message_0.db", 8),
        ("message/message_1.db", 4),
        ("message/biz_message_0.db", 2),
        ("message/media_0.db", 6),
        ("message/message_resource.db", 2),
        ("message/message_fts.db", 4),
        ("contact/contact.db", 3),
        ("session/session.db", 1),
        ("hardlink/hardlink.db", 2),
        ("head_image/head_image.db", 4),
        ("favorite/favorite.db", 1),
        ("emoticon/emoticon.db", 1),
        ("sns/sns.db", 2),
        ("general/general.db", 2),
    ];
    for (rel, pages) in dbs {
        g.cipher(&format!("{db}/{rel}"), pages * f, 4096)?;
    }
    // Small stand-ins for the 4 MiB preallocated WAL files (§3.3; kept small on purpose).
    g.sidecars(
        &format!("{db}/message/message_0.db"),
        4096,
        2,
        (8 * f) as u32,
    )?;
    g.sidecars(&format!("{db}/session/session.db"), 4096, 1, f as u32)?;
    if big {
        g.sidecars(&format!("{db}/message/media_0.db"), 4096, 2, 12)?;
        g.sidecars(&format!("{db}/contact/contact.db"), 4096, 1, 6)?;
    }

    // msg/attach/<chat>/<YYYY-MM>/Img (§3.2, §3.5).
    let mut first_dat = None;
    for a in attach {
        let chat = md5_hex(a.talker);
        let dir = format!("{base}/msg/attach/{chat}/{}/Img", a.month);
        for (i, &(kind, scheme, hd)) in a.images.iter().enumerate() {
            let m = md5_hex(&format!("{wxid}/{}/{}/{i}", a.talker, a.month));
            first_dat.get_or_insert_with(|| m.clone());
            for (suffix, len, present) in
                [("_t", 1900, true), ("", 12_000, true), ("_h", 24_000, hd)]
            {
                if !present {
                    continue;
                }
                let plain = image(&mut g.rng, kind, len);
                let d = dat(&mut g.rng, scheme, &plain);
                g.put(&format!("{dir}/{m}{suffix}.dat"), &d)?;
            }
        }
    }
    let carol = md5_hex(CAROL);
    let fh = md5_hex(FILEHELPER);
    if big {
        // Other attach subfolders (U2 looks in Video/ and Voice/); file names are ours ([I]).
        let m = md5_hex(&format!("{wxid}/attach-video"));
        let d = mp4(&mut g.rng, 20_000);
        g.put(
            &format!("{base}/msg/attach/{carol}/2025-01/Video/{m}.mp4"),
            &d,
        )?;
        let m = md5_hex(&format!("{wxid}/attach-voice"));
        let d = silk(&mut g.rng, 30);
        g.put(
            &format!("{base}/msg/attach/{carol}/2025-01/Voice/{m}.silk"),
            &d,
        )?;
    }

    // msg/video/<YYYY-MM>/<md5>.mp4 + _thumb.jpg (+ _raw.mp4).
    let videos: &[(&str, usize, bool)] = if big {
        &[("2024-11", 56_000, false), ("2025-02", 40_000, true)]
    } else {
        &[("2024-12", 30_000, false)]
    };
    for (i, &(month, len, raw)) in videos.iter().enumerate() {
        let m = md5_hex(&format!("{wxid}/video/{i}"));
        let d = mp4(&mut g.rng, len);
        g.put(&format!("{base}/msg/video/{month}/{m}.mp4"), &d)?;
        g.img(
            &format!("{base}/msg/video/{month}/{m}_thumb.jpg"),
            ImgKind::Jpg,
            4000,
        )?;
        if raw {
            let d = mp4(&mut g.rng, len + 12_000);
            g.put(&format!("{base}/msg/video/{month}/{m}_raw.mp4"), &d)?;
        }
    }

    // msg/file/<YYYY-MM>/<original name>.
    let files: &[(&str, &str)] = if big {
        &[
            ("2025-01", "年度报告.pdf"),
            ("2025-01", "budget 2025.xlsx"),
            ("2025-03", "Meeting notes.txt"),
            ("2025-03", "Meeting notes(1).txt"),
            ("2025-03", "报价单.docx"),
        ]
    } else {
        &[("2024-12", "invoice-sample.pdf")]
    };
    for (month, name) in files {
        let d = if name.starts_with("Meeting notes") {
            b"Synthetic meeting notes (identical copies).\n".repeat(30)
        } else {
            v3_file(g, name)?
        };
        g.put(&format!("{base}/msg/file/{month}/{name}"), &d)?;
    }

    if !big {
        return Ok(());
    }
    // Remaining account subtrees (§3.2; U1/U2/U16). Names below the documented folder are ours.
    g.random(
        &format!("{base}/msg/migrate/{}.dat", md5_hex("migrate-0")),
        8000,
    )?;
    let mdir = format!("{base}/cache/2025-03");
    g.img(
        &format!("{mdir}/Message/{carol}/{}.jpg", md5_hex("cache-msg-0")),
        ImgKind::Jpg,
        2500,
    )?;
    g.img(
        &format!("{mdir}/HttpResource/{}", md5_hex("http-0")),
        ImgKind::Jpg,
        5000,
    )?;
    g.img(
        &format!("{mdir}/Emoticon/{}", md5_hex("emoticon-0")),
        ImgKind::Gif,
        6000,
    )?;
    let icon = md5_hex("weappicon-0");
    g.img(
        &format!("{mdir}/WeAppIcon/{}/{icon}", &icon[0..2]),
        ImgKind::Png,
        1500,
    )?;
    let d = docx("Synthetic quote", &mut g.rng);
    g.put(&format!("{base}/temp/RWTemp/2025-03/{fh}/报价单.docx"), &d)?;
    g.img(
        &format!("{base}/temp/head_image/{}.jpg", md5_hex(CAROL)),
        ImgKind::Jpg,
        2800,
    )?;
    g.img(
        &format!("{base}/temp/drag/IMG_0001.jpg"),
        ImgKind::Jpg,
        9000,
    )?;
    if let Some(m) = first_dat {
        g.img(
            &format!("{base}/temp/ImageUtils/{m}.jpg"),
            ImgKind::Jpg,
            12_000,
        )?;
    }
    g.img(
        &format!("{base}/business/emoticon/{}", md5_hex("biz-emoticon-0")),
        ImgKind::Gif,
        7000,
    )?;
    g.img(
        &format!("{base}/business/favorite/{}.jpg", md5_hex("biz-fav-0")),
        ImgKind::Jpg,
        8000,
    )?;
    g.img(
        &format!("{base}/business/sns/{}", md5_hex("biz-sns-0")),
        ImgKind::Jpg,
        10_000,
    )?;
    g.random(&format!("{base}/config/AccountConfig"), 1024)?;
    g.random(
        &format!("{base}/apm_record/process_duration/20250301.dat"),
        700,
    )?;
    g.random(&format!("{base}/resource/resource.dat"), 128)?;
    Ok(())
}

fn key_info_db(g: &mut Gen, login_id: &str) -> Res {
    // Schema from X1 (0xlane/wechat-dump-rs, 4.0.0.26 table dump), plaintext per U15.
    let rel = format!("{V4}/all_users/login/{login_id}/key_info.db");
    let p = g.path(&rel)?;
    let conn = Connection::open(&p)?;
    conn.execute_batch(
        "PRAGMA journal_mode=DELETE;
         CREATE TABLE LoginKeyInfoTable(user_name_md5 TEXT, key_md5 TEXT, key_info_md5 TEXT,
             key_info_data BLOB);
         CREATE UNIQUE INDEX LoginKeyInfoTable_USER_KEYINFO
             ON LoginKeyInfoTable(user_name_md5, key_info_md5);",
    )?;
    for _ in 0..2 {
        let blob = g.rng.bytes(180);
        conn.execute(
            "INSERT INTO LoginKeyInfoTable VALUES(?1, '', ?2, ?3)",
            params![md5_hex(login_id), hex(&md5(&blob)), blob],
        )?;
    }
    drop(conn);
    g.note_file(&rel)
}

fn v4_tree(g: &mut Gen) -> Res {
    use DatScheme::{Xor, V1, V2};
    use ImgKind::{Gif, Jpg, Png};
    let alice_attach = vec![
        AttachV4 {
            talker: CAROL,
            month: "2024-11",
            images: vec![(Jpg, Xor(0x5A), true), (Png, Xor(0x5A), false)],
        },
        AttachV4 {
            talker: CAROL,
            month: "2025-01",
            images: vec![(Jpg, V1, true), (Gif, Xor(0x5A), false)],
        },
        AttachV4 {
            talker: GROUP1,
            month: "2025-02",
            images: vec![(Jpg, V2, true), (Jpg, V2, false)],
        },
        AttachV4 {
            talker: FILEHELPER,
            month: "2025-03",
            images: vec![(Png, V2, false)],
        },
    ];
    let bob_attach = vec![
        AttachV4 {
            talker: FILEHELPER,
            month: "2024-12",
            images: vec![(Jpg, Xor(0x3C), false)],
        },
        AttachV4 {
            talker: GROUP2,
            month: "2025-01",
            images: vec![(Jpg, V1, true), (Jpg, V2, false)],
        },
    ];
    v4_account(g, ALICE_V4, ALICE, true, &alice_attach)?;
    v4_account(g, BOB_V4, BOB, false, &bob_attach)?;
    // Custom-id account: only a few databases and one received file.
    let erin = format!("{V4}/{ERIN_V4}");
    g.cipher(&format!("{erin}/db_storage/message/message_0.db"), 2, 4096)?;
    g.cipher(&format!("{erin}/db_storage/session/session.db"), 1, 4096)?;
    g.cipher(&format!("{erin}/db_storage/contact/contact.db"), 1, 4096)?;
    g.put(
        &format!("{erin}/msg/file/2025-02/hello.txt"),
        b"synthetic hello\n",
    )?;

    // all_users (§3.1).
    g.random(&format!("{V4}/all_users/config/global_config"), 4096)?;
    g.random(&format!("{V4}/all_users/config/global_config.crc"), 128)?;
    for id in [ALICE, BOB, ERIN_ID] {
        key_info_db(g, id)?;
    }
    for u in [ALICE, BOB] {
        g.img(
            &format!("{V4}/all_users/head_imgs/{}.jpg", md5_hex(u)),
            ImgKind::Jpg,
            3000,
        )?;
    }
    g.put(&format!("{V4}/all_users/sqlite/lock.ini"), b"")?;

    // 3.x -> 4.x migration backup (peers.md §3.1, disk-raccoon#1) and Backup/<wxid> (U1).
    let ob = format!("{V4}/old_backup/{}/{}", md5_hex(ALICE), g.rng.uuid());
    g.random(&format!("{ob}/BAK_0_TEXT"), 40_000)?;
    g.random(&format!("{ob}/BAK_0_MEDIA"), 220_000)?;
    g.random(&format!("{ob}/BAK_1_MEDIA"), 60_000)?;
    let bk = format!("{V4}/Backup/{ALICE_V4}/{}", g.rng.uuid());
    g.random(&format!("{bk}/BAK_0_TEXT"), 12_000)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// App-wide 4.x state, mini-programs (§3.1, §2.5).
// ---------------------------------------------------------------------------------------------

fn app_wide(g: &mut Gen) -> Res {
    g.put(&format!("{APP_DATA}/lock/lock.ini"), b"")?;
    for id in [ALICE, BOB] {
        g.put(&format!("{APP_DATA}/{id}/lock.ini"), b"")?;
        g.random(&format!("{APP_DATA}/login/{id}/login.dat"), 300)?;
    }
    let d = xlog(
        &mut g.rng,
        &[(0x08, "radium"), (0x0C, "radium"), (0x0C, "radium")],
        "2025-03-01",
    );
    g.put(&format!("{APP_DATA}/log/radium/radium_20250301.xlog"), &d)?;
    let d = xlog(
        &mut g.rng,
        &[(0x0C, "player"), (0x08, "player")],
        "2025-03-02",
    );
    g.put(&format!("{APP_DATA}/log/player/player_20250302.xlog"), &d)?;
    let d = xlog(
        &mut g.rng,
        &[
            (0x08, "WeChat"),
            (0x07, "WeChat"),
            (0x07, "WeChat"),
            (0x0C, "WeChat"),
        ],
        "2025-03-03",
    );
    g.put(&format!("{APP_DATA}/log/WeChat_20250303.xlog"), &d)?;
    g.random(
        &format!("{APP_DATA}/net/kvcomm/key_1000000007_1.statistic"),
        200,
    )?;
    g.random(&format!("{APP_DATA}/net/cdncomm/cdn_stat.dat"), 400)?;
    let files = [
        ("/app-config.json", 0),
        ("/app-service.js", 0),
        ("/page-frame.html", 5000),
        ("/images/logo.png", 3000),
    ];
    let d = wxapkg(&mut g.rng, &files);
    g.put(
        &format!("{APP_DATA}/radium/Applet/packages/{APPID_1}/12/__APP__.wxapkg"),
        &d,
    )?;
    let d = wxapkg(&mut g.rng, &files);
    g.put(
        &format!("{APP_DATA}/radium/users/{ALICE}/applet/packages/{APPID_2}/3/__APP__.wxapkg"),
        &d,
    )?;
    g.random(
        &format!("{APP_DATA}/radium/xfile/cache/{}", md5_hex("xfile-0")),
        5000,
    )?;

    g.random(
        &format!("Data/.wxapplet/WMPF/cache/{}.bin", md5_hex("wmpf-0")),
        30_000,
    )?;
    let d = wxapkg(&mut g.rng, &files);
    g.put(
        &format!("Data/.wxapplet/packages/{APPID_1}/7/__APP__.wxapkg"),
        &d,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Library: logs, markers, preferences, network stores (§1, §2.5).
// ---------------------------------------------------------------------------------------------

fn library(g: &mut Gen) -> Res {
    let d = xlog(
        &mut g.rng,
        &[(0x08, "MM"), (0x03, "MM"), (0x05, "MM"), (0x08, "MM")],
        "2024-01-02",
    );
    g.put(&format!("{CACHES}/2.0b4.0.9/log/MM_20240102.xlog"), &d)?;
    let d = xlog(&mut g.rng, &[(0x04, "MM"), (0x08, "MM")], "2023-12-31");
    g.put(&format!("{CACHES}/2.0b4.0.9/log/MM_20231231.xlog"), &d)?;
    g.random("Data/Library/Caches/Matrix/AppReboot/AppReboot.dat", 512)?;

    // Preferences: binary plist with the keys named in §2.5 plus neutral AppKit/Sparkle keys.
    let prefs = dict(vec![
        ("AppleLanguages", Value::Array(vec![s("zh-Hans"), s("en")])),
        ("SULastCheckTime", Value::Date(date(1_735_689_600))),
        ("NSUserNotificationsAllowedByUser", Value::Boolean(true)),
        ("SUHasLaunchedBefore", Value::Boolean(true)),
        ("SUEnableAutomaticChecks", Value::Boolean(true)),
        (
            "NSWindow Frame MainWindow",
            s("120 80 960 640 0 0 1440 875 "),
        ),
        ("NSNavLastRootDirectory", s("~/Downloads")),
    ]);
    g.plist_binary(
        "Data/Library/Preferences/com.tencent.xinWeChat.plist",
        &prefs,
    )?;

    // A generic XML plist in AppKit's saved-state folder (H1 names the folder; content invented).
    let saved = Value::Array(vec![dict(vec![
        ("NSWindowID", Value::Integer(1.into())),
        ("NSTitle", s("WeChat")),
        ("NSWindowFrame", s("{{120, 80}, {960, 640}}")),
        ("NSIsMainWindow", Value::Boolean(true)),
    ])]);
    let rel = "Data/Library/Saved Application State/com.tencent.xinWeChat.savedState/windows.plist";
    let mut buf = Vec::new();
    saved.to_writer_xml(&mut buf)?;
    buf.push(b'\n');
    g.put(rel, &buf)?;

    cache_db(g)?;
    httpstorages(g)?;
    cookies(g)
}

struct CacheEntry {
    url: &'static str,
    kind: &'static str,
    on_fs: bool,
    len: usize,
}

/// Apple NSURLCache request/response objects as stored in `cfurl_cache_blob_data`: binary plists
/// `{Version, Array}`. Positions used by mac_apt (request: [18] method, [19] headers; response:
/// [3] status, [4] headers) are filled; the other slots hold neutral placeholders (assumed).
fn url_objects(url: &str, mime: &str, len: usize) -> Res<(Vec<u8>, Vec<u8>)> {
    let url_dict = || {
        dict(vec![
            ("_CFURLStringType", Value::Integer(15.into())),
            ("_CFURLString", s(url)),
        ])
    };
    let mut req = vec![url_dict(), Value::Real(60.0)];
    while req.len() < 18 {
        req.push(Value::Integer(0.into()));
    }
    req.push(s("GET"));
    req.push(dict(vec![
        ("Accept", s("*/*")),
        ("User-Agent", s("WeChat/synthetic-sample")),
        ("__hhaa__", s("")),
    ]));
    let resp = vec![
        url_dict(),
        Value::Real(725_000_000.0),
        Value::Integer(0.into()),
        Value::Integer(200.into()),
        dict(vec![
            ("Content-Type", s(mime)),
            ("Content-Length", s(&len.to_string())),
            ("Cache-Control", s("max-age=2592000")),
            ("__hhaa__", s("")),
        ]),
        s(mime),
        Value::Integer((len as u64).into()),
    ];
    let mut a = Vec::new();
    dict(vec![
        ("Version", Value::Integer(9.into())),
        ("Array", Value::Array(req)),
    ])
    .to_writer_binary(&mut a)?;
    let mut b = Vec::new();
    dict(vec![
        ("Version", Value::Integer(1.into())),
        ("Array", Value::Array(resp)),
    ])
    .to_writer_binary(&mut b)?;
    Ok((a, b))
}

/// `Library/Caches/com.tencent.xinWeChat/Cache.db`: Apple's NSURLCache store, schema as in
/// CFNetwork's `NSURLStorageURLCacheDB _setDBSchema` (auto_vacuum 2, WAL) and in the plaso /
/// mac_apt parsers (with `cfurl_cache_schema_version` = 202). Rows 1-6 are checkpointed into the
/// main file; rows 7-11 exist only as committed frames in `Cache.db-wal`; there is no `-shm`.
fn cache_db(g: &mut Gen) -> Res {
    let entries = [
        CacheEntry { url: "https://mmbiz.qpic.cn/mmbiz_jpg/SyntheticImg001/0?wx_fmt=jpeg", kind: "image/jpeg", on_fs: false, len: 4000 },
        CacheEntry { url: "https://mmbiz.qpic.cn/mmbiz_png/SyntheticImg002/640?wx_fmt=png&token=SYNTHETIC_SECRET_1", kind: "image/png", on_fs: true, len: 14_000 },
        CacheEntry { url: "https://wx.qlogo.cn/mmhead/ver_1/SyntheticHead0001/132", kind: "image/jpeg", on_fs: false, len: 3000 },
        CacheEntry { url: "https://res.wx.qq.com/a/wx_fed/assets/res/sample-app.js", kind: "application/javascript", on_fs: false, len: 1200 },
        CacheEntry { url: "https://res.wx.qq.com/t/wx_fed/images/sample-icon.png", kind: "image/png", on_fs: false, len: 2000 },
        CacheEntry { url: "https://dldir1.qq.com/weixin/mac/SyntheticUpdate.xml?sign=SYNTHETIC_SECRET_3", kind: "application/xml", on_fs: true, len: 9000 },
        CacheEntry { url: "https://wx.qlogo.cn/mmhead/ver_1/SyntheticHead0002/0", kind: "image/jpeg", on_fs: true, len: 16_000 },
        CacheEntry { url: "https://szextshort.weixin.qq.com/mmtls/0000abcd?uin=SYNTHETIC_UIN_1&key=SYNTHETIC_SECRET_2", kind: "application/octet-stream", on_fs: false, len: 700 },
        CacheEntry { url: "https://mmbiz.qpic.cn/sz_mmbiz_gif/SyntheticGif003/0?wx_fmt=gif", kind: "image/gif", on_fs: false, len: 5000 },
        CacheEntry { url: "https://res.wx.qq.com/op_res/SyntheticFont.woff2", kind: "font/woff2", on_fs: true, len: 12_000 },
        CacheEntry { url: "https://szextshort.weixin.qq.com/cgi-bin/micromsg-bin/synthetic?ticket=SYNTHETIC_SECRET_4", kind: "application/octet-stream", on_fs: false, len: 400 },
    ];
    let tmp = std::env::temp_dir().join(format!("make_sample_cachedb_{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    fs::create_dir_all(&tmp)?;
    let db_path = tmp.join("Cache.db");
    let conn = Connection::open(&db_path)?;
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
         CREATE INDEX proto_props_index ON cfurl_cache_blob_data(entry_ID);
         CREATE INDEX receiver_data_index ON cfurl_cache_receiver_data(entry_ID);
         INSERT INTO cfurl_cache_schema_version VALUES(202);",
    )?;
    let mut fs_files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if i == 6 {
            // Everything so far goes into the main file; the rest stays in the WAL.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        let body = match e.kind {
            "image/jpeg" => jpeg(&mut g.rng, e.len),
            "image/png" => png(&mut g.rng, e.len),
            "image/gif" => gif(&mut g.rng, e.len),
            "application/javascript" => b"/* synthetic sample script */\n".repeat(e.len / 30),
            "application/xml" => {
                let mut x =
                    b"<?xml version=\"1.0\"?><update><!-- synthetic --></update>\n".to_vec();
                x.extend(b" ".repeat(e.len - x.len()));
                x
            }
            _ => g.rng.bytes(e.len),
        };
        let (req, resp) = url_objects(e.url, e.kind, body.len())?;
        let h = md5(e.url.as_bytes());
        let hash_value = i64::from(i32::from_le_bytes([h[0], h[1], h[2], h[3]]));
        let day = 1 + i;
        let ts = format!(
            "2024-01-{day:02} 0{}:{:02}:{:02}",
            i % 10,
            (i * 7) % 60,
            (i * 13) % 60
        );
        conn.execute(
            "INSERT INTO cfurl_cache_response(version, hash_value, storage_policy, request_key,
                 time_stamp, partition) VALUES(0, ?1, 0, ?2, ?3, NULL)",
            params![hash_value, e.url, ts],
        )?;
        let id = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO cfurl_cache_blob_data VALUES(?1, ?2, ?3, NULL, NULL)",
            params![id, resp, req],
        )?;
        if e.on_fs {
            let uuid = g.rng.uuid();
            conn.execute(
                "INSERT INTO cfurl_cache_receiver_data VALUES(?1, 1, ?2)",
                params![id, uuid.as_bytes().to_vec()],
            )?;
            fs_files.insert(uuid, body);
        } else {
            conn.execute(
                "INSERT INTO cfurl_cache_receiver_data VALUES(?1, 0, ?2)",
                params![id, body],
            )?;
        }
    }
    // Copy the database and its WAL while the connection is still open (closing would checkpoint
    // and delete the WAL). The -shm is deliberately not copied.
    let main = fs::read(&db_path)?;
    let mut wal = fs::read(tmp.join("Cache.db-wal"))?;
    drop(conn);
    fs::remove_dir_all(&tmp)?;
    fix_wal_salts(&mut wal, 0x5A4D_0001, 0x5A4D_0002)?;
    g.put(&format!("{CACHES}/Cache.db"), &main)?;
    g.put(&format!("{CACHES}/Cache.db-wal"), &wal)?;
    for (uuid, body) in fs_files {
        g.put(&format!("{CACHES}/fsCachedData/{uuid}"), &body)?;
    }
    Ok(())
}

/// `Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite` (3.x marker, §1, L2).
/// ASSUMED SCHEMA: Apple's real table layout for this file could not be confirmed from public
/// sources (one public note calls it CFNetwork's Alt-Svc/HSTS store). The tables below are a
/// plausible stand-in so that the file is a real, readable SQLite database with hostnames.
fn httpstorages(g: &mut Gen) -> Res {
    let rel = "Data/Library/HTTPStorages/com.tencent.xinWeChat/httpstorages.sqlite";
    let p = g.path(rel)?;
    let conn = Connection::open(&p)?;
    conn.execute_batch(
        "PRAGMA journal_mode=DELETE;
         CREATE TABLE cookies(id INTEGER PRIMARY KEY, domain TEXT NOT NULL, name TEXT NOT NULL,
             path TEXT NOT NULL, value TEXT, expiry REAL, creation REAL, flags INTEGER,
             UNIQUE(domain, name, path));
         CREATE TABLE alt_services(host TEXT NOT NULL, port INTEGER, alpn TEXT, alt_host TEXT,
             alt_port INTEGER, expiry REAL);",
    )?;
    let rows = [
        (".weixin.qq.com", "wxuin", "SYNTHETIC_COOKIE_VALUE_5"),
        (".qq.com", "pgv_pvid", "SYNTHETIC_COOKIE_VALUE_6"),
    ];
    for (i, (d, n, v)) in rows.iter().enumerate() {
        conn.execute(
            "INSERT INTO cookies(domain, name, path, value, expiry, creation, flags)
             VALUES(?1, ?2, '/', ?3, ?4, ?5, 1)",
            params![d, n, v, 760_000_000.0 + i as f64, 725_000_000.0 + i as f64],
        )?;
    }
    conn.execute(
        "INSERT INTO alt_services VALUES('res.wx.qq.com', 443, 'h3', '', 443, 760000000.0)",
        [],
    )?;
    drop(conn);
    g.note_file(rel)
}

/// `Library/Cookies/Cookies.binarycookies`, written from the published format (Lessica/
/// CookiesTool README): "cook", BE page count, BE page sizes, pages (BE 0x00000100 header, LE
/// cookie count and offsets, 0 footer, cookie records), BE checksum (sum of every 4th byte of each
/// page), 8-byte footer 0x071720050000004B, then a binary plist with NSHTTPCookieAcceptPolicy.
fn cookies(g: &mut Gen) -> Res {
    fn cookie(
        url: &str,
        name: &str,
        path: &str,
        value: &str,
        flags: u32,
        exp: f64,
        cre: f64,
    ) -> Vec<u8> {
        let fixed = 56u32;
        let url_off = fixed;
        let name_off = url_off + url.len() as u32 + 1;
        let path_off = name_off + name.len() as u32 + 1;
        let value_off = path_off + path.len() as u32 + 1;
        let size = value_off + value.len() as u32 + 1;
        let mut v = Vec::new();
        for x in [
            size, 0, flags, 0, url_off, name_off, path_off, value_off, 0, 0,
        ] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&exp.to_le_bytes());
        v.extend_from_slice(&cre.to_le_bytes());
        for s in [url, name, path, value] {
            v.extend_from_slice(s.as_bytes());
            v.push(0);
        }
        v
    }
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
    // Mac-epoch seconds (since 2001-01-01): created 2024-01-01, expiring 2025-01-01.
    let (cre, exp) = (725_846_400.0, 757_382_400.0);
    let pages = [
        page(&[
            cookie(
                ".weixin.qq.com",
                "wxuin",
                "/",
                "SYNTHETIC_COOKIE_VALUE_1",
                1,
                exp,
                cre,
            ),
            cookie(
                ".weixin.qq.com",
                "mm_lang",
                "/",
                "SYNTHETIC_COOKIE_VALUE_2",
                0,
                exp,
                cre,
            ),
        ]),
        page(&[
            cookie(
                ".qq.com",
                "pgv_pvid",
                "/",
                "SYNTHETIC_COOKIE_VALUE_3",
                0,
                exp,
                cre,
            ),
            cookie(
                "res.wx.qq.com",
                "sid",
                "/a/",
                "SYNTHETIC_COOKIE_VALUE_4",
                5,
                exp,
                cre,
            ),
        ]),
    ];
    let mut v = b"cook".to_vec();
    v.extend_from_slice(&(pages.len() as u32).to_be_bytes());
    for p in &pages {
        v.extend_from_slice(&(p.len() as u32).to_be_bytes());
    }
    let mut checksum = 0u32;
    for p in &pages {
        v.extend_from_slice(p);
        checksum = p
            .iter()
            .step_by(4)
            .fold(checksum, |acc, b| acc.wrapping_add(u32::from(*b)));
    }
    v.extend_from_slice(&checksum.to_be_bytes());
    v.extend_from_slice(&0x0717_2005_0000_004Bu64.to_be_bytes());
    dict(vec![("NSHTTPCookieAcceptPolicy", Value::Integer(2.into()))]).to_writer_binary(&mut v)?;
    g.put("Data/Library/Cookies/Cookies.binarycookies", &v)
}

// ---------------------------------------------------------------------------------------------
// Entry point.
// ---------------------------------------------------------------------------------------------

fn generate(root: &Path) -> Res<(usize, u64)> {
    let mut g = Gen {
        root: root.to_path_buf(),
        rng: Rng(0x5EED_0000_CAFE_F00D),
        files: 0,
        bytes: 0,
    };
    // Apple's container metadata (the folder itself is the container `com.tencent.xinWeChat`).
    let uuid = g.rng.uuid();
    let meta = dict(vec![
        ("MCMMetadataIdentifier", s("com.tencent.xinWeChat")),
        ("MCMMetadataUUID", s(&uuid)),
    ]);
    g.plist_binary(".com.apple.containermanagerd.metadata.plist", &meta)?;
    v3_tree(&mut g)?;
    v4_tree(&mut g)?;
    app_wide(&mut g)?;
    library(&mut g)?;
    Ok((g.files, g.bytes))
}

fn run() -> Res {
    if md5_hex("filehelper") != "9e20f478899dc29eb19741386f9343c8" {
        return Err("md5 self-check failed".into());
    }
    let mut force = false;
    let mut out: Option<PathBuf> = None;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--force" => force = true,
            "-h" | "--help" => {
                println!("usage: make_sample <output-folder> [--force]");
                return Ok(());
            }
            _ if out.is_none() => out = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument: {a}").into()),
        }
    }
    let out = out.ok_or("usage: make_sample <output-folder> [--force]")?;
    if out.exists() {
        let non_empty = fs::read_dir(&out)?.next().is_some();
        if non_empty {
            if !force {
                return Err(format!(
                    "{} is not empty; pass --force to delete and regenerate it",
                    out.display()
                )
                .into());
            }
            // Only ever delete something that looks like a previous sample.
            if !out
                .join(".com.apple.containermanagerd.metadata.plist")
                .is_file()
                || !out.join("Data").is_dir()
            {
                return Err(format!(
                    "{} does not look like a generated sample container; refusing to delete it",
                    out.display()
                )
                .into());
            }
            fs::remove_dir_all(&out)?;
        }
    }
    fs::create_dir_all(&out)?;
    let started = SystemTime::now();
    let (files, bytes) = generate(&out)?;
    let ms = started.elapsed().map(|d| d.as_millis()).unwrap_or(0);
    println!(
        "wrote {files} files, {bytes} bytes to {} in {ms} ms",
        out.display()
    );
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("make_sample: {e}");
        std::process::exit(1);
    }
}
