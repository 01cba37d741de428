//! Reaching into a database file's pages, to damage it as a disk would.

use std::path::Path;

/// Moves everything from the WAL into the file itself, so that its pages
/// are what a reader sees; returns the page size.
pub fn checkpointed_page_size(db: &Path) -> usize {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    conn.query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap()
}
