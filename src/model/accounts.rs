//! One account across WeChat versions. A 3.x account folder is md5(wxid) and a 4.x one
//! `<wxid>_<4 hex>` (`next-capabilities.md` §B.1), so a 3.x folder named md5 of a 4.x
//! folder's wxid is the same account: [`link`] reports it once, under the 4.x id, with
//! the 3.x folder in `aliases`, bytes per layout in `by_layout`, and its chats merged
//! with the 4.x chats of the same md5. The link is claimed only when the md5 matches;
//! a 4.x account with no match while unlinked 3.x folders exist gets a note instead (a
//! custom WeChat ID can differ from the username the 3.x folder is named after).
//! Also settles `accounts_seen` (the `all_users/login/<wxid>` folders). Pure.

use super::names::{md5_hex, v4_wxid};
use super::{AccountSeen, ChatTotals, Report};
use crate::tree::classify::pattern::is_md5;
use std::collections::BTreeMap;

/// The note on a 4.x account that no 3.x folder matches while some 3.x folder is left.
pub const NO_V3_MATCH: &str = "no 3.x account folder here is md5 of this account's id; the 3.x folders stay separate rows (a custom WeChat ID can differ from the username its 3.x folder is named after)";

/// The note on 4.x accounts that share one wxid, whose 3.x folder is left unlinked.
pub const SHARED_V3_MATCH: &str = "a 3.x account folder here is md5 of this account's id, but so is another 4.x folder's; the 3.x folder stays a separate row";

/// The link rule, the one place it lives: each 3.x account folder (md5 hex) → the 4.x
/// folder `<wxid>_<4 hex>` whose wxid it is md5 of. Claimed only when exactly one 4.x
/// folder has that wxid. Used by the report ([`aliases`]), the plan's leftover-3.x
/// context and the `dupes` command.
pub(crate) fn v3_links<'a>(
    v3: impl IntoIterator<Item = &'a str>,
    v4: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, String> {
    let mut by_md5: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for id in v4 {
        if let Some(wxid) = v4_wxid(id) {
            let ids = by_md5.entry(md5_hex(wxid)).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    v3.into_iter()
        .filter(|id| is_md5(id))
        .filter_map(
            |id| match by_md5.get(&id.to_ascii_lowercase()).map(Vec::as_slice) {
                Some([v4]) => Some((id.to_string(), (*v4).to_string())),
                _ => None,
            },
        )
        .collect()
}

/// 3.x folder → the 4.x folder it is the same account as.
pub(crate) fn aliases(r: &Report) -> BTreeMap<String, String> {
    let of = |layout: &'static str| {
        r.accounts
            .iter()
            .filter(move |a| a.layout == layout)
            .map(|a| a.id.as_str())
    };
    v3_links(of("wechat3"), of("wechat4"))
}

fn merge_month(a: &mut Option<String>, b: &Option<String>, earlier: bool) {
    if let Some(b) = b {
        let replace = match a {
            None => true,
            Some(a) => (earlier && b < a) || (!earlier && b > a),
        };
        if replace {
            *a = Some(b.clone());
        }
    }
}

/// Fold `other` (the same chat in another layout) into `c`.
fn merge_chat(c: &mut ChatTotals, other: ChatTotals) {
    c.size.merge(&other.size);
    for (k, v) in other.categories {
        *c.categories.entry(k).or_default() += v;
    }
    for (k, v) in other.by_layout {
        c.by_layout.entry(k).or_default().merge(&v);
    }
    merge_month(&mut c.first_month, &other.first_month, true);
    merge_month(&mut c.last_month, &other.last_month, false);
}

/// Largest first, then by account and chat (the order `chats[]` has).
pub(crate) fn sort_chats(chats: &mut [ChatTotals]) {
    chats.sort_by(|a, b| {
        b.size
            .apparent_bytes
            .cmp(&a.size.apparent_bytes)
            .then_with(|| (&a.account, &a.chat).cmp(&(&b.account, &b.chat)))
    });
}

/// Link accounts across versions and merge their chats, and say which account row
/// each of `accounts_seen` has its data in (see the module docs).
pub(crate) fn link(r: &mut Report) {
    let map = aliases(r);
    let rename = |id: &mut String| {
        if let Some(to) = map.get(id.as_str()) {
            *id = to.clone();
        }
    };
    // Accounts: fold each linked 3.x row into its 4.x row.
    let mut rows = std::mem::take(&mut r.accounts);
    let (v3, mut keep): (Vec<_>, Vec<_>) = rows.drain(..).partition(|a| map.contains_key(&a.id));
    for old in v3 {
        if let Some(to) = keep.iter_mut().find(|a| Some(&a.id) == map.get(&old.id)) {
            to.size.merge(&old.size);
            for (k, v) in &old.by_layout {
                to.by_layout.entry(k.clone()).or_default().merge(v);
            }
            to.aliases.push(old.id.clone());
            to.aliases.sort();
        }
    }
    // Chats: re-key, then merge rows of the same (account, chat).
    let mut chats: BTreeMap<(String, String), ChatTotals> = BTreeMap::new();
    for mut c in std::mem::take(&mut r.chats) {
        rename(&mut c.account);
        let key = (c.account.clone(), c.chat.to_ascii_lowercase());
        match chats.get_mut(&key) {
            Some(mine) => merge_chat(mine, c),
            None => {
                chats.insert(key, c);
            }
        }
    }
    r.chats = chats.into_values().collect();
    sort_chats(&mut r.chats);
    for f in &mut r.largest {
        rename(&mut f.account);
    }
    for d in &mut r.databases {
        rename(&mut d.account);
    }
    for d in &mut r.dat_images {
        rename(&mut d.account);
    }
    for u in &mut r.unattributed {
        rename(&mut u.account);
    }
    // Per-account chat counts, and the note where a link might be expected.
    let unlinked_v3: Vec<String> = keep
        .iter()
        .filter(|a| a.layout == "wechat3" && is_md5(&a.id))
        .map(|a| a.id.to_ascii_lowercase())
        .collect();
    for a in &mut keep {
        a.chats = r.chats.iter().filter(|c| c.account == a.id).count() as u64;
        if a.layout != "wechat4" || !a.aliases.is_empty() || unlinked_v3.is_empty() {
            continue;
        }
        let own = v4_wxid(&a.id).map(md5_hex);
        a.note = Some(
            if own.is_some_and(|h| unlinked_v3.contains(&h)) {
                SHARED_V3_MATCH
            } else {
                NO_V3_MATCH
            }
            .to_string(),
        );
    }
    keep.sort_by(|a, b| {
        b.size
            .apparent_bytes
            .cmp(&a.size.apparent_bytes)
            .then_with(|| (&a.id, &a.layout).cmp(&(&b.id, &b.layout)))
    });
    r.accounts = keep;
    let seen: Vec<String> = r.accounts_seen.iter().map(|s| s.id.clone()).collect();
    r.accounts_seen = accounts_seen(r, &seen);
}

/// Each `all_users/login/<wxid>` folder with the account row it has data in (a 4.x
/// folder of that wxid, else the 3.x folder md5(wxid)), `None` when no data is left.
fn accounts_seen(r: &Report, seen: &[String]) -> Vec<AccountSeen> {
    let mut out: Vec<AccountSeen> = seen
        .iter()
        .map(|id| {
            let h = md5_hex(id);
            let account = r
                .accounts
                .iter()
                .find(|a| {
                    a.layout == "wechat4" && (a.id == *id || v4_wxid(&a.id) == Some(id.as_str()))
                })
                .or_else(|| {
                    r.accounts.iter().find(|a| {
                        a.id.eq_ignore_ascii_case(&h)
                            || a.aliases.iter().any(|x| x.eq_ignore_ascii_case(&h))
                    })
                })
                .map(|a| a.id.clone());
            AccountSeen {
                id: id.clone(),
                account,
                label: None,
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccountTotals, Size};

    fn size(files: u64, bytes: u64) -> Size {
        Size {
            files,
            apparent_bytes: bytes,
            allocated_bytes: bytes,
        }
    }

    fn account(id: &str, layout: &str, s: Size) -> AccountTotals {
        AccountTotals {
            id: id.into(),
            layout: layout.into(),
            size: s,
            chats: 0,
            aliases: Vec::new(),
            by_layout: [(layout.to_string(), s)].into(),
            label: None,
            note: None,
        }
    }

    fn chat(account: &str, chat: &str, layout: &str, s: Size, month: &str) -> ChatTotals {
        ChatTotals {
            size: s,
            categories: [("chat-images".to_string(), s.apparent_bytes)].into(),
            by_layout: [(layout.to_string(), s)].into(),
            first_month: Some(month.into()),
            last_month: Some(month.into()),
            ..ChatTotals::new(account, chat)
        }
    }

    #[test]
    fn a_3x_folder_named_md5_of_the_wxid_joins_its_4x_account() {
        let v3 = md5_hex("wxid_a");
        let stray = md5_hex("someone");
        let mut r = Report {
            accounts: vec![
                account(&v3, "wechat3", size(2, 300)),
                account("wxid_a_1a2b", "wechat4", size(1, 40)),
                account("wxid_b_3c4d", "wechat4", size(1, 5)),
                account(&stray, "wechat3", size(1, 7)),
            ],
            chats: vec![
                chat(&v3, "c1", "wechat3", size(1, 100), "2023-01"),
                chat("wxid_a_1a2b", "c1", "wechat4", size(1, 40), "2024-05"),
                chat(&v3, "c2", "wechat3", size(1, 200), "2023-02"),
            ],
            accounts_seen: vec![
                AccountSeen {
                    id: "wxid_a".into(),
                    account: None,
                    label: None,
                },
                AccountSeen {
                    id: "wxid_gone".into(),
                    account: None,
                    label: None,
                },
            ],
            ..Report::default()
        };
        link(&mut r);
        let ids: Vec<&str> = r.accounts.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["wxid_a_1a2b", &stray, "wxid_b_3c4d"]);
        let a = &r.accounts[0];
        assert_eq!(a.aliases, std::slice::from_ref(&v3));
        assert_eq!(a.size, size(3, 340));
        assert_eq!(a.by_layout["wechat3"], size(2, 300));
        assert_eq!(a.by_layout["wechat4"], size(1, 40));
        assert_eq!(a.chats, 2);
        assert_eq!(a.note, None);
        // The 4.x account with no match gets the note, as 3.x folders are left.
        assert_eq!(r.accounts[2].note.as_deref(), Some(NO_V3_MATCH));
        assert_eq!(r.accounts[1].note, None);
        let c1 = r.chats.iter().find(|c| c.chat == "c1").unwrap();
        assert_eq!(c1.account, "wxid_a_1a2b");
        assert_eq!(c1.size, size(2, 140));
        assert_eq!(c1.by_layout["wechat3"], size(1, 100));
        assert_eq!(c1.by_layout["wechat4"], size(1, 40));
        assert_eq!(c1.categories["chat-images"], 140);
        assert_eq!(
            (c1.first_month.as_deref(), c1.last_month.as_deref()),
            (Some("2023-01"), Some("2024-05"))
        );
        assert_eq!(r.chats.len(), 2);
        assert_eq!(r.accounts_seen[0].account.as_deref(), Some("wxid_a_1a2b"));
        assert_eq!(r.accounts_seen[1].account, None);
    }

    #[test]
    fn two_4x_folders_of_one_wxid_claim_nothing() {
        let v3 = md5_hex("wxid_a");
        let mut r = Report {
            accounts: vec![
                account(&v3, "wechat3", size(1, 1)),
                account("wxid_a_1a2b", "wechat4", size(1, 1)),
                account("wxid_a_ffff", "wechat4", size(1, 1)),
            ],
            ..Report::default()
        };
        link(&mut r);
        assert_eq!(r.accounts.len(), 3);
        assert!(r.accounts.iter().all(|a| a.aliases.is_empty()));
        assert_eq!(r.accounts[1].note.as_deref(), Some(SHARED_V3_MATCH));
    }
}
