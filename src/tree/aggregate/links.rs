//! Hard links: a file with several links is held back until the walk is over, keyed by
//! (device, inode), and then counted once, under its lexicographically first path,
//! whatever order the threads met its links in; every link still counts in its chat.

use super::{Facts, Map};
use crate::model;
use crate::tree::classify::{Category, Layout};
use crate::tree::sniff::Variant;
use crate::tree::walk::FileMeta;

/// [`Facts`] kept past the walk, for a file with several links.
#[derive(Debug, Clone)]
pub(super) struct Counted {
    root: usize,
    rel: String,
    category: Category,
    layout: Layout,
    account: Option<String>,
    kind: String,
    variant: Option<Variant>,
    /// Chat and scheme of a 4.x `.dat` image.
    dat: Option<(String, &'static str)>,
    pub(super) meta: FileMeta,
}

impl Counted {
    fn from_facts(f: &Facts<'_>) -> Counted {
        Counted {
            root: f.root,
            rel: f.rel.to_string(),
            category: f.category,
            layout: f.layout,
            account: f.account.map(str::to_string),
            kind: f.kind.to_string(),
            variant: f.variant,
            dat: f.dat.map(|(chat, scheme)| (chat.to_string(), scheme)),
            meta: f.meta,
        }
    }

    pub(super) fn facts(&self) -> Facts<'_> {
        Facts {
            root: self.root,
            rel: &self.rel,
            category: self.category,
            layout: self.layout,
            account: self.account.as_deref(),
            kind: &self.kind,
            variant: self.variant,
            dat: self
                .dat
                .as_ref()
                .map(|(chat, scheme)| (chat.as_str(), *scheme)),
            meta: self.meta,
        }
    }
}

/// (account, chat, category) of a link in a chat.
pub(super) type ChatLink = (String, String, Category);

/// An inode with several links, until the walk is over.
#[derive(Debug, Clone)]
struct LinkGroup {
    /// The link with the smallest path so far.
    first: Counted,
    seen: u64,
    /// (account, chat, category) of every link in a chat.
    chats: Vec<ChatLink>,
}

/// One inode, settled: the link it is counted under, and the chats its links are in
/// (each chat once).
pub(super) struct Settled {
    pub(super) first: Counted,
    pub(super) chats: Vec<ChatLink>,
}

/// See the module docs.
#[derive(Debug, Default)]
pub(super) struct Links {
    groups: Map<(u64, u64), LinkGroup>,
}

impl Links {
    /// One link of a file with `nlink > 1`; `chat` when this link is in a chat.
    pub(super) fn add(&mut self, facts: &Facts<'_>, chat: Option<ChatLink>) {
        let counted = Counted::from_facts(facts);
        let key = (facts.meta.dev, facts.meta.ino);
        match self.groups.get_mut(&key) {
            None => {
                self.groups.insert(
                    key,
                    LinkGroup {
                        first: counted,
                        seen: 1,
                        chats: chat.into_iter().collect(),
                    },
                );
            }
            Some(g) => {
                g.seen += 1;
                g.chats.extend(chat);
                if (counted.rel.as_str(), counted.root) < (g.first.rel.as_str(), g.first.root) {
                    g.first = counted;
                }
            }
        }
    }

    /// Take another worker's links.
    pub(super) fn merge(&mut self, other: Links) {
        for (k, g) in other.groups {
            match self.groups.get_mut(&k) {
                None => {
                    self.groups.insert(k, g);
                }
                Some(mine) => {
                    mine.seen += g.seen;
                    mine.chats.extend(g.chats);
                    if (g.first.rel.as_str(), g.first.root)
                        < (mine.first.rel.as_str(), mine.first.root)
                    {
                        mine.first = g.first;
                    }
                }
            }
        }
    }

    /// The walk is over: what the links share, and each inode to count once, by path.
    pub(super) fn settle(self) -> (model::HardLinks, Vec<Settled>) {
        let mut hard_links = model::HardLinks::default();
        let mut groups: Vec<LinkGroup> = self.groups.into_values().collect();
        groups.sort_by(|a, b| a.first.rel.cmp(&b.first.rel));
        let settled = groups
            .into_iter()
            .map(|mut g| {
                if g.seen > 1 {
                    hard_links.inodes += 1;
                    hard_links.extra_links += g.seen - 1;
                    hard_links.shared_apparent_bytes += g.first.meta.size * (g.seen - 1);
                    hard_links.shared_allocated_bytes += g.first.meta.allocated * (g.seen - 1);
                }
                g.chats.sort();
                g.chats.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
                Settled {
                    first: g.first,
                    chats: g.chats,
                }
            })
            .collect();
        (hard_links, settled)
    }
}
