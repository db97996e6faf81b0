//! What changed between two scan reports, per category, account, chat and month (the
//! `diff` command). Pure: two [`Report`]s in, a [`DiffReport`] out.

use super::{Report, Size};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the diff JSON layout.
pub const DIFF_SCHEMA_VERSION: u32 = 1;

/// Which scan a side of the diff is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub generated_at: String,
    pub base: String,
}

/// One key's change (sizes are apparent bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Category id, account id, `account/chat` or `YYYY-MM`.
    pub key: String,
    /// `appeared`, `disappeared`, `grew`, `shrank`, or `changed` (same bytes, other files).
    pub status: String,
    pub old_bytes: u64,
    pub new_bytes: u64,
    pub delta_bytes: i64,
    pub old_files: u64,
    pub new_files: u64,
    pub delta_files: i64,
    /// A chat's or account's label in the newer report (else the older one), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The whole comparison. Unchanged keys are left out; every list is sorted by the
/// absolute byte change, largest first, then by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffReport {
    pub schema_version: u32,
    pub old: Side,
    pub new: Side,
    pub totals: Change,
    pub categories: Vec<Change>,
    pub accounts: Vec<Change>,
    pub chats: Vec<Change>,
    pub months: Vec<Change>,
}

fn delta(a: u64, b: u64) -> i64 {
    (i128::from(b) - i128::from(a)).clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

fn change(key: &str, old: Size, new: Size) -> Change {
    let present = |s: &Size| s.files > 0 || s.apparent_bytes > 0;
    let status = match (present(&old), present(&new)) {
        (false, true) => "appeared",
        (true, false) => "disappeared",
        _ if new.apparent_bytes > old.apparent_bytes => "grew",
        _ if new.apparent_bytes < old.apparent_bytes => "shrank",
        _ => "changed",
    };
    Change {
        key: key.to_string(),
        status: status.to_string(),
        old_bytes: old.apparent_bytes,
        new_bytes: new.apparent_bytes,
        delta_bytes: delta(old.apparent_bytes, new.apparent_bytes),
        old_files: old.files,
        new_files: new.files,
        delta_files: delta(old.files, new.files),
        label: None,
    }
}

/// Put each key's label on its change: the newer report's, else the older one's.
fn with_labels<'a>(
    mut rows: Vec<Change>,
    old: impl Iterator<Item = (String, &'a Option<String>)>,
    new: impl Iterator<Item = (String, &'a Option<String>)>,
) -> Vec<Change> {
    let mut labels: BTreeMap<String, &String> = BTreeMap::new();
    for (k, l) in old.chain(new) {
        if let Some(l) = l {
            labels.insert(k, l);
        }
    }
    for c in &mut rows {
        c.label = labels.get(&c.key).map(|l| (*l).clone());
    }
    rows
}

/// A chat's key: its identity is (account, chat).
fn chat_key(c: &super::ChatTotals) -> String {
    format!("{}/{}", c.account, c.chat)
}

fn changes<'a>(
    old: impl Iterator<Item = (String, &'a Size)>,
    new: impl Iterator<Item = (String, &'a Size)>,
) -> Vec<Change> {
    let mut both: BTreeMap<String, (Size, Size)> = BTreeMap::new();
    for (k, s) in old {
        both.entry(k).or_default().0.merge(s);
    }
    for (k, s) in new {
        both.entry(k).or_default().1.merge(s);
    }
    let mut out: Vec<Change> = both
        .iter()
        .filter(|(_, (o, n))| o.apparent_bytes != n.apparent_bytes || o.files != n.files)
        .map(|(k, (o, n))| change(k, *o, *n))
        .collect();
    out.sort_by(|a, b| {
        b.delta_bytes
            .unsigned_abs()
            .cmp(&a.delta_bytes.unsigned_abs())
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

/// Compare two reports.
pub fn diff(old: &Report, new: &Report) -> DiffReport {
    let total = |r: &Report| Size {
        files: r.totals.files,
        apparent_bytes: r.totals.apparent_bytes,
        allocated_bytes: r.totals.allocated_bytes,
    };
    DiffReport {
        schema_version: DIFF_SCHEMA_VERSION,
        old: Side {
            generated_at: old.generated_at.clone(),
            base: old.base.clone(),
        },
        new: Side {
            generated_at: new.generated_at.clone(),
            base: new.base.clone(),
        },
        totals: change("all", total(old), total(new)),
        categories: changes(
            old.categories.iter().map(|c| (c.id.clone(), &c.size)),
            new.categories.iter().map(|c| (c.id.clone(), &c.size)),
        ),
        accounts: with_labels(
            changes(
                old.accounts.iter().map(|a| (a.id.clone(), &a.size)),
                new.accounts.iter().map(|a| (a.id.clone(), &a.size)),
            ),
            old.accounts.iter().map(|a| (a.id.clone(), &a.label)),
            new.accounts.iter().map(|a| (a.id.clone(), &a.label)),
        ),
        chats: with_labels(
            changes(
                old.chats.iter().map(|c| (chat_key(c), &c.size)),
                new.chats.iter().map(|c| (chat_key(c), &c.size)),
            ),
            old.chats.iter().map(|c| (chat_key(c), &c.label)),
            new.chats.iter().map(|c| (chat_key(c), &c.label)),
        ),
        months: changes(
            old.months.iter().map(|m| (m.month.clone(), &m.size)),
            new.months.iter().map(|m| (m.month.clone(), &m.size)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_order() {
        let s = |files, bytes| Size {
            files,
            apparent_bytes: bytes,
            allocated_bytes: 0,
        };
        let (a, b, c, d) = (s(1, 10), s(2, 30), s(1, 5), s(1, 100));
        let out = changes(
            [("x".to_string(), &a), ("y".to_string(), &c)].into_iter(),
            [("x".to_string(), &b), ("z".to_string(), &d)].into_iter(),
        );
        let keys: Vec<(&str, &str, i64)> = out
            .iter()
            .map(|c| (c.key.as_str(), c.status.as_str(), c.delta_bytes))
            .collect();
        assert_eq!(
            keys,
            [
                ("z", "appeared", 100),
                ("x", "grew", 20),
                ("y", "disappeared", -5)
            ]
        );
    }
}
