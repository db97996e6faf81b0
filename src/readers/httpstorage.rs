//! `httpstorages.sqlite` (CFNetwork's cookie store): the host and the name of every
//! cookie, read through a read-only view. SQL never selects a value.

use super::sqlite::{
    table_columns, tables, text, with_read_only_connection, DbError, InspectOptions, ViewInfo,
    MAX_ROWS,
};
use crate::model::hosts::HttpStorageRows;
use std::path::Path;

/// Column names that hold a cookie's domain or a host, in order of preference.
const HOST_COLUMNS: [&str; 5] = ["domain", "host", "host_key", "hostname", "cookie_domain"];

/// Every (host or URL, cookie name) pair in the HTTP storage at `abs`, from every
/// table with a host column (at most [`MAX_ROWS`] per table). The view's notes come
/// with it.
pub fn read(abs: &Path, opts: &InspectOptions) -> Result<(HttpStorageRows, ViewInfo), DbError> {
    type Found = Vec<(String, Option<String>)>;
    with_read_only_connection(abs, opts, |conn| {
        let names = tables(conn)?;
        let mut found: Found = Vec::new();
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
                Some(n) => format!(
                    "SELECT DISTINCT {}, {} FROM main.{} LIMIT {MAX_ROWS}",
                    q(host_col),
                    q(n),
                    q(t)
                ),
                None => format!(
                    "SELECT DISTINCT {}, NULL FROM main.{} LIMIT {MAX_ROWS}",
                    q(host_col),
                    q(t)
                ),
            };
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt
                .query_map([], |r| Ok((text(r.get_ref(0)?), text(r.get_ref(1)?))))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            found.extend(rows.into_iter().filter_map(|(h, n)| Some((h?, n))));
        }
        Ok(HttpStorageRows {
            found,
            used,
            tables: names,
        })
    })
}
