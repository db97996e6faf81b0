//! Sniffer for WeChat 4.x image `.dat` files (`msg/attach/.../Img/*.dat`).
//!
//! Pure function over the first bytes of a file; no key is needed. It tells
//! the three schemes apart (layout doc §3.5): the `V1`/`V2` AES containers by
//! their 6-byte prefix, and whole-file single-byte XOR by finding the one key
//! byte that turns the first bytes into a known image magic.

use serde::Serialize;

/// Bytes worth passing to [`sniff_dat`] (the longest check, WebP, needs 12).
pub const DAT_SNIFF_LEN: usize = 16;

const V1_PREFIX: [u8; 6] = [0x07, 0x08, 0x56, 0x31, 0x08, 0x07];
const V2_PREFIX: [u8; 6] = [0x07, 0x08, 0x56, 0x32, 0x08, 0x07];

/// Image format recognised under the XOR layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageKind {
    Jpeg,
    Png,
    Gif,
    Bmp,
    Tiff,
    Webp,
    /// WeChat's HEVC-based image container.
    Wxgf,
}

impl ImageKind {
    /// Stable id: `jpeg`, `png`, `gif`, `bmp`, `tiff`, `webp`, `wxgf`.
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "only the tests print it so far")
    )]
    pub fn as_str(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpeg",
            ImageKind::Png => "png",
            ImageKind::Gif => "gif",
            ImageKind::Bmp => "bmp",
            ImageKind::Tiff => "tiff",
            ImageKind::Webp => "webp",
            ImageKind::Wxgf => "wxgf",
        }
    }
}

/// How a `.dat` file is obfuscated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum DatScheme {
    /// `07 08 56 31 08 07`: AES-128-ECB head with a fixed key.
    V1,
    /// `07 08 56 32 08 07`: AES head with a per-account key (2025-08+).
    V2,
    /// Whole file XOR'd with `key`; `key == 0` means a plain image.
    Xor { key: u8, image: ImageKind },
    /// None of the above.
    Unknown,
}

/// A magic: `(offset, bytes)` pieces that must all match under one key.
type Magic = &'static [(usize, &'static [u8])];

/// Checked in this order; the first match wins. BMP comes last because its
/// 2-byte magic is the weakest (and is strengthened by the reserved field).
const MAGICS: &[(ImageKind, Magic)] = &[
    (ImageKind::Jpeg, &[(0, &[0xFF, 0xD8, 0xFF])]),
    (ImageKind::Png, &[(0, &[0x89, 0x50, 0x4E, 0x47])]),
    (ImageKind::Gif, &[(0, b"GIF8")]),
    (ImageKind::Tiff, &[(0, &[0x49, 0x49, 0x2A, 0x00])]),
    (ImageKind::Tiff, &[(0, &[0x4D, 0x4D, 0x00, 0x2A])]),
    (ImageKind::Webp, &[(0, b"RIFF"), (8, b"WEBP")]),
    (ImageKind::Wxgf, &[(0, b"wxgf")]),
    // "BM", then the two reserved u16 fields at 6..10, which are zero.
    (ImageKind::Bmp, &[(0, b"BM"), (6, &[0, 0, 0, 0])]),
];

fn xor_matches(bytes: &[u8], magic: Magic) -> Option<u8> {
    let (_, first) = magic.first()?;
    let key = bytes.first()? ^ first.first()?;
    for (off, want) in magic {
        let got = bytes.get(*off..off.checked_add(want.len())?)?;
        if !got.iter().zip(want.iter()).all(|(g, w)| g ^ key == *w) {
            return None;
        }
    }
    Some(key)
}

/// Classifies a `.dat` file from its first bytes (pass at least
/// [`DAT_SNIFF_LEN`] when the file has them).
pub fn sniff_dat(bytes: &[u8]) -> DatScheme {
    if bytes.starts_with(&V1_PREFIX) {
        return DatScheme::V1;
    }
    if bytes.starts_with(&V2_PREFIX) {
        return DatScheme::V2;
    }
    for (image, magic) in MAGICS {
        if let Some(key) = xor_matches(bytes, magic) {
            return DatScheme::Xor { key, image: *image };
        }
    }
    DatScheme::Unknown
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn xor(data: &[u8], key: u8) -> Vec<u8> {
        data.iter().map(|b| b ^ key).collect()
    }

    fn samples() -> Vec<(ImageKind, Vec<u8>)> {
        vec![
            (
                ImageKind::Jpeg,
                b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01".to_vec(),
            ),
            (
                ImageKind::Png,
                b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec(),
            ),
            (ImageKind::Gif, b"GIF89a\x01\x00\x01\x00\x80\x00".to_vec()),
            (
                ImageKind::Bmp,
                b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00".to_vec(),
            ),
            (
                ImageKind::Tiff,
                b"II*\x00\x08\x00\x00\x00\x00\x00\x00\x00".to_vec(),
            ),
            (
                ImageKind::Tiff,
                b"MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00".to_vec(),
            ),
            (ImageKind::Webp, b"RIFF\x24\x00\x00\x00WEBPVP8 ".to_vec()),
            (
                ImageKind::Wxgf,
                b"wxgf\x01\x02\x03\x04\x05\x06\x07\x08".to_vec(),
            ),
        ]
    }

    #[test]
    fn every_magic_under_every_key() {
        for (kind, plain) in samples() {
            for key in 0..=255u8 {
                assert_eq!(
                    sniff_dat(&xor(&plain, key)),
                    DatScheme::Xor { key, image: kind },
                    "{} key {key:#04x}",
                    kind.as_str()
                );
            }
        }
    }

    #[test]
    fn v1_v2_prefixes() {
        let mut v1 = V1_PREFIX.to_vec();
        v1.extend_from_slice(&[0x10, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(sniff_dat(&v1), DatScheme::V1);
        let mut v2 = V2_PREFIX.to_vec();
        v2.extend_from_slice(&[0x10, 0, 0, 0]);
        assert_eq!(sniff_dat(&v2), DatScheme::V2);
        assert_eq!(sniff_dat(&V1_PREFIX[..5]), DatScheme::Unknown);
    }

    #[test]
    fn short_and_unknown() {
        assert_eq!(sniff_dat(&[]), DatScheme::Unknown);
        assert_eq!(sniff_dat(&[0xFF]), DatScheme::Unknown);
        // WebP needs all 12 bytes.
        assert_eq!(sniff_dat(b"RIFF\0\0\0\0WEB"), DatScheme::Unknown);
        // "BM" without zero reserved bytes is not taken for a bitmap.
        assert_eq!(
            sniff_dat(b"BM\x36\x00\x0c\x00\x01\x02\x03\x04"),
            DatScheme::Unknown
        );
        assert_eq!(sniff_dat(&[0u8; 16]), DatScheme::Unknown);
    }

    #[test]
    fn ids_and_json() {
        let ids: Vec<&str> = [
            ImageKind::Jpeg,
            ImageKind::Png,
            ImageKind::Gif,
            ImageKind::Bmp,
            ImageKind::Tiff,
            ImageKind::Webp,
            ImageKind::Wxgf,
        ]
        .iter()
        .map(|k| k.as_str())
        .collect();
        assert_eq!(ids, ["jpeg", "png", "gif", "bmp", "tiff", "webp", "wxgf"]);
        let j = serde_json::to_string(&DatScheme::Xor {
            key: 0x2f,
            image: ImageKind::Jpeg,
        })
        .unwrap();
        assert_eq!(j, r#"{"scheme":"xor","key":47,"image":"jpeg"}"#);
        assert_eq!(
            serde_json::to_string(&DatScheme::V2).unwrap(),
            r#"{"scheme":"v2"}"#
        );
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let s = sniff_dat(&bytes);
            if let DatScheme::Xor { key, image } = s {
                // The reported key really decodes a known magic.
                let first = bytes[0] ^ key;
                let ok = match image {
                    ImageKind::Jpeg => first == 0xFF,
                    ImageKind::Png => first == 0x89,
                    ImageKind::Gif => first == b'G',
                    ImageKind::Bmp => first == b'B',
                    ImageKind::Tiff => first == b'I' || first == b'M',
                    ImageKind::Webp => first == b'R',
                    ImageKind::Wxgf => first == b'w',
                };
                prop_assert!(ok);
            }
        }
    }
}
