//! Renders the tier table as Markdown for `docs/tiers.md` (a test fails when the file
//! is out of date; `UPDATE_DOCS=1 cargo test tiers_doc` rewrites it), and checks that
//! every folder kind's example lands in that kind.

use super::category::Category;
use super::tiers::{self, Tier, CATEGORIES, DATABASE, DUPLICATE, KINDS, LEFTOVER_WECHAT3};
use super::Scope;
use std::fmt::Write as _;

fn scope_text(scope: Scope) -> &'static str {
    match scope {
        Scope::Any => "anywhere",
        Scope::V3 => "3.x `…/com.tencent.xinWeChat/<version>/`",
        Scope::V3Caches => "3.x caches `…/Caches/com.tencent.xinWeChat/<version>/`",
        Scope::V4 => "4.x `…/xwechat_files/<account>/`",
        Scope::V4Root => "4.x `…/xwechat_files/`",
        Scope::Data => "container `Data/`",
    }
}

/// The tiers document.
pub fn tiers_markdown() -> String {
    let mut s = String::new();
    s.push_str("# Risk tiers\n\n");
    s.push_str(
        "Generated from `src/tree/classify/tiers.rs` by `cargo test` (do not edit by hand;\n",
    );
    s.push_str("run `UPDATE_DOCS=1 cargo test tiers_doc` after changing the table).\n\n");
    s.push_str(
        "Every file gets one tier. `wechat-inspect plan` takes `safe` by default, `careful`\n",
    );
    s.push_str(
        "and `confirm` only when asked (`--tier`), and never a `never` file, whatever the\n",
    );
    s.push_str("options. A `careful` file is planned only when it is older than `--older-than`\n");
    s.push_str("(2 years when none is given).\n\n");
    s.push_str("| tier | meaning |\n|---|---|\n");
    for t in Tier::ALL {
        let meaning = match t {
            Tier::Safe => "WeChat rebuilds it: caches, temporary files, logs, crash reports, avatars, stickers",
            Tier::Careful => "your media: planned only past an age cut-off; it then shows as expired in the chat",
            Tier::Confirm => "backups, `old_backup`, the 3.x tree of an account that moved to 4.x: only by name",
            Tier::Never => "databases and their sidecars, keys, login, configuration, unknown files",
        };
        let _ = writeln!(s, "| `{}` | {} |", t.id(), meaning);
    }
    s.push_str("\n## How a file's tier is decided\n\n");
    s.push_str("1. A database or one of its sidecars (`*.db`, `*.sqlite`, `*.sqlite3`, `*.db3`,\n");
    s.push_str(
        "   `*.sqlitedb`, any `-wal`, `-shm`, `-journal`, or a file whose first bytes are SQLite\n",
    );
    s.push_str("   or SQLCipher), wherever it is, even inside a `confirm` folder: `never`.\n");
    s.push_str("2. A file no classification rule knows (`other`): `never`.\n");
    s.push_str("3. The first folder kind below whose pattern contains the file.\n");
    s.push_str("4. Its category's row.\n");
    s.push_str(
        "5. After the scan: in the 3.x tree of an account that moved to 4.x (the 3.x account\n",
    );
    s.push_str(
        "   folder is the md5 of the wxid of a 4.x account folder `<wxid>_<4 hex>`), every\n",
    );
    s.push_str("   file that is not `never` becomes `confirm`.\n");
    s.push_str(
        "6. With `plan --dupes`: a copy of a duplicate that is not the one kept, and is not\n",
    );
    s.push_str("   `never`, is `confirm` (row `duplicate`).\n\n");
    s.push_str("## Fixed rows\n\n| row | tier | reason | side effect |\n|---|---|---|---|\n");
    for r in [DATABASE, LEFTOVER_WECHAT3, DUPLICATE] {
        let _ = writeln!(
            s,
            "| `{}` | `{}` | {} | {} |",
            r.id,
            r.tier.id(),
            r.reason,
            r.side_effect
        );
    }
    s.push_str("\n## Folder kinds, in order\n\n| row | scope | pattern | tier | reason | side effect |\n|---|---|---|---|---|---|\n");
    for k in KINDS {
        let _ = writeln!(
            s,
            "| `{}` | {} | `{}` | `{}` | {} | {} |",
            k.row.id,
            scope_text(k.scope),
            k.pattern,
            k.row.tier.id(),
            k.row.reason,
            k.row.side_effect
        );
    }
    s.push_str(
        "\n## Categories\n\n| category | tier | reason | side effect |\n|---|---|---|---|\n",
    );
    for (c, r) in CATEGORIES {
        let _ = writeln!(
            s,
            "| `{}` | `{}` | {} | {} |",
            c.id(),
            r.tier.id(),
            r.reason,
            r.side_effect
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_doc_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tiers.md");
        let want = tiers_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/tiers.md is out of date: run UPDATE_DOCS=1 cargo test tiers_doc"
        );
    }

    #[test]
    fn categories_are_in_order_and_kinds_match_their_examples() {
        for (i, (c, _)) in CATEGORIES.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(tiers::category_row(*c).id, format!("category:{}", c.id()));
        }
        for k in KINDS {
            let (dir, _) = k.example.rsplit_once('/').unwrap();
            let got = tiers::folder_kind(dir).map(|k| k.row.id);
            assert_eq!(got, Some(k.row.id), "{}", k.example);
        }
        assert!(tiers::folder_kind(
            "Data/Documents/xwechat_files/wxid_a1_9f3c/msg/attach/x/2024-05/Img"
        )
        .is_none());
    }

    #[test]
    fn databases_and_unknown_files_are_never_planned_anywhere() {
        let old_backup = tiers::folder_kind("Data/Documents/xwechat_files/old_backup/a/b");
        assert_eq!(old_backup.map(|k| k.row.tier), Some(Tier::Confirm));
        for name in [
            "x.db",
            "x.db-wal",
            "x.db-shm",
            "x-journal",
            "Photos.sqlite",
            "a.SQLITE3",
        ] {
            assert_eq!(
                tiers::file_row(Category::Backups, old_backup, name, "").tier,
                Tier::Never,
                "{name}"
            );
        }
        assert_eq!(
            tiers::file_row(Category::Caches, None, "blob", "sqlite").tier,
            Tier::Never
        );
        assert_eq!(
            tiers::file_row(Category::Other, old_backup, "x.bin", "").tier,
            Tier::Never
        );
        assert_eq!(
            tiers::file_row(Category::Backups, old_backup, "BAK_0_MEDIA", "").tier,
            Tier::Confirm
        );
        assert_eq!(tiers::effective(Tier::Never, true), Tier::Never);
        assert_eq!(tiers::effective(Tier::Safe, true), Tier::Confirm);
    }
}
