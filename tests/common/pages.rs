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

/// Overwrites one b-tree page (table or index, interior or leaf; never
/// page 1, which holds the header and the schema) with garbage, after a
/// checkpoint so that the WAL does not hide the damage. `pick` chooses
/// among them. Returns the page's number, `None` when the file has no
/// such page.
pub fn corrupt_btree_page(db: &Path, pick: u64) -> Option<usize> {
    let page_size = checkpointed_page_size(db);
    let mut bytes = std::fs::read(db).unwrap();
    let pages: Vec<usize> = (1..bytes.len() / page_size)
        .filter(|&i| matches!(bytes[i * page_size], 0x02 | 0x05 | 0x0A | 0x0D))
        .collect();
    let at = usize::try_from(pick % pages.len().max(1) as u64).expect("below the page count");
    let victim = *pages.get(at)?;
    bytes[victim * page_size..(victim + 1) * page_size].fill(0xA5);
    std::fs::write(db, bytes).unwrap();
    Some(victim + 1)
}
