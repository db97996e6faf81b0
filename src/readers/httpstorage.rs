//! `httpstorages.sqlite` (CFNetwork's cookie store): the host and the name of every
//! cookie, read through a read-only view. SQL never selects a value. Rows are
//! streamed to the caller table by table, with no row cap.

use super::sqlite::{
    table_columns, tables, text, with_read_only_connection, DbError, InspectOptions, ViewInfo,
};
use std::path::Path;

/// Column names that hold a cookie's domain or a host, in order of preference.
const HOST_COLUMNS: [&str; 5] = ["domain", "host", "host_key", "hostname", "cookie_domain"];

/// What the caller learns besides the rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StorageInfo {
    /// Tables that had a host column.
    pub used: usize,
    /// Every table's name.
    pub tables: Vec<String>,
}

/// Give `each` every (host or URL, cookie name) pair in the HTTP storage at `abs`,
/// from every table with a host column (rows without a host are skipped). The
/// view's notes come with it. On an error part of the rows may already have been
/// given.
pub fn read(
    abs: &Path,
    opts: &InspectOptions,
    mut each: impl FnMut(&str, Option<&str>),
) -> Result<(StorageInfo, ViewInfo), DbError> {
    with_read_only_connection(abs, opts, |conn| {
        let names = tables(conn)?;
        let mut used = 0;
        for t in &names {
            let cols = table_columns(conn, t)?;
            let pick = |want: &str| cols.iter().find(|c| c.eq_ignore_ascii_case(want));
            let Some(host_col) = HOST_COLUMNS.iter().find_map(|w| pick(w)) else {
                continue;
            };
            used += 1;
            let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
            // Only the host and the name: never the value or any other column.
            let sql = match pick("name") {
                Some(n) => format!("SELECT {}, {} FROM main.{}", q(host_col), q(n), q(t)),
                None => format!("SELECT {}, NULL FROM main.{}", q(host_col), q(t)),
            };
            let mut stmt = conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                if let Some(host) = text(r.get_ref(0)?) {
                    each(&host, text(r.get_ref(1)?).as_deref());
                }
            }
        }
        Ok(StorageInfo {
            used,
            tables: names,
        })
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// More rows than the old silent cap (1,000,000 per table) all reach the caller.
    #[test]
    fn no_row_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("httpstorages.sqlite");
        let conn = rusqlite::Connection::open(&p).unwrap();
        conn.execute_batch(
            "CREATE TABLE cookies(domain TEXT, name TEXT, value TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000001)
             INSERT INTO cookies SELECT 'c.qq.com', i, 'SYNTHETIC_SECRET' FROM n;",
        )
        .unwrap();
        drop(conn);
        let mut rows = 0u64;
        let mut last = String::new();
        let (info, _) = read(&p, &InspectOptions::for_stores(), |_, name| {
            rows += 1;
            last = name.unwrap_or_default().to_string();
        })
        .unwrap();
        assert_eq!((rows, last.as_str(), info.used), (1_000_001, "1000001", 1));
    }
}
