//! Reading every row of a query, for the checks and imports that read a
//! database apart from the store (a plain or a legacy connection).

/// Runs `sql` (no parameters) and maps every row.
pub(crate) fn query_all<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], f)?;
    rows.collect()
}
