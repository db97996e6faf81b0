//! 4.x chat-image `.dat` files, counted per account, chat, scheme and variant from
//! their names alone (and, with `--dat-schemes`, the scheme from their first bytes).
//! Files, like `image_variants`: a hard-linked image counts once, in the chat of its
//! first path (the accumulator calls [`DatTally::count`] when it counts a file once).

use super::{slot, Map};
use crate::model;
use crate::readers::dat::{sniff_dat, DatScheme, ImageKind};
use crate::tree::sniff::Variant;
use std::collections::BTreeMap;

/// 4.x image `.dat` counts of one chat: (scheme id, variant) → (files, bytes).
type DatCounts = BTreeMap<(&'static str, Variant), (u64, u64)>;

/// See the module docs.
#[derive(Debug, Default)]
pub(super) struct DatTally {
    /// account → chat → scheme and variant counts.
    counts: Map<String, Map<String, DatCounts>>,
}

impl DatTally {
    /// One `.dat` image of `size` bytes.
    #[inline]
    pub(super) fn count(
        &mut self,
        account: &str,
        chat: &str,
        key: (&'static str, Variant),
        size: u64,
    ) {
        if let Some(counts) = slot(&mut self.counts, account).and_then(|m| slot(m, chat)) {
            let e = counts.entry(key).or_default();
            e.0 += 1;
            e.1 += size;
        }
    }

    /// Take another worker's counts.
    pub(super) fn merge(&mut self, other: DatTally) {
        for (account, chats) in other.counts {
            for (chat, counts) in chats {
                for (key, (files, bytes)) in counts {
                    if let Some(mine) =
                        slot(&mut self.counts, &account).and_then(|m| slot(m, &chat))
                    {
                        let e = mine.entry(key).or_default();
                        e.0 += files;
                        e.1 += bytes;
                    }
                }
            }
        }
    }

    /// Sorted by strings (as `--redact` re-sorts them): account, chat, scheme, variant.
    pub(super) fn into_model(self) -> Vec<model::DatImages> {
        let mut dat_images: Vec<model::DatImages> = Vec::new();
        for (account, chats) in &self.counts {
            for (chat, counts) in chats {
                for ((scheme, variant), (files, bytes)) in counts {
                    dat_images.push(model::DatImages {
                        account: account.clone(),
                        chat: chat.clone(),
                        scheme: scheme.to_string(),
                        variant: variant.id().to_string(),
                        files: *files,
                        apparent_bytes: *bytes,
                    });
                }
            }
        }
        dat_images.sort_by(|a, b| {
            (&a.account, &a.chat, &a.scheme, &a.variant)
                .cmp(&(&b.account, &b.chat, &b.scheme, &b.variant))
        });
        dat_images
    }
}

/// Every id [`dat_scheme_id`] can return.
pub(super) const DAT_SCHEMES: [&str; 17] = [
    "unread",
    "v1",
    "v2",
    "plain-jpeg",
    "xor-jpeg",
    "plain-png",
    "xor-png",
    "plain-gif",
    "xor-gif",
    "plain-bmp",
    "xor-bmp",
    "plain-tiff",
    "xor-tiff",
    "plain-webp",
    "xor-webp",
    "plain-wxgf",
    "xor-wxgf",
];

/// The scheme id of a 4.x `.dat` image (see [`model::DatImages`]); `unread` when its
/// head was not read (without `--dat-schemes`, or when reading it failed).
pub(super) fn dat_scheme_id(head: Option<&[u8]>) -> &'static str {
    let Some(head) = head else {
        return "unread";
    };
    match sniff_dat(head) {
        DatScheme::V1 => "v1",
        DatScheme::V2 => "v2",
        DatScheme::Xor { key, image } => {
            let plain = key == 0;
            match image {
                ImageKind::Jpeg if plain => "plain-jpeg",
                ImageKind::Jpeg => "xor-jpeg",
                ImageKind::Png if plain => "plain-png",
                ImageKind::Png => "xor-png",
                ImageKind::Gif if plain => "plain-gif",
                ImageKind::Gif => "xor-gif",
                ImageKind::Bmp if plain => "plain-bmp",
                ImageKind::Bmp => "xor-bmp",
                ImageKind::Tiff if plain => "plain-tiff",
                ImageKind::Tiff => "xor-tiff",
                ImageKind::Webp if plain => "plain-webp",
                ImageKind::Webp => "xor-webp",
                ImageKind::Wxgf if plain => "plain-wxgf",
                ImageKind::Wxgf => "xor-wxgf",
            }
        }
        DatScheme::Unknown => "unknown",
    }
}
