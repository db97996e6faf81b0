//! Duplicates seen without reading a byte (the report's `dupe_hints`), per category,
//! account and chat:
//!
//! - bytes in inodes with several links in the scan: already shared (from the settled
//!   hard links, [`super::links`]);
//! - 4.x chat files whose md5 name (`<md5>.dat`, `<md5>_t.dat`, `<md5>.mp4`, ...) is
//!   also in another chat, on another inode: each copy beyond the first, the first
//!   being the one in the chat folder whose name sorts first;
//! - the 3.x/4.x overlap: a 3.x received file with the same name and size as one in the
//!   4.x tree of the same account (the 3.x account folder is named md5 of the 4.x
//!   wxid), on another inode.
//!
//! Memory: one 32-byte record per candidate name (4.x chat files with an md5 name,
//! received files of both trees), at most [`MAX_NAMES`] (about 13 MB) in all: the
//! workers draw from one shared [`NameBudget`], so the walk never holds more than the
//! merge keeps; past it the name figures are lower bounds and the report says so
//! (`complete: false`).
//! Accounts and chats are interned per worker. Everything else is a sum.

use super::{Map, SHARED};
use crate::dupes::names::md5_stem;
use crate::model::names::v4_wxid;
use crate::model::{AccountHints, CategoryHints, ChatHints, DupeHints, HintFigures};
use crate::tree::classify::{Category, Layout, Placement};
use crate::tree::walk::FileMeta;
use md5::{Digest, Md5};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Most name records kept (see the module docs).
pub(crate) const MAX_NAMES: usize = 400_000;

/// How many more name records the workers of one scan may keep (starts at
/// [`MAX_NAMES`]; clones share it).
#[derive(Debug, Clone)]
pub struct NameBudget(Arc<AtomicUsize>);

impl Default for NameBudget {
    fn default() -> Self {
        NameBudget(Arc::new(AtomicUsize::new(MAX_NAMES)))
    }
}

impl NameBudget {
    /// Take `n` records' worth, or less when less is left (returns what was taken).
    fn take(&self, n: usize) -> usize {
        let mut got = 0;
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                got = left.min(n);
                Some(left - got)
            });
        got
    }
}

/// Records taken from the budget at a time (so the shared counter is touched once
/// per this many records).
const BUDGET_STEP: usize = 4096;

/// Records moved at a time when two workers' lists are merged.
const MERGE_STEP: usize = 16_384;

/// Which figure a record is for (in [`Rec::kind`]).
const MD5_NAME: u8 = 0;
const OVERLAP: u8 = 1;
/// In [`Rec::kind`]: a 3.x file (else 4.x).
const V3: u8 = 2;

/// One candidate name (32 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rec {
    /// The name: the first 8 bytes of the md5 of the name (MD5_NAME) or of the
    /// account's wxid (OVERLAP), xor the hash of the rest of the name (MD5_NAME) or of
    /// the name and size (OVERLAP). The md5 bytes are random, so two different names
    /// share it once in 2^64 pairs.
    name: u64,
    ino: u64,
    size: u64,
    /// Index into the owners.
    owner: u32,
    /// Index into the devices.
    dev: u16,
    /// The figure ([`MD5_NAME`], [`OVERLAP`]), and [`V3`].
    kind: u8,
    category: u8,
}

impl Rec {
    fn figure(&self) -> u8 {
        self.kind & OVERLAP
    }

    /// 0 = 4.x, 1 = 3.x.
    fn layout(&self) -> u8 {
        u8::from(self.kind & V3 != 0)
    }
}

/// An account and chat, interned.
type Owner = (Box<str>, Option<Box<str>>);

/// See the module docs.
#[derive(Debug, Default)]
pub(super) struct Hints {
    recs: Vec<Rec>,
    /// The shared budget, and how many records this worker may still add from what
    /// it took of it.
    budget: NameBudget,
    allowed: usize,
    owners: Vec<Owner>,
    owner_ids: Map<Owner, u32>,
    /// The owner found last.
    last_owner: u32,
    /// The devices of the records' files, and the one found last.
    devs: Vec<u64>,
    last_dev: u16,
    full: bool,
    /// Linked bytes, added when the hard links settle.
    linked: Figures,
    /// 3.x account folder → its 4.x account ([`Hints::link_accounts`]): figures are
    /// kept per account as the report shows it, an inode in both trees once.
    links: BTreeMap<String, String>,
}

/// The figures per category, account and chat.
#[derive(Debug, Default)]
struct Figures {
    total: HintFigures,
    categories: BTreeMap<Category, HintFigures>,
    accounts: BTreeMap<String, HintFigures>,
    chats: BTreeMap<(String, String), HintFigures>,
}

impl Figures {
    fn add(&mut self, places: &[(&str, Option<&str>, Category)], f: impl Fn(&mut HintFigures)) {
        f(&mut self.total);
        let mut cats: Vec<Category> = places.iter().map(|p| p.2).collect();
        cats.sort();
        cats.dedup();
        for c in cats {
            f(self.categories.entry(c).or_default());
        }
        let mut accounts: Vec<&str> = places.iter().map(|p| p.0).collect();
        accounts.sort();
        accounts.dedup();
        for a in accounts {
            f(self.accounts.entry(a.to_string()).or_default());
        }
        let mut chats: Vec<(&str, &str)> = places
            .iter()
            .filter_map(|p| p.1.map(|c| (p.0, c)))
            .collect();
        chats.sort();
        chats.dedup();
        for (a, c) in chats {
            f(self
                .chats
                .entry((a.to_string(), c.to_string()))
                .or_default());
        }
    }
}

/// FNV-1a: a fixed hash, the same in every worker and run.
fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in *p {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A record's key: the first 8 of an md5's 16 bytes.
fn key_of(md5: &[u8; 16]) -> u64 {
    let mut k = [0u8; 8];
    k.copy_from_slice(&md5[..8]);
    u64::from_be_bytes(k)
}

/// 32 hex digits as 16 bytes.
fn hex16(s: &str) -> Option<[u8; 16]> {
    let b = s.as_bytes();
    if b.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        let hi = (b[2 * i] as char).to_digit(16)?;
        let lo = (b[2 * i + 1] as char).to_digit(16)?;
        *o = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

/// The 3.x folder name of a 4.x account folder `<wxid>_<4 hex>`: md5 of the wxid (the
/// link rule of [`crate::model::accounts::v3_links`], as bytes; two 4.x folders of one
/// wxid both count their overlap here, where the report leaves the 3.x row unlinked).
fn v3_key_of_v4(account: &str) -> Option<[u8; 16]> {
    Some(Md5::digest(v4_wxid(account)?.as_bytes()).into())
}

impl Hints {
    pub(super) fn new(budget: NameBudget) -> Hints {
        Hints {
            budget,
            ..Hints::default()
        }
    }

    fn owner(&mut self, account: &str, chat: Option<&str>) -> Option<u32> {
        // Files come folder by folder: mostly the owner of the file before (no key
        // allocated for it).
        if let Some((a, c)) = self.owners.get(self.last_owner as usize) {
            if &**a == account && c.as_deref() == chat {
                return Some(self.last_owner);
            }
        }
        let key: Owner = (account.into(), chat.map(Into::into));
        if let Some(&id) = self.owner_ids.get(&key) {
            self.last_owner = id;
            return Some(id);
        }
        let id = u32::try_from(self.owners.len()).ok()?;
        self.owners.push(key.clone());
        self.owner_ids.insert(key, id);
        self.last_owner = id;
        Some(id)
    }

    fn dev(&mut self, dev: u64) -> Option<u16> {
        if self.devs.get(usize::from(self.last_dev)) == Some(&dev) {
            return Some(self.last_dev);
        }
        let at = match self.devs.iter().position(|&d| d == dev) {
            Some(at) => at,
            None => {
                self.devs.push(dev);
                self.devs.len() - 1
            }
        };
        let at = u16::try_from(at).ok()?;
        self.last_dev = at;
        Some(at)
    }

    /// One file met by the walk (every link of it).
    pub(super) fn file(&mut self, p: &Placement<'_>, name: &str, meta: &FileMeta) {
        let account = p.account.unwrap_or(SHARED);
        let rec = match (p.layout, p.chat, p.category) {
            (Layout::Wechat4, Some(_), _) => {
                let Some(stem) = md5_stem(name) else { return };
                let Some(key) = hex16(stem) else { return };
                (MD5_NAME, key, fnv(&[&name.as_bytes()[32..]]))
            }
            (Layout::Wechat4, None, Category::ChatFiles) => {
                let Some(key) = p.account.and_then(v3_key_of_v4) else {
                    return;
                };
                (
                    OVERLAP,
                    key,
                    fnv(&[name.as_bytes(), &meta.size.to_le_bytes()]),
                )
            }
            (Layout::Wechat3, _, Category::ChatFiles) => {
                let Some(key) = p.account.and_then(hex16) else {
                    return;
                };
                (
                    OVERLAP,
                    key,
                    fnv(&[name.as_bytes(), &meta.size.to_le_bytes()]),
                )
            }
            _ => return,
        };
        if self.allowed == 0 {
            self.allowed = self.budget.take(BUDGET_STEP);
            if self.allowed == 0 {
                self.full = true;
                return;
            }
        }
        let (Some(owner), Some(dev)) = (self.owner(account, p.chat), self.dev(meta.dev)) else {
            self.full = true;
            return;
        };
        let (figure, key, rest) = rec;
        let name = key_of(&key) ^ rest;
        self.allowed -= 1;
        if self.recs.len() == self.recs.capacity() {
            // Doubling, but never past what one worker can hold.
            let len = self.recs.len();
            let more = len.max(1024).min(MAX_NAMES.saturating_sub(len)).max(1);
            self.recs.reserve_exact(more);
        }
        self.recs.push(Rec {
            name,
            ino: meta.ino,
            size: meta.size,
            owner,
            dev,
            kind: figure | if p.layout == Layout::Wechat3 { V3 } else { 0 },
            category: u8::try_from(p.category.index()).unwrap_or(u8::MAX),
        });
    }

    /// Report the figures of a 3.x account folder under the 4.x account it is (call
    /// before the hard links settle).
    pub(super) fn link_accounts(&mut self, links: BTreeMap<String, String>) {
        self.links = links;
    }

    fn account<'a>(&'a self, id: &'a str) -> &'a str {
        self.links.get(id).map_or(id, String::as_str)
    }

    /// An inode with several links, settled: its bytes are already shared.
    pub(super) fn linked(&mut self, size: u64, places: &[(&str, Option<&str>, Category)]) {
        if places.is_empty() {
            return;
        }
        let links = &self.links;
        let places: Vec<(&str, Option<&str>, Category)> = places
            .iter()
            .map(|&(a, c, k)| (links.get(a).map_or(a, String::as_str), c, k))
            .collect();
        self.linked.add(&places, |f| {
            f.linked_inodes += 1;
            f.linked_bytes += size;
        });
    }

    /// Take another worker's records.
    pub(super) fn merge(&mut self, other: Hints) {
        let map: Vec<Option<u32>> = other
            .owners
            .iter()
            .map(|(a, c)| self.owner(a, c.as_deref()))
            .collect();
        let devs: Vec<Option<u16>> = other.devs.iter().map(|&d| self.dev(d)).collect();
        self.full |= other.full;
        // Moved a slice at a time from the end, the other list shrinking as this one
        // grows: the peak holds both lists once, not the other one twice.
        let mut theirs = other.recs;
        while !theirs.is_empty() {
            let at = theirs.len().saturating_sub(MERGE_STEP);
            let room = MAX_NAMES.saturating_sub(self.recs.len());
            self.recs.reserve_exact((theirs.len() - at).min(room));
            for mut r in theirs.drain(at..) {
                if self.recs.len() >= MAX_NAMES {
                    self.full = true;
                    break;
                }
                let (Some(Some(owner)), Some(Some(dev))) =
                    (map.get(r.owner as usize), devs.get(usize::from(r.dev)))
                else {
                    self.full = true;
                    continue;
                };
                r.owner = *owner;
                r.dev = *dev;
                self.recs.push(r);
            }
            theirs.shrink_to_fit();
        }
    }

    /// The figures, once the walk is over and the hard links have settled.
    pub(super) fn into_model(mut self) -> DupeHints {
        let mut recs = std::mem::take(&mut self.recs);
        // A name's records together; in one, chats by name, then inodes.
        let dev = |r: &Rec| self.devs.get(usize::from(r.dev)).copied().unwrap_or(0);
        recs.sort_unstable_by(|a, b| {
            (a.figure(), a.name)
                .cmp(&(b.figure(), b.name))
                .then_with(|| self.owner_name(a).cmp(&self.owner_name(b)))
                .then_with(|| (a.layout(), dev(a), a.ino).cmp(&(b.layout(), dev(b), b.ino)))
        });
        let mut figures = std::mem::take(&mut self.linked);
        for same in recs.chunk_by(|a, b| (a.figure(), a.name) == (b.figure(), b.name)) {
            let first = same[0];
            match first.figure() {
                MD5_NAME => {
                    let chats = same.iter().any(|r| r.owner != first.owner);
                    if !chats {
                        continue;
                    }
                    // Every copy on another inode than the first one's.
                    for r in same
                        .iter()
                        .filter(|r| (r.dev, r.ino) != (first.dev, first.ino))
                    {
                        let size = r.size;
                        figures.add(&[self.place(r)], |f| {
                            f.md5_repeat_files += 1;
                            f.md5_repeat_bytes += size;
                        });
                    }
                }
                _ => {
                    // layout 0 = 4.x, 1 = 3.x (sorted 4.x first).
                    let v4: Vec<(u16, u64)> = same
                        .iter()
                        .filter(|r| r.layout() == 0)
                        .map(|r| (r.dev, r.ino))
                        .collect();
                    if v4.is_empty() {
                        continue;
                    }
                    for r in same
                        .iter()
                        .filter(|r| r.layout() == 1 && !v4.contains(&(r.dev, r.ino)))
                    {
                        let size = r.size;
                        figures.add(&[self.place(r)], |f| {
                            f.overlap_files += 1;
                            f.overlap_bytes += size;
                        });
                    }
                }
            }
        }
        let order = |a: &HintFigures, b: &HintFigures| b.bytes().cmp(&a.bytes());
        let mut categories: Vec<CategoryHints> = figures
            .categories
            .into_iter()
            .filter(|(_, f)| !f.is_empty())
            .map(|(c, figures)| CategoryHints {
                id: c.id().to_string(),
                figures,
            })
            .collect();
        categories.sort_by(|a, b| order(&a.figures, &b.figures).then_with(|| a.id.cmp(&b.id)));
        let mut accounts: Vec<AccountHints> = figures
            .accounts
            .into_iter()
            .filter(|(_, f)| !f.is_empty())
            .map(|(id, figures)| AccountHints { id, figures })
            .collect();
        accounts.sort_by(|a, b| order(&a.figures, &b.figures).then_with(|| a.id.cmp(&b.id)));
        let mut chats: Vec<ChatHints> = figures
            .chats
            .into_iter()
            .filter(|(_, f)| !f.is_empty())
            .map(|((account, chat), figures)| ChatHints {
                account,
                chat,
                figures,
            })
            .collect();
        chats.sort_by(|a, b| {
            order(&a.figures, &b.figures)
                .then_with(|| (&a.account, &a.chat).cmp(&(&b.account, &b.chat)))
        });
        DupeHints {
            max_names: MAX_NAMES as u64,
            complete: !self.full,
            totals: figures.total,
            categories,
            accounts,
            chats,
        }
    }

    fn owner_name(&self, r: &Rec) -> (&str, &str) {
        self.owners
            .get(r.owner as usize)
            .map_or(("", ""), |(a, c)| (a, c.as_deref().unwrap_or("")))
    }

    fn place(&self, r: &Rec) -> (&str, Option<&str>, Category) {
        let (account, chat) = self
            .owners
            .get(r.owner as usize)
            .map_or((SHARED, None), |(a, c)| (self.account(a), c.as_deref()));
        let category = Category::ALL
            .get(usize::from(r.category))
            .copied()
            .unwrap_or(Category::Other);
        (account, chat, category)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_shared() {
        let a = NameBudget::default();
        let b = a.clone();
        assert_eq!(a.take(MAX_NAMES - 10), MAX_NAMES - 10);
        assert_eq!(b.take(BUDGET_STEP), 10);
        assert_eq!(a.take(1), 0);
    }

    #[test]
    fn record_is_32_bytes() {
        assert_eq!(std::mem::size_of::<Rec>(), 32);
    }

    #[test]
    fn keys() {
        assert_eq!(
            hex16("0123456789abcdef0123456789ABCDEF"),
            Some([
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
                0xcd, 0xef
            ])
        );
        assert_eq!(hex16("xyz"), None);
        // md5("wxid_ck85xup8b1bj21") names its 3.x account folder.
        assert_eq!(
            v3_key_of_v4("wxid_ck85xup8b1bj21_1a2b"),
            hex16("1d35a41b3adb8b335cc59362ad55ee88")
        );
        assert_eq!(v3_key_of_v4("all_users"), None);
        assert_ne!(fnv(&[b"a", b"b"]), fnv(&[b"ab"]));
    }
}
