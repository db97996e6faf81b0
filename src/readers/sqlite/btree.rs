//! Read-only b-tree walk over a [`PageSource`]: what each table and index
//! holds and occupies, from the pages alone (sqlite.org fileformat2).
//!
//! [`analyze`] reads page 1's header, decodes `sqlite_schema` (interior pages
//! followed, records decoded with their overflow chains, text in the
//! database's encoding), then walks every table and index b-tree and counts
//! its rows (cells on table leaf pages; for index b-trees, which include
//! WITHOUT ROWID tables, cells on every page) and its pages (interior, leaf,
//! overflow). The freelist is walked, pointer-map pages (auto-vacuum) and the
//! lock-byte page are set aside, and whatever no structure reaches is counted
//! (and read, when asked, so a SQLCipher file has every page's HMAC checked).
//! The usable size is page size − reserved bytes (header byte 20), which
//! decides where payloads spill to overflow pages.
//!
//! The walk runs on several threads over a shared stack of pages; each page
//! is claimed in a bitmap before it is read, so a loop or a page shared by two
//! structures is found, not followed. Hostile input (cell pointers or counts
//! out of range, impossible payload sizes, trees deeper than SQLite's own
//! limit of 20, page numbers past the end) becomes an error on the object
//! concerned, or on the whole database when page 1 itself is unusable; never
//! a panic or a hang. Memory: the bitmap (one bit per page, at most
//! [`MAX_PAGES`]) and one page buffer per thread; schema records are capped
//! at [`MAX_SCHEMA_RECORD`] bytes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use serde::Serialize;
use thiserror::Error;
use zeroize::Zeroizing;

use super::pages::{PageError, PageSource};
use crate::readers::sqlite::header::SQLITE_MAGIC;

/// SQLite's own b-tree depth limit (`BTCURSOR_MAX_DEPTH`).
pub const MAX_DEPTH: u8 = 20;
/// Largest `sqlite_schema` record assembled (its SQL text included).
pub const MAX_SCHEMA_RECORD: usize = 4 << 20;
/// Most pages analysed (the bitmap is then 16 MiB).
pub const MAX_PAGES: u32 = 1 << 27;
/// Page errors kept as examples; the rest are only counted.
const MAX_EXAMPLES: usize = 16;
/// SQLite's `PENDING_BYTE`: the page holding it is never used.
const PENDING_BYTE: u64 = 0x4000_0000;

/// What a schema entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// `sqlite_schema` itself (root page 1).
    Schema,
    Table,
    /// A table stored as an index b-tree.
    WithoutRowidTable,
    Index,
    /// No b-tree of its own (its shadow tables are ordinary tables).
    VirtualTable,
}

/// One table or index and what it occupies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectPages {
    pub kind: ObjectKind,
    /// Name as stored (may hold any characters: escape before printing).
    pub name: String,
    /// The table an index belongs to (the table itself for a table).
    pub table: String,
    /// Root page (0 for a virtual table).
    pub root: u32,
    /// Rows of a table, entries of an index; a lower bound unless `complete`.
    pub rows: u64,
    pub interior_pages: u64,
    pub leaf_pages: u64,
    pub overflow_pages: u64,
    /// Every page of the b-tree was read and parsed.
    pub complete: bool,
    /// The first problem found (lowest page number), as a sentence.
    pub error: Option<String>,
    /// `rows` is known ([`WalkMode::Rows`] leaves most indexes unread).
    pub rows_known: bool,
    /// `rows` was counted from this index's entries (as SQLite's `count(*)`
    /// does), not from the table's own pages ([`WalkMode::Rows`] only).
    pub rows_from_index: Option<String>,
    /// The page counts are complete (always in [`WalkMode::Full`]).
    pub pages_known: bool,
    /// The `CREATE` statement from `sqlite_schema` (empty for `sqlite_schema`
    /// itself and automatic indexes); never serialized.
    #[serde(skip)]
    pub sql: String,
}

impl ObjectPages {
    fn new(kind: ObjectKind, name: String, table: String, root: u32) -> Self {
        ObjectPages {
            kind,
            name,
            table,
            root,
            rows: 0,
            interior_pages: 0,
            leaf_pages: 0,
            overflow_pages: 0,
            complete: true,
            error: None,
            rows_known: true,
            rows_from_index: None,
            pages_known: true,
            sql: String::new(),
        }
    }

    /// Pages of all kinds.
    pub fn pages(&self) -> u64 {
        self.interior_pages + self.leaf_pages + self.overflow_pages
    }
}

/// How much of the database [`analyze_with`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WalkMode {
    /// Every b-tree with its overflow chains, the freelist, and (when
    /// verifying) every other page: exact rows and pages for everything.
    Full,
    /// Rows only, reading what SQLite's `count(*)` reads: for a table with a
    /// full (non-partial) index, the entries of its narrowest index (fewest
    /// columns); otherwise the table's own interior and leaf pages. No
    /// overflow page, freelist or unreached page is read, and page counts
    /// are partial (`pages_known: false`).
    Rows,
    /// The schema only: names, kinds and root pages; no rows, no pages
    /// (`rows_known` and `pages_known` false).
    Schema,
}

/// Options for [`analyze_with`].
#[derive(Debug, Clone, Copy)]
pub struct WalkOptions {
    pub threads: usize,
    /// Read pages no structure reaches, and pointer-map pages (for a SQLCipher
    /// source: check their HMACs). [`WalkMode::Full`] only.
    pub verify_unreached: bool,
    pub mode: WalkMode,
}

/// The whole database, page by page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// What was read.
    pub mode: WalkMode,
    pub page_size: u32,
    /// Page size − reserved bytes.
    pub usable_size: u32,
    pub reserved_bytes: u8,
    /// Pages in the database (SQLite's rule: the header's size when valid,
    /// else what the file and WAL hold).
    pub page_count: u32,
    /// `sqlite_schema` first, then schema order.
    pub objects: Vec<ObjectPages>,
    /// Freelist pages found by walking it (trunks + leaves).
    pub freelist_pages: u64,
    /// The header's freelist count (what `PRAGMA freelist_count` says).
    pub freelist_header: u32,
    /// Pointer-map pages (auto-vacuum databases).
    pub ptrmap_pages: u64,
    /// The page holding byte 2^30 lies inside the database (it is never used).
    pub lock_byte_page: bool,
    /// Pages no structure reaches.
    pub unreached_pages: u64,
    /// Pages a structure reaches that could not be read or parsed.
    pub damaged_pages: u64,
    /// Pages that failed to read (HMAC, I/O), anywhere.
    pub unreadable_pages: u64,
    /// The first few of those, lowest page first.
    pub unreadable_examples: Vec<PageError>,
    /// Problems that are not about one object, as sentences.
    pub issues: Vec<String>,
}

/// Why a database cannot be analysed at all.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayoutError {
    #[error("page 1 could not be read: {0}")]
    Page1(PageError),
    #[error("page 1 is not an SQLite database header")]
    NotSqlite,
    #[error("page 1 gives page size {header}, but the file is read with {source_size}")]
    PageSize { header: u32, source_size: u32 },
    #[error("page 1 leaves {usable} usable bytes per page ({reserved} reserved), below SQLite's minimum of 480")]
    Usable { usable: u32, reserved: u8 },
    #[error("the database has {pages} pages, more than the {max} this tool reads")]
    TooManyPages { pages: u32, max: u32 },
}

/// Text encoding of the database (header offset 56).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Utf16le,
    Utf16be,
}

fn be16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

fn be32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// SQLite varint at `off` within `b`: (value, length).
fn varint(b: &[u8], off: usize) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(off + i)?;
        if i == 8 {
            return Some(((v << 8) | u64::from(byte), 9));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// The part of a `payload`-byte cell payload stored on the page, given the
/// page's maximum local payload (SQLite's `btreeParseCellAdjustSizeForOverflow`).
fn local_size(payload: u64, max_local: u32, usable: u32) -> u32 {
    if payload <= u64::from(max_local) {
        return payload as u32;
    }
    let min_local = (usable - 12) * 32 / 255 - 23;
    let surplus = u64::from(min_local) + (payload - u64::from(min_local)) % u64::from(usable - 4);
    if surplus <= u64::from(max_local) {
        surplus as u32
    } else {
        min_local
    }
}

/// Page geometry shared by every walker.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    usable: u32,
    page_count: u32,
    lock_page: Option<u32>,
}

impl Geometry {
    fn max_local_table(&self) -> u32 {
        self.usable - 35
    }
    fn max_local_index(&self) -> u32 {
        (self.usable - 12) * 64 / 255 - 23
    }
    /// Overflow pages a payload needs past its local part.
    fn overflow_pages(&self, payload: u64, local: u32) -> u64 {
        (payload - u64::from(local)).div_ceil(u64::from(self.usable - 4))
    }
}

/// One bit per page: claimed by a structure.
struct Claims(Vec<AtomicU64>);

impl Claims {
    fn new(pages: u32) -> Self {
        Claims(
            (0..(pages as usize).div_ceil(64) + 1)
                .map(|_| AtomicU64::new(0))
                .collect(),
        )
    }
    /// Claims `pgno`; false when it was already claimed.
    fn claim(&self, pgno: u32) -> bool {
        let (w, b) = (pgno as usize / 64, pgno % 64);
        match self.0.get(w) {
            Some(word) => word.fetch_or(1 << b, Ordering::Relaxed) & (1 << b) == 0,
            None => false,
        }
    }
    fn is_claimed(&self, pgno: u32) -> bool {
        let (w, b) = (pgno as usize / 64, pgno % 64);
        self.0
            .get(w)
            .is_some_and(|word| word.load(Ordering::Relaxed) & (1 << b) != 0)
    }
}

/// A parsed b-tree page header.
#[derive(Debug, Clone, Copy)]
struct PageHeader {
    kind: u8,
    ncells: usize,
    /// Offset of the cell pointer array.
    ptrs: usize,
    /// Right-most child (interior pages).
    right: u32,
}

impl PageHeader {
    fn is_interior(&self) -> bool {
        self.kind == 2 || self.kind == 5
    }
    fn is_index(&self) -> bool {
        self.kind == 2 || self.kind == 10
    }
}

fn parse_page_header(buf: &[u8], pgno: u32, usable: u32) -> Result<PageHeader, String> {
    let off = if pgno == 1 { 100 } else { 0 };
    let kind = *buf.get(off).ok_or("page too small")?;
    let hs = match kind {
        2 | 5 => 12,
        10 | 13 => 8,
        _ => {
            return Err(format!(
                "page {pgno} is not a b-tree page (type byte {kind})"
            ))
        }
    };
    let ncells = usize::from(be16(buf, off + 3).unwrap_or(0));
    let right = if hs == 12 {
        be32(buf, off + 8).unwrap_or(0)
    } else {
        0
    };
    let ptrs = off + hs;
    if ptrs + 2 * ncells > usable as usize {
        return Err(format!(
            "page {pgno} claims {ncells} cells, more than fit on a page"
        ));
    }
    Ok(PageHeader {
        kind,
        ncells,
        ptrs,
        right,
    })
}

/// Offset of cell `i`, checked to lie in the cell content area.
fn cell_offset(
    buf: &[u8],
    h: &PageHeader,
    i: usize,
    pgno: u32,
    usable: u32,
) -> Result<usize, String> {
    let c = usize::from(be16(buf, h.ptrs + 2 * i).unwrap_or(0));
    if c < h.ptrs + 2 * h.ncells || c + 4 > usable as usize {
        return Err(format!(
            "page {pgno} has a cell pointer ({c}) outside its cell area"
        ));
    }
    Ok(c)
}

/// A cell's payload: total size, where its local part starts, local length,
/// and the first overflow page (0 when none).
#[derive(Debug, Clone, Copy)]
struct Payload {
    size: u64,
    start: usize,
    local: u32,
    first_overflow: u32,
}

/// Parses the payload part of a cell at `c` (after any child pointer / rowid).
fn cell_payload(
    buf: &[u8],
    h: &PageHeader,
    c: usize,
    pgno: u32,
    g: &Geometry,
) -> Result<Option<Payload>, String> {
    let usable = g.usable as usize;
    let area = &buf[..usable.min(buf.len())];
    let bad = || format!("page {pgno} has a cell that runs past the end of the page");
    let (mut p, max_local) = match h.kind {
        5 => return Ok(None),
        13 => (c, g.max_local_table()),
        10 => (c, g.max_local_index()),
        _ => (c + 4, g.max_local_index()),
    };
    let (size, n) = varint(area, p).ok_or_else(bad)?;
    p += n;
    if h.kind == 13 {
        let (_, n) = varint(area, p).ok_or_else(bad)?;
        p += n;
    }
    let local = local_size(size, max_local, g.usable);
    let end = p + local as usize;
    if end > usable {
        return Err(bad());
    }
    let first_overflow = if u64::from(local) < size {
        be32(area, end).ok_or_else(bad)?
    } else {
        0
    };
    Ok(Some(Payload {
        size,
        start: p,
        local,
        first_overflow,
    }))
}

/// Which kind of b-tree page an item must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Any,
    Table,
    Index,
}

#[derive(Debug, Clone, Copy)]
enum What {
    Tree {
        depth: u8,
        family: Family,
    },
    Overflow {
        left: u64,
    },
    /// Read only (HMAC check): pointer-map and unreached pages.
    Verify,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    pgno: u32,
    obj: u32,
    what: What,
}

/// Per-object counts from one worker.
#[derive(Debug, Clone, Default)]
struct Acc {
    rows: u64,
    interior: u64,
    leaf: u64,
    overflow: u64,
    without_rowid: bool,
    damaged: u64,
    error: Option<(u32, String)>,
}

impl Acc {
    fn fail(&mut self, pgno: u32, msg: String) {
        if self.error.as_ref().is_none_or(|(p, _)| pgno < *p) {
            self.error = Some((pgno, msg));
        }
    }
    fn merge(&mut self, o: &Acc) {
        self.rows += o.rows;
        self.interior += o.interior;
        self.leaf += o.leaf;
        self.overflow += o.overflow;
        self.without_rowid |= o.without_rowid;
        self.damaged += o.damaged;
        if let Some((p, m)) = &o.error {
            self.fail(*p, m.clone());
        }
    }
}

/// What one worker found.
#[derive(Debug, Default)]
struct WorkerOut {
    objs: Vec<Acc>,
    unreadable: u64,
    examples: Vec<PageError>,
    /// `Verify` items that were not readable.
    verify_failed: u64,
}

impl WorkerOut {
    fn new(objects: usize) -> Self {
        WorkerOut {
            objs: vec![Acc::default(); objects],
            ..WorkerOut::default()
        }
    }
    fn unreadable(&mut self, e: PageError) {
        self.unreadable += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(e);
        }
    }
}

struct Walk<'a> {
    src: &'a dyn PageSource,
    g: Geometry,
    claims: &'a Claims,
    /// Read overflow chains (else cells' overflow pages are not visited).
    follow_overflow: bool,
}

impl Walk<'_> {
    /// Checks a page number a structure points to and claims it.
    fn take(&self, pgno: u32, from: u32, acc: &mut Acc) -> bool {
        if pgno == 0 || pgno > self.g.page_count {
            acc.fail(
                from,
                format!(
                    "page {from} points to page {pgno}, outside the database's {} pages",
                    self.g.page_count
                ),
            );
            return false;
        }
        if !self.claims.claim(pgno) {
            let what = if Some(pgno) == self.g.lock_page {
                "the lock-byte page, which SQLite never uses".to_string()
            } else {
                "a page already in use (a loop or a shared page)".to_string()
            };
            acc.fail(from, format!("page {from} points to page {pgno}, {what}"));
            return false;
        }
        true
    }

    /// Reads, checks and counts one page; children go to `out`.
    fn process(&self, item: Item, buf: &mut [u8], out: &mut Vec<Item>, w: &mut WorkerOut) {
        let Item { pgno, obj, what } = item;
        if let Err(e) = self.src.read_page(pgno, buf) {
            let msg = e.to_string();
            w.unreadable(e);
            match what {
                What::Verify => w.verify_failed += 1,
                _ => {
                    if let Some(acc) = w.objs.get_mut(obj as usize) {
                        acc.damaged += 1;
                        acc.fail(pgno, msg);
                    }
                }
            }
            return;
        }
        let Some(acc) = w.objs.get_mut(obj as usize) else {
            return;
        };
        match what {
            What::Verify => {}
            What::Overflow { left } => {
                acc.overflow += 1;
                if left > 1 {
                    let next = be32(buf, 0).unwrap_or(0);
                    if next == 0 {
                        acc.fail(
                            pgno,
                            format!(
                                "the overflow chain ends at page {pgno}, {} pages early",
                                left - 1
                            ),
                        );
                    } else if self.take(next, pgno, acc) {
                        out.push(Item {
                            pgno: next,
                            obj,
                            what: What::Overflow { left: left - 1 },
                        });
                    }
                }
            }
            What::Tree { depth, family } => {
                if let Err(m) = self.tree_page(pgno, obj, depth, family, buf, out, acc) {
                    acc.damaged += 1;
                    acc.fail(pgno, m);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn tree_page(
        &self,
        pgno: u32,
        obj: u32,
        depth: u8,
        family: Family,
        buf: &[u8],
        out: &mut Vec<Item>,
        acc: &mut Acc,
    ) -> Result<(), String> {
        let h = parse_page_header(buf, pgno, self.g.usable)?;
        let fam = if h.is_index() {
            Family::Index
        } else {
            Family::Table
        };
        if family != Family::Any && family != fam {
            return Err(format!(
                "page {pgno} is a {} b-tree page inside {} b-tree",
                if h.is_index() { "index" } else { "table" },
                if family == Family::Index {
                    "an index"
                } else {
                    "a table"
                }
            ));
        }
        if family == Family::Any && h.is_index() {
            acc.without_rowid = true;
        }
        if h.is_interior() && depth >= MAX_DEPTH {
            return Err(format!(
                "the b-tree is deeper than {MAX_DEPTH} levels at page {pgno}"
            ));
        }
        // Validate every cell before counting anything.
        let mut cells = Vec::with_capacity(h.ncells);
        for i in 0..h.ncells {
            let c = cell_offset(buf, &h, i, pgno, self.g.usable)?;
            let payload = cell_payload(buf, &h, c, pgno, &self.g)?;
            let child = if h.is_interior() {
                be32(buf, c).unwrap_or(0)
            } else {
                0
            };
            cells.push((child, payload));
        }
        if h.is_interior() {
            acc.interior += 1;
        } else {
            acc.leaf += 1;
        }
        if h.is_index() || !h.is_interior() {
            acc.rows += h.ncells as u64;
        }
        let child_what = What::Tree {
            depth: depth + 1,
            family: fam,
        };
        let right = h.is_interior().then_some(h.right);
        for child in cells
            .iter()
            .map(|(c, _)| *c)
            .filter(|_| h.is_interior())
            .chain(right)
        {
            if self.take(child, pgno, acc) {
                out.push(Item {
                    pgno: child,
                    obj,
                    what: child_what,
                });
            }
        }
        for p in cells.iter().filter_map(|(_, p)| *p) {
            if p.first_overflow == 0 || !self.follow_overflow {
                continue;
            }
            let n = self.g.overflow_pages(p.size, p.local);
            if n > u64::from(self.g.page_count) {
                acc.fail(
                    pgno,
                    format!(
                        "page {pgno} has a cell of {} bytes, larger than the database",
                        p.size
                    ),
                );
                continue;
            }
            if self.take(p.first_overflow, pgno, acc) {
                out.push(Item {
                    pgno: p.first_overflow,
                    obj,
                    what: What::Overflow { left: n },
                });
            }
        }
        Ok(())
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Shared stack of pages to read, and how many workers hold one.
struct Queue {
    state: Mutex<(Vec<Item>, usize)>,
    cv: Condvar,
}

fn worker(walk: &Walk<'_>, q: &Queue, objects: usize) -> WorkerOut {
    let mut w = WorkerOut::new(objects);
    let mut buf = Zeroizing::new(vec![0u8; walk.src.page_size() as usize]);
    let mut out = Vec::new();
    loop {
        let item = {
            let mut st = lock(&q.state);
            loop {
                if let Some(it) = st.0.pop() {
                    st.1 += 1;
                    break it;
                }
                if st.1 == 0 {
                    q.cv.notify_all();
                    return w;
                }
                st = q.cv.wait(st).unwrap_or_else(|e| e.into_inner());
            }
        };
        walk.process(item, &mut buf, &mut out, &mut w);
        let mut st = lock(&q.state);
        st.1 -= 1;
        let wake = !out.is_empty() || st.1 == 0;
        st.0.append(&mut out);
        drop(st);
        if wake {
            q.cv.notify_all();
        }
    }
}

/// Runs `items` (and everything they lead to) on `threads` threads.
fn run(walk: &Walk<'_>, items: Vec<Item>, objects: usize, threads: usize) -> Vec<WorkerOut> {
    let q = Queue {
        state: Mutex::new((items, 0)),
        cv: Condvar::new(),
    };
    let threads = threads.clamp(1, 64);
    if threads == 1 {
        return vec![worker(walk, &q, objects)];
    }
    crate::threads::run_on(threads, || worker(walk, &q, objects))
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

/// A decoded `sqlite_schema` row (the columns this module uses).
#[derive(Debug, Clone)]
struct SchemaRow {
    kind: String,
    name: String,
    table: String,
    root: Option<i64>,
    sql_is_virtual: bool,
    /// For an index: its column count and whether it is partial (`None`
    /// when there is no SQL, as for automatic indexes).
    index_shape: Option<(usize, bool)>,
    sql: String,
}

/// Column count and partial-ness of a `CREATE INDEX` statement, read from the
/// parenthesised column list after `ON <table>` (quotes respected).
fn index_shape(sql: &str) -> Option<(usize, bool)> {
    let (cols, rest) = paren_list(sql)?;
    let partial = rest
        .trim_start()
        .get(..5)
        .is_some_and(|w| w.eq_ignore_ascii_case("where"));
    Some((cols.len(), partial))
}

/// The items of the first top-level parenthesised list of a `CREATE` statement
/// (quotes and nested parentheses respected), trimmed, and what follows the list.
pub(super) fn paren_list(sql: &str) -> Option<(Vec<&str>, &str)> {
    let b = sql.as_bytes();
    let mut quote: Option<u8> = None;
    let mut depth = 0usize;
    let mut start = 0usize;
    let mut items = Vec::new();
    for (i, &c) in b.iter().enumerate() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' | b'`' => quote = Some(c),
                b'[' => quote = Some(b']'),
                b'(' => {
                    depth += 1;
                    if depth == 1 {
                        start = i + 1;
                    }
                }
                b')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        items.push(sql.get(start..i)?.trim());
                        return Some((items, sql.get(i + 1..)?));
                    }
                }
                b',' if depth == 1 => {
                    items.push(sql.get(start..i)?.trim());
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    None
}

/// A record value (only what schema rows need).
#[derive(Debug, Clone)]
enum Val {
    Null,
    Int(i64),
    Text(String),
    Other,
}

fn decode_text(b: &[u8], enc: Encoding) -> String {
    match enc {
        Encoding::Utf8 => String::from_utf8_lossy(b).into_owned(),
        Encoding::Utf16le | Encoding::Utf16be => {
            let units = b.chunks_exact(2).map(|c| {
                if enc == Encoding::Utf16le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            });
            char::decode_utf16(units)
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
    }
}

/// The first `max_cols` values of a record.
fn decode_record(rec: &[u8], enc: Encoding, max_cols: usize) -> Option<Vec<Val>> {
    let (hsize, n) = varint(rec, 0)?;
    let hsize = usize::try_from(hsize).ok()?;
    if hsize > rec.len() || hsize < n {
        return None;
    }
    let mut vals = Vec::new();
    let mut hp = n;
    let mut bp = hsize;
    while hp < hsize && vals.len() < max_cols {
        let (t, n) = varint(&rec[..hsize], hp)?;
        hp += n;
        let len = match t {
            0 | 8 | 9 | 10 | 11 => 0,
            1..=4 => t as usize,
            5 => 6,
            6 | 7 => 8,
            t => usize::try_from((t - 12) / 2).ok()?,
        };
        let body = rec.get(bp..bp.checked_add(len)?)?;
        bp += len;
        vals.push(match t {
            0 => Val::Null,
            1..=6 => {
                let mut v: i64 = if body[0] & 0x80 != 0 { -1 } else { 0 };
                for &b in body {
                    v = (v << 8) | i64::from(b);
                }
                Val::Int(v)
            }
            8 => Val::Int(0),
            9 => Val::Int(1),
            t if t >= 13 && t % 2 == 1 => Val::Text(decode_text(body, enc)),
            _ => Val::Other,
        });
    }
    Some(vals)
}

/// Reads a cell's whole payload (local part plus overflow chain), claiming
/// the overflow pages for `acc`. `None` (with `acc` told why) when it cannot.
fn assemble_payload(
    walk: &Walk<'_>,
    buf: &[u8],
    p: &Payload,
    pgno: u32,
    acc: &mut Acc,
    w: &mut WorkerOut,
) -> Option<Vec<u8>> {
    let g = &walk.g;
    let mut rec = buf.get(p.start..p.start + p.local as usize)?.to_vec();
    if p.first_overflow == 0 {
        return Some(rec);
    }
    let total = usize::try_from(p.size)
        .ok()
        .filter(|&s| s <= MAX_SCHEMA_RECORD);
    let Some(total) = total else {
        acc.fail(
            pgno,
            format!(
                "page {pgno} has a schema record of {} bytes, too large to read",
                p.size
            ),
        );
        return None;
    };
    let mut ov = Zeroizing::new(vec![0u8; walk.src.page_size() as usize]);
    let mut next = p.first_overflow;
    let mut from = pgno;
    let mut left = g.overflow_pages(p.size, p.local);
    while left > 0 {
        if !walk.take(next, from, acc) {
            return None;
        }
        if let Err(e) = walk.src.read_page(next, &mut ov) {
            acc.damaged += 1;
            acc.fail(next, e.to_string());
            w.unreadable(e);
            return None;
        }
        acc.overflow += 1;
        let want = (total - rec.len()).min(g.usable as usize - 4);
        rec.extend_from_slice(&ov[4..4 + want]);
        from = next;
        next = be32(&ov, 0).unwrap_or(0);
        left -= 1;
        if left > 0 && next == 0 {
            acc.fail(
                from,
                format!("the overflow chain ends at page {from}, {left} pages early"),
            );
            return None;
        }
    }
    Some(rec)
}

/// Walks `sqlite_schema` (root page 1) on this thread, returning its rows.
fn read_schema(walk: &Walk<'_>, enc: Encoding, acc: &mut Acc, w: &mut WorkerOut) -> Vec<SchemaRow> {
    let mut rows = Vec::new();
    let mut buf = Zeroizing::new(vec![0u8; walk.src.page_size() as usize]);
    let mut stack: Vec<(u32, u8)> = vec![(1, 0)];
    walk.claims.claim(1);
    while let Some((pgno, depth)) = stack.pop() {
        if let Err(e) = walk.src.read_page(pgno, &mut buf) {
            acc.damaged += 1;
            acc.fail(pgno, e.to_string());
            w.unreadable(e);
            continue;
        }
        let h = match parse_page_header(&buf, pgno, walk.g.usable) {
            Ok(h) if !h.is_index() => h,
            Ok(_) => {
                acc.damaged += 1;
                acc.fail(
                    pgno,
                    format!("page {pgno} is an index page inside the schema table"),
                );
                continue;
            }
            Err(m) => {
                acc.damaged += 1;
                acc.fail(pgno, m);
                continue;
            }
        };
        if h.is_interior() && depth >= MAX_DEPTH {
            acc.damaged += 1;
            acc.fail(
                pgno,
                format!("the b-tree is deeper than {MAX_DEPTH} levels at page {pgno}"),
            );
            continue;
        }
        let mut children = Vec::new();
        let mut ok = true;
        let mut leaf_rows = Vec::new();
        for i in 0..h.ncells {
            let parsed = cell_offset(&buf, &h, i, pgno, walk.g.usable)
                .and_then(|c| Ok((c, cell_payload(&buf, &h, c, pgno, &walk.g)?)));
            match parsed {
                Ok((c, None)) => children.push(be32(&buf, c).unwrap_or(0)),
                Ok((_, Some(p))) => leaf_rows.push(p),
                Err(m) => {
                    acc.fail(pgno, m);
                    ok = false;
                    break;
                }
            }
        }
        if !ok {
            acc.damaged += 1;
            continue;
        }
        if h.is_interior() {
            acc.interior += 1;
            children.push(h.right);
            // Reverse so pages pop in key order (schema order).
            for c in children.into_iter().rev() {
                if walk.take(c, pgno, acc) {
                    stack.push((c, depth + 1));
                }
            }
            continue;
        }
        acc.leaf += 1;
        acc.rows += h.ncells as u64;
        for p in leaf_rows {
            let Some(rec) = assemble_payload(walk, &buf, &p, pgno, acc, w) else {
                continue;
            };
            let Some(vals) = decode_record(&rec, enc, 5) else {
                acc.fail(
                    pgno,
                    format!("page {pgno} has a schema record that cannot be decoded"),
                );
                continue;
            };
            let text = |i: usize| match vals.get(i) {
                Some(Val::Text(s)) => s.clone(),
                _ => String::new(),
            };
            let root = match vals.get(3) {
                Some(Val::Int(n)) => Some(*n),
                Some(Val::Null) | None => Some(0),
                Some(_) => None,
            };
            let sql = text(4);
            let kind = text(0);
            let index_shape = if kind == "index" {
                index_shape(&sql)
            } else {
                None
            };
            rows.push(SchemaRow {
                index_shape,
                kind,
                name: text(1),
                table: text(2),
                root,
                sql_is_virtual: sql
                    .trim_start()
                    .get(..14)
                    .is_some_and(|s| s.eq_ignore_ascii_case("create virtual")),
                sql,
            });
        }
    }
    rows
}

/// SQLite's rule for the size of the database (`lockBtree`): the header's page
/// count when it is valid (`header`), else what the file and WAL hold
/// (`source`). A header count beyond what they hold cannot be true (SQLite
/// calls the database corrupt): the source's count is used, with an issue.
pub(crate) fn committed_page_count(header: Option<u32>, source: u32) -> (u32, Option<String>) {
    match header {
        Some(h) if h > source => (
            source,
            Some(format!(
                "the header says the database has {h} pages, but the file and WAL hold {source}; only those are read"
            )),
        ),
        Some(h) => (h, None),
        None => (source, None),
    }
}

/// Analyses the database `src` serves (see the module docs), reading on
/// `threads` threads. With `verify_unreached`, pages no structure reaches
/// and pointer-map pages are read too (for a SQLCipher source: their HMAC is
/// checked); freelist leaves and the lock-byte page never are (SQLite does
/// not write them, so they may hold anything).
#[cfg(test)]
pub fn analyze(
    src: &dyn PageSource,
    threads: usize,
    verify_unreached: bool,
) -> Result<Layout, LayoutError> {
    analyze_with(
        src,
        &WalkOptions {
            threads,
            verify_unreached,
            mode: WalkMode::Full,
        },
    )
}

/// [`analyze`] with a choice of how much to read ([`WalkMode`]).
pub fn analyze_with(src: &dyn PageSource, opts: &WalkOptions) -> Result<Layout, LayoutError> {
    let full = opts.mode == WalkMode::Full;
    let threads = opts.threads;
    let verify_unreached = opts.verify_unreached && full;
    let ps = src.page_size();
    let source_pages = src.page_count();
    let mut layout = Layout {
        mode: opts.mode,
        page_size: ps,
        usable_size: ps,
        reserved_bytes: 0,
        page_count: 0,
        objects: vec![ObjectPages::new(
            ObjectKind::Schema,
            "sqlite_schema".into(),
            "sqlite_schema".into(),
            1,
        )],
        freelist_pages: 0,
        freelist_header: 0,
        ptrmap_pages: 0,
        lock_byte_page: false,
        unreached_pages: 0,
        damaged_pages: 0,
        unreadable_pages: 0,
        unreadable_examples: Vec::new(),
        issues: Vec::new(),
    };
    if source_pages == 0 {
        return Ok(layout);
    }
    if source_pages > MAX_PAGES {
        return Err(LayoutError::TooManyPages {
            pages: source_pages,
            max: MAX_PAGES,
        });
    }
    let mut p1 = Zeroizing::new(vec![0u8; ps as usize]);
    src.read_page(1, &mut p1).map_err(LayoutError::Page1)?;
    if p1.get(..16) != Some(&SQLITE_MAGIC[..]) {
        return Err(LayoutError::NotSqlite);
    }
    let raw = be16(&p1, 16).unwrap_or(0);
    let header_ps = if raw == 1 { 65536 } else { u32::from(raw) };
    if header_ps != ps {
        return Err(LayoutError::PageSize {
            header: header_ps,
            source_size: ps,
        });
    }
    let reserved = p1[20];
    let usable = ps - u32::from(reserved);
    if usable < 480 {
        return Err(LayoutError::Usable { usable, reserved });
    }
    layout.reserved_bytes = reserved;
    layout.usable_size = usable;
    let enc = match be32(&p1, 56).unwrap_or(0) {
        2 => Encoding::Utf16le,
        3 => Encoding::Utf16be,
        _ => Encoding::Utf8,
    };
    // SQLite's rule (lockBtree): the header's size when valid, else the source's;
    // a header size beyond what the file and WAL hold is corruption.
    let header_pages = be32(&p1, 28).unwrap_or(0);
    let header_valid = header_pages != 0 && p1[24..28] == p1[92..96];
    let (page_count, issue) =
        committed_page_count(header_valid.then_some(header_pages), source_pages);
    layout.issues.extend(issue);
    layout.page_count = page_count;
    let lock_pgno = PENDING_BYTE / u64::from(ps) + 1;
    let lock_page = u32::try_from(lock_pgno).ok().filter(|&p| p <= page_count);
    layout.lock_byte_page = lock_page.is_some();
    let g = Geometry {
        usable,
        page_count,
        lock_page,
    };
    let claims = Claims::new(page_count);
    let walk = Walk {
        src,
        g,
        claims: &claims,
        follow_overflow: full,
    };
    if let Some(p) = lock_page {
        claims.claim(p);
    }
    // Pointer-map pages (auto-vacuum): claimed now, read with the unreached ones.
    let mut verify: Vec<u32> = Vec::new();
    if full && be32(&p1, 52).unwrap_or(0) != 0 {
        let per = u64::from(usable / 5 + 1);
        let mut k = 0u64;
        loop {
            let mut p = 2 + k * per;
            if Some(p) == lock_page.map(u64::from) {
                p += 1;
            }
            if p > u64::from(page_count) {
                break;
            }
            if claims.claim(p as u32) {
                layout.ptrmap_pages += 1;
                verify.push(p as u32);
            }
            k += 1;
        }
    }

    // The schema, on this thread.
    let mut w0 = WorkerOut::new(1);
    let mut schema_acc = Acc::default();
    let rows = read_schema(&walk, enc, &mut schema_acc, &mut w0);

    let mut items = Vec::new();
    let mut shapes = vec![None];
    for r in rows {
        let kind = match r.kind.as_str() {
            "table" => ObjectKind::Table,
            "index" => ObjectKind::Index,
            _ => continue,
        };
        shapes.push(r.index_shape);
        let mut obj = ObjectPages::new(kind, r.name, r.table, 0);
        obj.sql = r.sql;
        match r.root {
            Some(0) if kind == ObjectKind::Table && r.sql_is_virtual => {
                obj.kind = ObjectKind::VirtualTable;
            }
            Some(n) if n > 0 && n <= i64::from(u32::MAX) => {
                obj.root = n as u32;
            }
            _ => {
                obj.complete = false;
                obj.error = Some("its schema entry has no valid root page".into());
            }
        }
        layout.objects.push(obj);
    }
    let objects = layout.objects.len();
    layout.freelist_header = be32(&p1, 36).unwrap_or(0);
    if opts.mode == WalkMode::Schema {
        for o in layout.objects.iter_mut() {
            o.rows_known = false;
            o.pages_known = false;
        }
        let mut examples = w0.examples;
        examples.sort_by_key(PageError::pgno);
        examples.truncate(MAX_EXAMPLES);
        layout.unreadable_pages = w0.unreadable;
        layout.unreadable_examples = examples;
        layout.objects[0].interior_pages = schema_acc.interior;
        layout.objects[0].leaf_pages = schema_acc.leaf;
        layout.damaged_pages = schema_acc.damaged;
        if let Some((_, m)) = schema_acc.error {
            layout.objects[0].complete = false;
            layout.objects[0].error = Some(m);
        }
        return Ok(layout);
    }
    let walked = if full {
        vec![true; objects]
    } else {
        rows_plan(&mut layout.objects, &shapes)
    };
    let mut root_acc = vec![Acc::default(); objects];
    for (i, o) in layout.objects.iter().enumerate().skip(1) {
        if o.root == 0 || !walked[i] {
            continue;
        }
        let root = o.root;
        let acc = &mut root_acc[i];
        if root > page_count {
            acc.fail(
                0,
                format!("its root page {root} is outside the database's {page_count} pages"),
            );
        } else if !claims.claim(root) {
            acc.fail(0, format!("its root page {root} is already in use"));
        } else {
            items.push(Item {
                pgno: root,
                obj: i as u32,
                what: What::Tree {
                    depth: 0,
                    family: if o.kind == ObjectKind::Index {
                        Family::Index
                    } else {
                        Family::Any
                    },
                },
            });
        }
    }
    // Roots in reverse so the stack pops them in schema order.
    items.reverse();
    let outs = run(&walk, items, objects, threads);

    let mut accs = root_acc;
    accs[0].merge(&schema_acc);
    let mut unreadable = w0.unreadable;
    let mut examples = w0.examples;
    for o in &outs {
        for (a, b) in accs.iter_mut().zip(&o.objs) {
            a.merge(b);
        }
        unreadable += o.unreadable;
        examples.extend(o.examples.iter().cloned());
    }

    if !full {
        finish_rows(&mut layout, accs, &walked);
        examples.sort_by_key(PageError::pgno);
        examples.truncate(MAX_EXAMPLES);
        layout.unreadable_pages = unreadable;
        layout.unreadable_examples = examples;
        return Ok(layout);
    }

    // The freelist, on this thread.
    let mut fl_examples = Vec::new();
    layout.freelist_pages = walk_freelist(
        &walk,
        be32(&p1, 32).unwrap_or(0),
        &mut layout.issues,
        &mut fl_examples,
    );
    unreadable += fl_examples.len() as u64;
    examples.extend(fl_examples);
    if layout.freelist_pages != u64::from(layout.freelist_header) {
        layout.issues.push(format!(
            "the freelist holds {} pages, but the header says {}",
            layout.freelist_pages, layout.freelist_header
        ));
    }

    // Whatever nothing reached.
    let mut unreached = 0u64;
    for p in 1..=page_count {
        if !claims.is_claimed(p) {
            unreached += 1;
            if verify_unreached {
                verify.push(p);
            }
        }
    }
    layout.unreached_pages = unreached;
    if unreached > 0 {
        layout.issues.push(format!(
            "{unreached} pages belong to no table, index or freelist"
        ));
    }
    if verify_unreached && !verify.is_empty() {
        let items = verify
            .into_iter()
            .rev()
            .map(|pgno| Item {
                pgno,
                obj: 0,
                what: What::Verify,
            })
            .collect();
        for o in run(&walk, items, 1, threads) {
            unreadable += o.unreadable;
            examples.extend(o.examples);
        }
    }

    for (o, a) in layout.objects.iter_mut().zip(accs) {
        o.rows = a.rows;
        o.interior_pages = a.interior;
        o.leaf_pages = a.leaf;
        o.overflow_pages = a.overflow;
        layout.damaged_pages += a.damaged;
        if a.without_rowid && o.kind == ObjectKind::Table {
            o.kind = ObjectKind::WithoutRowidTable;
        }
        if let Some((_, m)) = a.error {
            o.complete = false;
            o.error.get_or_insert(m);
        }
    }
    examples.sort_by_key(PageError::pgno);
    examples.truncate(MAX_EXAMPLES);
    layout.unreadable_pages = unreadable;
    layout.unreadable_examples = examples;
    Ok(layout)
}

/// Which objects a [`WalkMode::Rows`] walk reads: every table without a full
/// index, and for each table with one, its narrowest full index (fewest
/// columns; an automatic index, whose shape is unknown, last). Tables
/// counted through an index get `rows_from_index`; indexes not read get
/// `rows_known: false`.
fn rows_plan(objects: &mut [ObjectPages], shapes: &[Option<(usize, bool)>]) -> Vec<bool> {
    let mut walked = vec![false; objects.len()];
    walked[0] = true;
    let mut best: std::collections::HashMap<&str, (usize, usize)> = Default::default();
    for (i, o) in objects.iter().enumerate() {
        if o.kind != ObjectKind::Index || o.root == 0 {
            continue;
        }
        let rank = match shapes.get(i).copied().flatten() {
            Some((_, true)) => continue,
            Some((cols, false)) => cols,
            None if o.name.starts_with("sqlite_autoindex_") => usize::MAX / 2,
            None => continue,
        };
        let e = best.entry(o.table.as_str()).or_insert((rank, i));
        if rank < e.0 {
            *e = (rank, i);
        }
    }
    // Table name → the name of the index that counts it.
    let via: std::collections::HashMap<String, String> = best
        .into_iter()
        .map(|(t, (_, i))| {
            walked[i] = true;
            (t.to_string(), objects[i].name.clone())
        })
        .collect();
    for (i, o) in objects.iter_mut().enumerate() {
        if o.kind != ObjectKind::Table {
            continue;
        }
        match via.get(&o.name) {
            Some(index) => o.rows_from_index = Some(index.clone()),
            None => walked[i] = true,
        }
    }
    walked
}

/// Fills a [`WalkMode::Rows`] layout from the walk's counts.
fn finish_rows(layout: &mut Layout, accs: Vec<Acc>, walked: &[bool]) {
    let mut by_index: std::collections::HashMap<String, (u64, bool, Option<String>)> =
        Default::default();
    for ((o, a), &w) in layout.objects.iter_mut().zip(accs).zip(walked) {
        o.pages_known = false;
        o.interior_pages = a.interior;
        o.leaf_pages = a.leaf;
        o.overflow_pages = 0;
        layout.damaged_pages += a.damaged;
        if a.without_rowid && o.kind == ObjectKind::Table {
            o.kind = ObjectKind::WithoutRowidTable;
        }
        if let Some((_, m)) = a.error {
            o.complete = false;
            o.error.get_or_insert(m);
        }
        o.rows = a.rows;
        o.rows_known = w && o.kind != ObjectKind::VirtualTable;
        if w && o.kind == ObjectKind::Index {
            by_index.insert(o.name.clone(), (o.rows, o.complete, o.error.clone()));
        }
    }
    for o in layout.objects.iter_mut() {
        let Some(index) = &o.rows_from_index else {
            continue;
        };
        if let Some((rows, complete, error)) = by_index.get(index) {
            o.rows = *rows;
            o.rows_known = true;
            o.complete = *complete;
            if o.error.is_none() {
                o.error.clone_from(error);
            }
        }
    }
}

/// Walks the freelist from its first trunk page; returns the pages found.
fn walk_freelist(
    walk: &Walk<'_>,
    first: u32,
    issues: &mut Vec<String>,
    unreadable: &mut Vec<PageError>,
) -> u64 {
    let g = &walk.g;
    let mut buf = Zeroizing::new(vec![0u8; walk.src.page_size() as usize]);
    let mut found = 0u64;
    let mut trunk = first;
    let max_leaves = (g.usable / 4 - 2) as usize;
    let mut bad_leaves = 0u64;
    while trunk != 0 {
        if trunk > g.page_count || !walk.claims.claim(trunk) {
            issues.push(format!(
                "the freelist points to page {trunk}, which is outside the database or already in use"
            ));
            break;
        }
        if let Err(e) = walk.src.read_page(trunk, &mut buf) {
            issues.push(format!("the freelist stops at page {trunk}: {e}"));
            unreadable.push(e);
            break;
        }
        found += 1;
        let next = be32(&buf, 0).unwrap_or(0);
        let n = be32(&buf, 4).unwrap_or(0) as usize;
        if n > max_leaves {
            issues.push(format!(
                "freelist trunk page {trunk} claims {n} leaves, more than fit on a page"
            ));
            break;
        }
        for i in 0..n {
            let leaf = be32(&buf, 8 + 4 * i).unwrap_or(0);
            if leaf == 0 || leaf > g.page_count || !walk.claims.claim(leaf) {
                bad_leaves += 1;
                continue;
            }
            found += 1;
        }
        trunk = next;
    }
    if bad_leaves > 0 {
        issues.push(format!(
            "the freelist lists {bad_leaves} pages that are outside the database or already in use"
        ));
    }
    found
}

pub(crate) mod range;
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
pub(crate) mod tests;
