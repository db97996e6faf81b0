//! Renders the rule table as Markdown for `docs/taxonomy.md`, so the documentation is
//! generated from the code's own rules (a test fails when the file is out of date;
//! `UPDATE_DOCS=1 cargo test taxonomy` rewrites it).

use super::rules::RULES;
use super::{Category, Scope};
use std::fmt::Write as _;

fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::Any => "anywhere",
        Scope::V3 => "3.x `…/Application Support/com.tencent.xinWeChat/<version>/`",
        Scope::V3Caches => "3.x `…/Caches/com.tencent.xinWeChat/<version>/`",
        Scope::V4 => "4.x `…/xwechat_files/<account>/` (or 4.0 beta `…/4.0b*/`)",
        Scope::V4Root => "4.x `…/xwechat_files/`",
        Scope::Data => "container `Data/`",
    }
}

/// How scopes, accounts and chats are read off a path, and what the evidence column cites.
const SCOPES_AND_ACCOUNTS: &str = "\
## Scopes, accounts and chats

| scope | folder | account | chat |
|---|---|---|---|
| 3.x | `Data/Library/Application Support/com.tencent.xinWeChat/<version>/` | `<md5>` right below it (also `Backup/<md5>/…`, `KeyValue/<md5>/…`) | `<md5>/Message/MessageTemp/<chat>/…` |
| 3.x caches | `Data/Library/Caches/com.tencent.xinWeChat/<version>/` | `<md5>` right below it (`SaveTemp`, `dragImgTmp`) | none |
| 4.x | `Data/Documents/xwechat_files/<account>/` | `<account>` | `msg/attach/<chat>/…`, `temp/RWTemp/<month>/<chat>/…`, `cache/<month>/Message/<chat>/…` |
| 4.0 beta | `Data/Library/Application Support/com.tencent.xinWeChat/4.0b*/`, matched by the 4.x rules (its `db_storage/` maps like 4.x) | none (`shared`): the folder is a version, not an account | as 4.x |
| 4.x app-wide | `Data/Documents/xwechat_files/` | `old_backup/<md5>/…`: that 3.x account (layout `wechat3`); otherwise none | none |
| container | `Data/` | none | none |

Files with no account are counted under `shared`. The evidence column cites the layout
reference (`wechat-macos-layout.md` in the project's shared research, as \"layout §n\" with
its source keys) or the issue that brought the shape (issue 13: real path shapes from
Tencent's cleaner rules and public code).

";

/// The taxonomy document.
pub fn taxonomy_markdown() -> String {
    let mut s = String::new();
    s.push_str("# Categories and classification rules\n\n");
    s.push_str(
        "Generated from `src/tree/classify/rules.rs` by `cargo test` (do not edit by hand;\n",
    );
    s.push_str("run `UPDATE_DOCS=1 cargo test taxonomy` after changing the rules).\n\n");
    s.push_str("Every regular file gets exactly one category. Rules are tried in order and the\n");
    s.push_str(
        "first match wins; a file no rule matches is `other`. Patterns are relative to the\n",
    );
    s.push_str(
        "scope's folder: `**` is any number of folders, `*` any part of one name, `{a,b}`\n",
    );
    s.push_str(
        "alternatives, `<md5>` 32 hex digits. Matching ignores ASCII case (APFS does too).\n",
    );
    s.push_str("Database sidecars (`-wal`, `-shm`, `-journal`) are matched as their database.\n\n");
    s.push_str(SCOPES_AND_ACCOUNTS);
    s.push_str("## Categories\n\n| id | label |\n|---|---|\n");
    for c in Category::ALL {
        let _ = writeln!(s, "| `{}` | {} |", c.id(), c.label());
    }
    s.push_str("\n## Rules, in order\n\n| # | scope | pattern | category | example (container-relative) | evidence |\n|---|---|---|---|---|---|\n");
    for (i, r) in RULES.iter().enumerate() {
        let _ = writeln!(
            s,
            "| {} | {} | `{}` | `{}` | `{}` | {} |",
            i + 1,
            scope_text(r.scope),
            r.pattern,
            r.category.id(),
            r.example,
            r.evidence
        );
    }
    let _ = writeln!(
        s,
        "| {} | anywhere | (no rule matched) | `other` | `Data/Downloads/x` | |",
        RULES.len() + 1
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_doc_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/taxonomy.md");
        let want = taxonomy_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/taxonomy.md is out of date: run UPDATE_DOCS=1 cargo test taxonomy"
        );
    }
}
