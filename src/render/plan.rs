//! `plan` output: the table (what would go and what it frees, by tier and category,
//! then the largest items), JSON (`docs/plan-schema.json`), the `sh` script and the
//! NUL-separated path list.

use crate::escape::{Notation, Printable};
use crate::plan::{sh, Plan};
use crate::render::human::{bytes, count, truncate_left, truncate_right};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// `plan` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanFormat {
    Table,
    Json,
    Sh,
    Paths0,
}

/// Items the table lists (JSON, sh and paths0 have them all).
const TOP_ITEMS: usize = 20;

/// Render a plan.
pub fn render(format: PlanFormat, plan: &Plan, w: &mut dyn Write) -> io::Result<()> {
    match format {
        PlanFormat::Table => {
            let mut out = Printable::new(w, Notation::Text);
            table(plan, &mut out)?;
            out.finish()
        }
        PlanFormat::Json => {
            let mut out = Printable::new(w, Notation::Json);
            serde_json::to_writer_pretty(&mut out, plan)?;
            writeln!(out)?;
            out.finish()
        }
        PlanFormat::Sh => sh::write(plan, w),
        PlanFormat::Paths0 => sh::write_paths0(plan, w),
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "all".into()
    } else {
        v.join(",")
    }
}

fn table(p: &Plan, w: &mut dyn Write) -> io::Result<()> {
    let r = &p.request;
    writeln!(w, "Clean-up plan for {}", p.base)?;
    writeln!(
        w,
        "written {} by {} {}; nothing has been moved",
        p.generated_at, p.tool.name, p.tool.version
    )?;
    let tiers: Vec<&str> = r.tiers.iter().map(|t| t.id()).collect();
    writeln!(
        w,
        "tiers {} · older than {} · categories {} · chats {} · protected {}{}{}",
        if tiers.is_empty() {
            "none".to_string()
        } else {
            tiers.join(",")
        },
        r.older_than.as_deref().unwrap_or("-"),
        list(&r.categories),
        list(&r.chats),
        if r.protect.is_empty() {
            "none".into()
        } else {
            r.protect.join(",")
        },
        r.finding
            .as_deref()
            .map(|f| format!(" · finding {f}"))
            .unwrap_or_default(),
        r.dupes
            .map(|m| format!(" · duplicates of {} or more (row duplicate)", bytes(m)))
            .unwrap_or_default()
    )?;
    writeln!(
        w,
        "\n  {} item(s), {} file(s), {}; frees about {} (estimate)",
        count(p.totals.items),
        count(p.totals.files),
        bytes(p.totals.bytes),
        bytes(p.totals.unique_bytes)
    )?;
    if p.unattributed_bytes_kept > 0 {
        writeln!(
            w,
            "  kept: {} of 4.x per-month files and videos, which cannot be tied to a chat without the key (--protect is on)",
            bytes(p.unattributed_bytes_kept)
        )?;
    }
    let mut by: BTreeMap<(u8, &str), (u64, u64, u64)> = BTreeMap::new();
    for it in &p.items {
        let e = by.entry((it.tier as u8, &*it.category)).or_default();
        e.0 += 1;
        e.1 += it.bytes;
        e.2 += it.unique_bytes;
    }
    writeln!(
        w,
        "\n{:<34}{:>8}{:>12}{:>12}",
        "BY TIER AND CATEGORY", "items", "size", "frees"
    )?;
    if by.is_empty() {
        writeln!(w, "  nothing qualifies")?;
    }
    for ((tier, cat), (n, b, u)) in &by {
        let t = crate::tree::classify::tiers::Tier::ALL
            .get(usize::from(*tier))
            .map_or("?", |t| t.id());
        writeln!(
            w,
            "  {:<8} {:<23}{:>8}{:>12}{:>12}",
            t,
            cat,
            count(*n),
            bytes(*b),
            bytes(*u)
        )?;
    }
    let mut largest: Vec<_> = p.items.iter().collect();
    largest.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    writeln!(
        w,
        "\nLARGEST ITEMS ({} of {})",
        largest.len().min(TOP_ITEMS),
        largest.len()
    )?;
    for it in largest.iter().take(TOP_ITEMS) {
        writeln!(
            w,
            "  {:>10}  {:<6} {:<7} {}",
            bytes(it.bytes),
            it.kind,
            it.tier.id(),
            truncate_left(&it.path, 50)
        )?;
        if let Some(l) = &it.chat_label {
            writeln!(w, "  {:>10}  chat: {}", "", truncate_right(l, 50))?;
        }
    }
    writeln!(w, "\nNEXT")?;
    writeln!(
        w,
        "  review the items: --format json (every item, with its reason and side effect)"
    )?;
    writeln!(
        w,
        "  write the script: --format sh -o plan.sh; `sh plan.sh` lists and changes nothing,"
    )?;
    writeln!(
        w,
        "  `sh plan.sh --really` moves each re-checked item to the Trash (Put Back works)"
    )?;
    writeln!(w, "  reclaimable bytes are an estimate: hard links and APFS clones outside the plan free nothing")
}
