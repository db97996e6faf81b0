//! Smallest and largest integer of one column of a table, from the pages: for a
//! message table, the time of its first and last message (issue 17).
//!
//! With a full (non-partial) index whose first column is that column, two
//! root-to-leaf paths are read: the leftmost leaf's first entry and the
//! rightmost leaf's last (index b-trees keep entries in order, NULLs first,
//! integers before text). Otherwise every leaf of the table is read and the
//! column decoded from each cell's local payload (a time column sits early in
//! the record, so its overflow pages are never needed); a cell whose column
//! lies past its local part makes the range unknown rather than wrong. Only
//! integers count: NULL, text and blob values are skipped. Hostile input (a
//! loop, a tree deeper than SQLite allows, a cell out of range) gives `Err`
//! with a sentence, never a panic or a hang.

use std::collections::HashSet;

use zeroize::Zeroizing;

use super::{
    be32, cell_offset, cell_payload, decode_record, index_shape, parse_page_header, Encoding,
    Geometry, Layout, ObjectKind, Val, MAX_DEPTH, PENDING_BYTE,
};
use crate::readers::sqlite::pages::PageSource;

/// How a range was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeVia {
    /// Two paths of an index on the column.
    Index,
    /// Every leaf of the table.
    Table,
}

/// The items of the first top-level parenthesised list of a `CREATE` statement.
fn paren_items(sql: &str) -> Option<Vec<&str>> {
    super::paren_list(sql).map(|(items, _)| items)
}

/// The first word of a column definition or index term, unquoted.
fn first_name(item: &str) -> &str {
    let item = item.trim_start();
    let mut chars = item.char_indices();
    match chars.next() {
        Some((_, q @ ('"' | '`' | '['))) => {
            let close = if q == '[' { ']' } else { q };
            let rest = &item[1..];
            rest.find(close).map_or(rest, |e| &rest[..e])
        }
        Some(_) => item
            .find(|c: char| c.is_whitespace() || c == '(')
            .map_or(item, |e| &item[..e]),
        None => "",
    }
}

/// Position of `column` in a `CREATE TABLE` statement's column list (table
/// constraints are not columns).
fn column_position(sql: &str, column: &str) -> Option<usize> {
    const CONSTRAINTS: &[&str] = &["constraint", "primary", "unique", "check", "foreign"];
    paren_items(sql)?
        .into_iter()
        .filter(|item| {
            let w = first_name(item);
            !CONSTRAINTS.iter().any(|c| w.eq_ignore_ascii_case(c))
        })
        .position(|item| first_name(item).eq_ignore_ascii_case(column))
}

/// What [`table_facts`] finds about one table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableFacts {
    /// Smallest and largest integer in the column (`None`: none).
    pub range: Option<(i64, i64)>,
    pub via: RangeVia,
    /// Pages of the table (interior, leaf, and the overflow pages its cells'
    /// sizes call for) and of its indexes (interior and leaf pages; leaves
    /// counted from the lowest interior level, so an index cell's overflow
    /// pages are counted only on interior pages); `None` when not asked for.
    pub pages: Option<u64>,
}

/// Smallest and largest integer in `column` of `table`, and the pages of the
/// table and its indexes, read from `src` whose [`Layout`] (any
/// [`super::WalkMode`]) is `layout`; `Err` with a sentence when the pages do not
/// allow it. With `pages`, reads every interior and leaf page of the table
/// (never an overflow page), the interior pages of each index and one leaf per
/// index; without, only what the range needs.
pub fn table_facts(
    src: &dyn PageSource,
    layout: &Layout,
    table: &str,
    column: &str,
    pages: bool,
) -> Result<TableFacts, String> {
    let t = layout
        .objects
        .iter()
        .find(|o| o.kind == ObjectKind::Table && o.name == table && o.root != 0)
        .ok_or_else(|| format!("no table {table}"))?;
    let g = Geometry {
        usable: layout.usable_size,
        page_count: layout.page_count,
        lock_page: u32::try_from(PENDING_BYTE / u64::from(layout.page_size.max(1)) + 1)
            .ok()
            .filter(|&p| p <= layout.page_count),
    };
    let mut reader = Reader {
        src,
        g,
        buf: Zeroizing::new(vec![0u8; src.page_size() as usize]),
    };
    let indexes: Vec<_> = layout
        .objects
        .iter()
        .filter(|o| o.kind == ObjectKind::Index && o.table == table && o.root != 0)
        .collect();
    let time_index = indexes.iter().find(|o| {
        index_shape(&o.sql).is_some_and(|(_, partial)| !partial)
            && paren_items(&o.sql)
                .and_then(|items| items.first().map(|i| first_name(i).to_string()))
                .is_some_and(|c| c.eq_ignore_ascii_case(column))
    });
    let pos = match time_index {
        Some(_) => None,
        None => Some(
            column_position(&t.sql, column)
                .ok_or_else(|| format!("table {table} has no column {column}"))?,
        ),
    };
    let (table_range, mut n) = if pages || pos.is_some() {
        reader.scan(t.root, pos, false)?
    } else {
        (None, 0)
    };
    let (range, via) = match time_index {
        Some(ix) => (reader.index_range(ix.root)?, RangeVia::Index),
        None => (table_range, RangeVia::Table),
    };
    if !pages {
        return Ok(TableFacts {
            range,
            via,
            pages: None,
        });
    }
    for ix in &indexes {
        n = n.saturating_add(reader.index_pages(ix.root)?);
    }
    Ok(TableFacts {
        range,
        via,
        pages: Some(n),
    })
}

struct Reader<'a> {
    src: &'a dyn PageSource,
    g: Geometry,
    buf: Zeroizing<Vec<u8>>,
}

fn widen(r: &mut Option<(i64, i64)>, v: i64) {
    *r = Some(match *r {
        Some((lo, hi)) => (lo.min(v), hi.max(v)),
        None => (v, v),
    });
}

impl Reader<'_> {
    fn read(&mut self, pgno: u32) -> Result<super::PageHeader, String> {
        if pgno == 0 || pgno > self.g.page_count || Some(pgno) == self.g.lock_page {
            return Err(format!("a b-tree points to page {pgno}, which it cannot"));
        }
        self.src
            .read_page(pgno, &mut self.buf)
            .map_err(|e| e.to_string())?;
        parse_page_header(&self.buf, pgno, self.g.usable)
    }

    /// The first column of cell `i` of the index page in `buf`.
    fn index_key(&self, h: &super::PageHeader, i: usize, pgno: u32) -> Result<Val, String> {
        let c = cell_offset(&self.buf, h, i, pgno, self.g.usable)?;
        let p = cell_payload(&self.buf, h, c, pgno, &self.g)?
            .ok_or_else(|| format!("page {pgno} is not an index page"))?;
        let local = &self.buf[p.start..p.start + p.local as usize];
        decode_record(local, Encoding::Utf8, 1)
            .and_then(|v| v.into_iter().next())
            .ok_or_else(|| format!("page {pgno} has an index entry that cannot be decoded"))
    }

    /// Follows the leftmost (or rightmost) path of an index to its leaf: the
    /// leaf's number, header and depth.
    fn edge_leaf(
        &mut self,
        root: u32,
        right: bool,
    ) -> Result<(u32, super::PageHeader, u8), String> {
        let mut pgno = root;
        for depth in 0..=MAX_DEPTH {
            let h = self.read(pgno)?;
            if !h.is_index() {
                return Err(format!("page {pgno} is not an index page"));
            }
            if !h.is_interior() {
                return Ok((pgno, h, depth));
            }
            pgno = if right || h.ncells == 0 {
                h.right
            } else {
                let c = cell_offset(&self.buf, &h, 0, pgno, self.g.usable)?;
                be32(&self.buf, c).unwrap_or(0)
            };
        }
        Err(format!(
            "the b-tree is deeper than {MAX_DEPTH} levels at page {pgno}"
        ))
    }

    fn index_range(&mut self, root: u32) -> Result<Option<(i64, i64)>, String> {
        let (pgno, h, _) = self.edge_leaf(root, false)?;
        let mut lo = None;
        for i in 0..h.ncells {
            match self.index_key(&h, i, pgno)? {
                Val::Null => continue,
                Val::Int(v) => lo = Some(v),
                _ => {}
            }
            break;
        }
        let (pgno, h, _) = self.edge_leaf(root, true)?;
        let hi = match h.ncells.checked_sub(1) {
            Some(last) => match self.index_key(&h, last, pgno)? {
                Val::Int(v) => Some(v),
                _ => None,
            },
            None => None,
        };
        match (lo, hi) {
            (Some(lo), Some(hi)) if lo <= hi => Ok(Some((lo, hi))),
            // Empty, or NULLs/text at an edge: read every entry.
            _ => self.scan(root, Some(0), true).map(|(r, _)| r),
        }
    }

    /// Pages of an index b-tree: its interior pages are read, and the children
    /// of the lowest interior level counted as leaves (all leaves of a b-tree
    /// are at one depth), plus the overflow pages of interior cells.
    fn index_pages(&mut self, root: u32) -> Result<u64, String> {
        let (_, _, leaf_depth) = self.edge_leaf(root, false)?;
        if leaf_depth == 0 {
            return Ok(1);
        }
        let mut seen: HashSet<u32> = HashSet::new();
        let mut stack: Vec<(u32, u8)> = vec![(root, 0)];
        let mut pages = 0u64;
        while let Some((pgno, depth)) = stack.pop() {
            if !seen.insert(pgno) {
                return Err(format!("page {pgno} is reached twice (a loop)"));
            }
            let h = self.read(pgno)?;
            if !h.is_index() || !h.is_interior() {
                return Err(format!(
                    "page {pgno} is not an interior index page where one must be"
                ));
            }
            pages += 1;
            let lowest = depth + 1 == leaf_depth;
            for i in 0..h.ncells {
                let c = cell_offset(&self.buf, &h, i, pgno, self.g.usable)?;
                if let Some(p) = cell_payload(&self.buf, &h, c, pgno, &self.g)? {
                    if u64::from(p.local) < p.size {
                        pages += self.g.overflow_pages(p.size, p.local);
                    }
                }
                if !lowest {
                    stack.push((be32(&self.buf, c).unwrap_or(0), depth + 1));
                }
            }
            if lowest {
                pages += h.ncells as u64 + 1;
            } else {
                stack.push((h.right, depth + 1));
            }
        }
        Ok(pages)
    }

    /// Every page of the b-tree at `root` except overflow pages, which are
    /// counted from the cells' payload sizes: with `pos`, column `pos` of each
    /// record (table leaf cells; for an index, every cell) widens the range.
    /// Returns the range and the pages.
    fn scan(
        &mut self,
        root: u32,
        pos: Option<usize>,
        index: bool,
    ) -> Result<(Option<(i64, i64)>, u64), String> {
        let mut seen: HashSet<u32> = HashSet::new();
        let mut stack: Vec<(u32, u8)> = vec![(root, 0)];
        let mut range = None;
        let mut pages = 0u64;
        while let Some((pgno, depth)) = stack.pop() {
            if !seen.insert(pgno) {
                return Err(format!("page {pgno} is reached twice (a loop)"));
            }
            let h = self.read(pgno)?;
            if h.is_index() != index {
                return Err(format!("page {pgno} is of the wrong b-tree kind"));
            }
            pages += 1;
            if h.is_interior() {
                if depth >= MAX_DEPTH {
                    return Err(format!(
                        "the b-tree is deeper than {MAX_DEPTH} levels at page {pgno}"
                    ));
                }
                stack.push((h.right, depth + 1));
            }
            for i in 0..h.ncells {
                let c = cell_offset(&self.buf, &h, i, pgno, self.g.usable)?;
                if h.is_interior() {
                    stack.push((be32(&self.buf, c).unwrap_or(0), depth + 1));
                }
                let Some(p) = cell_payload(&self.buf, &h, c, pgno, &self.g)? else {
                    continue;
                };
                if u64::from(p.local) < p.size {
                    let n = self.g.overflow_pages(p.size, p.local);
                    if n > u64::from(self.g.page_count) {
                        return Err(format!(
                            "page {pgno} has a cell of {} bytes, larger than the database",
                            p.size
                        ));
                    }
                    pages += n;
                }
                let Some(pos) = pos else {
                    continue;
                };
                let local = &self.buf[p.start..p.start + p.local as usize];
                match decode_record(local, Encoding::Utf8, pos + 1) {
                    Some(vals) => {
                        if let Some(Val::Int(v)) = vals.get(pos) {
                            widen(&mut range, *v);
                        }
                    }
                    None => {
                        return Err(format!(
                            "page {pgno} has a record whose column {} is not on the page",
                            pos + 1
                        ))
                    }
                }
            }
        }
        Ok((range, pages))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_found_in_create_statements() {
        let sql = "CREATE TABLE Chat_x(mesLocalID INTEGER PRIMARY KEY AUTOINCREMENT, \"mesSvrID\" INTEGER DEFAULT (0), msgCreateTime INTEGER, PRIMARY KEY(a, b))";
        assert_eq!(column_position(sql, "mesLocalID"), Some(0));
        assert_eq!(column_position(sql, "messvrid"), Some(1));
        assert_eq!(column_position(sql, "msgCreateTime"), Some(2));
        assert_eq!(column_position(sql, "nope"), None);
        assert_eq!(column_position("CREATE TABLE t(a", "a"), None);
        let ix = "CREATE INDEX i ON t([create_time] DESC, x)";
        assert_eq!(
            paren_items(ix).map(|v| first_name(v[0]).to_string()),
            Some("create_time".into())
        );
    }

    #[test]
    fn ranges_and_pages_equal_sqlites() {
        use crate::readers::sqlite::btree::{analyze_with, WalkMode, WalkOptions};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA page_size=1024;
             CREATE TABLE a(id INTEGER PRIMARY KEY, t INTEGER, pad TEXT);
             CREATE TABLE z(id INTEGER PRIMARY KEY, pad TEXT, t INTEGER);
             CREATE TABLE b(id INTEGER PRIMARY KEY, t INTEGER, pad TEXT);
             CREATE INDEX b_t ON b(t);
             CREATE INDEX b_pad ON b(pad);
             CREATE TABLE c(id INTEGER PRIMARY KEY, t INTEGER);
             CREATE INDEX c_t ON c(t, id);
             CREATE TABLE e(id INTEGER PRIMARY KEY, t INTEGER);",
        )
        .unwrap();
        conn.execute_batch("BEGIN").unwrap();
        for i in 0..3000i64 {
            let t = 1_500_000_000 + (i * 7919) % 100_000_000;
            // Some cells spill to overflow pages (in tables and in an index).
            let pad = "x".repeat(if i % 97 == 0 { 3000 } else { (i % 50) as usize });
            conn.execute(
                "INSERT INTO a(pad, t) VALUES(?1, ?2)",
                rusqlite::params![pad, t],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO z(pad, t) VALUES(?1, ?2)",
                rusqlite::params![pad, t],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO b(t, pad) VALUES(?1, ?2)",
                rusqlite::params![if i % 10 == 0 { None } else { Some(t) }, pad],
            )
            .unwrap();
            conn.execute("INSERT INTO c(t) VALUES(?1)", [t]).unwrap();
        }
        conn.execute_batch("COMMIT").unwrap();
        let want = |t: &str| -> (i64, i64) {
            conn.query_row(&format!("SELECT min(t), max(t) FROM {t}"), [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
        };
        let dbstat = |t: &str| -> u64 {
            conn.query_row(
                "SELECT count(*) FROM dbstat WHERE name IN
                     (SELECT name FROM sqlite_schema WHERE tbl_name = ?1)",
                [t],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as u64
        };
        let (wa, wb, wc) = (want("a"), want("b"), want("c"));
        let (pa, pc, pe) = (dbstat("a"), dbstat("c"), dbstat("e"));
        // b's index on pad holds the 3000-byte values: its leaf overflow is not counted.
        let b_leaf_overflow: u64 = conn
            .query_row(
                "SELECT count(*) FROM dbstat WHERE name = 'b_pad' AND pagetype = 'overflow'
                 AND substr(path, 1, length(path) - 10) IN
                     (SELECT path FROM dbstat WHERE name = 'b_pad' AND pagetype = 'leaf')",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap() as u64;
        let pb = dbstat("b");
        drop(conn);
        let file = std::fs::File::open(&path).unwrap();
        let len = file.metadata().unwrap().len();
        let src = crate::readers::sqlite::pages::FilePages::new(file, len, 1024).unwrap();
        for mode in [WalkMode::Rows, WalkMode::Schema] {
            let layout = analyze_with(
                &src,
                &WalkOptions {
                    threads: 1,
                    verify_unreached: false,
                    mode,
                },
            )
            .unwrap();
            let f = |t| table_facts(&src, &layout, t, "t", true).unwrap();
            assert_eq!(
                f("a"),
                TableFacts {
                    range: Some(wa),
                    via: RangeVia::Table,
                    pages: Some(pa)
                }
            );
            assert_eq!(f("b").range, Some(wb));
            assert_eq!(f("b").via, RangeVia::Index);
            assert!(b_leaf_overflow > 0);
            assert_eq!(f("b").pages.unwrap() + b_leaf_overflow, pb);
            assert_eq!(
                f("c"),
                TableFacts {
                    range: Some(wc),
                    via: RangeVia::Index,
                    pages: Some(pc)
                }
            );
            assert_eq!(
                f("e"),
                TableFacts {
                    range: None,
                    via: RangeVia::Table,
                    pages: Some(pe)
                }
            );
            assert!(table_facts(&src, &layout, "a", "zz", true).is_err());
            // A time column behind a spilled value: unknown, not wrong.
            let e = table_facts(&src, &layout, "z", "t", true).unwrap_err();
            assert!(e.contains("not on the page"), "{e}");
            assert_eq!(
                table_facts(&src, &layout, "b", "t", false).unwrap(),
                TableFacts {
                    range: Some(wb),
                    via: RangeVia::Index,
                    pages: None
                }
            );
        }
    }
}
