//! Copying the readable rows of one table of a damaged database into the
//! fresh one: a table with numeric ids row by row (see [`copy_row`] and
//! [`id_bound`]), the others by a scan up to the first damaged page. An
//! error costs the row it hit, never the copy; `salvage.rs` decides which
//! tables are copied, in which order, and what is counted lost.

use std::collections::BTreeSet;

use rusqlite::types::Value;
use rusqlite::{Connection, Transaction, params_from_iter};

/// Ids probed at most per table, so a garbage bound cannot stall start-up.
const MAX_PROBED_IDS: i64 = 5_000_000;

/// How reading and writing one row by its id went.
pub(super) enum Copy {
    Copied,
    Absent,
    Lost,
}

/// Reads row `id` of `table` from `old` and inserts it unchanged.
pub(super) fn copy_row(
    old: &Connection,
    tx: &Transaction<'_>,
    table: &str,
    cols: &[String],
    id: i64,
) -> Copy {
    let list = cols.join(", ");
    let read = old.query_row(
        &format!("SELECT {list} FROM {table} WHERE id = ?1"),
        [id],
        |r| {
            (0..cols.len())
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<_>>>()
        },
    );
    let values = match read {
        Ok(v) => v,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Copy::Absent,
        Err(_) => return Copy::Lost,
    };
    let marks = vec!["?"; cols.len()].join(", ");
    match tx.execute(
        &format!("INSERT INTO {table} ({list}) VALUES ({marks})"),
        params_from_iter(values),
    ) {
        Ok(_) => Copy::Copied,
        Err(_) => Copy::Lost,
    }
}

/// The session rows that can be read. The tmux server pid they name is
/// how restart recovery tells a server out of reach from one that is gone
/// (engine/observe.rs): without them, a tmux socket out of reach at
/// start-up would pass for no server, and the prompts kept in flight would
/// go to second agents. A row naming a lost prompt keeps the row, not the
/// prompt.
pub(super) fn copy_sessions(old: &Connection, tx: &Transaction<'_>, kept: &BTreeSet<i64>) -> u64 {
    copy_scanned(old, tx, "sessions", "pane_id", |cols, values| {
        if let Some(i) = cols.iter().position(|c| c == "current_prompt")
            && matches!(values[i], Value::Integer(p) if !kept.contains(&p))
        {
            values[i] = Value::Null;
        }
    })
}

/// The pools' counts as `pool scale` last set them: without them a pool
/// scaled by hand would start again at its config's count, stopping or
/// starting agents nobody asked for.
pub(super) fn copy_pool_scales(old: &Connection, tx: &Transaction<'_>) -> u64 {
    copy_scanned(old, tx, "pool_scales", "pool", |_, _| {})
}

/// Copies the rows of `table` (whose rows have no numeric id to look up,
/// so it is scanned, up to the first damaged page) in the columns both
/// databases have, after `fix` has mended each; a table without its `key`
/// column is not copied.
fn copy_scanned(
    old: &Connection,
    tx: &Transaction<'_>,
    table: &str,
    key: &str,
    mut fix: impl FnMut(&[String], &mut [Value]),
) -> u64 {
    let cols = common_columns(old, tx, table);
    if !cols.iter().any(|c| c == key) {
        return 0;
    }
    let list = cols.join(", ");
    let Ok(mut stmt) = old.prepare(&format!("SELECT {list} FROM {table}")) else {
        return 0;
    };
    let Ok(mut rows) = stmt.query([]) else {
        return 0;
    };
    let insert = format!(
        "INSERT OR IGNORE INTO {table} ({list}) VALUES ({})",
        vec!["?"; cols.len()].join(", ")
    );
    let mut n = 0;
    while let Ok(Some(row)) = rows.next() {
        let Ok(mut values) = (0..cols.len())
            .map(|i| row.get::<_, Value>(i))
            .collect::<rusqlite::Result<Vec<_>>>()
        else {
            break;
        };
        fix(&cols, &mut values);
        if tx
            .execute(&insert, params_from_iter(values))
            .is_ok_and(|k| k > 0)
        {
            n += 1;
        }
    }
    n
}

/// Dependencies of one prompt (a primary-key lookup, like the rows).
pub(super) fn copy_deps(old: &Connection, tx: &Transaction<'_>, id: i64) -> u64 {
    let deps: rusqlite::Result<Vec<i64>> = old
        .prepare("SELECT depends_on FROM prompt_deps WHERE prompt_id = ?1")
        .and_then(|mut s| s.query_map([id], |r| r.get(0))?.collect());
    let mut n = 0;
    for dep in deps.unwrap_or_default() {
        if let Ok(k) = tx.execute(
            "INSERT OR IGNORE INTO prompt_deps (prompt_id, depends_on) VALUES (?1, ?2)",
            [id, dep],
        ) {
            n += k as u64;
        }
    }
    n
}

/// Columns `table` has in both databases (the old file may be older).
pub(super) fn common_columns(old: &Connection, new: &Connection, table: &str) -> Vec<String> {
    let new_cols = columns(new, table);
    columns(old, table)
        .into_iter()
        .filter(|c| new_cols.contains(c))
        .collect()
}

fn columns(conn: &Connection, table: &str) -> Vec<String> {
    conn.prepare(&format!("PRAGMA table_info({table})"))
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(1))?.collect())
        .unwrap_or_default()
}

/// The highest id worth probing: whichever of the sequence, `max(id)` and
/// a forward scan (up to the first damaged page) gets furthest.
pub(super) fn id_bound(old: &Connection, table: &str) -> i64 {
    let mut bound = 0i64;
    let seq: rusqlite::Result<i64> = old.query_row(
        "SELECT seq FROM sqlite_sequence WHERE name = ?1",
        [table],
        |r| r.get(0),
    );
    let max: rusqlite::Result<Option<i64>> =
        old.query_row(&format!("SELECT max(id) FROM {table}"), [], |r| r.get(0));
    bound = bound
        .max(seq.unwrap_or(0))
        .max(max.ok().flatten().unwrap_or(0));
    if let Ok(mut stmt) = old.prepare(&format!("SELECT id FROM {table} ORDER BY id"))
        && let Ok(mut rows) = stmt.query([])
    {
        while let Ok(Some(row)) = rows.next() {
            bound = bound.max(row.get(0).unwrap_or(0));
        }
    }
    bound.min(MAX_PROBED_IDS)
}

/// Keeps the record of imported legacy prompts, so that a later import
/// skips them even when they were cleared; a salvaged prompt's own
/// `legacy_id` stands in for a ledger row that could not be read. The
/// record of a prompt the corruption destroyed (`lost`) is dropped, so that
/// importing the legacy database again brings it back.
pub(super) fn copy_legacy_ledger(
    old: &Connection,
    tx: &rusqlite::Transaction<'_>,
    lost: &BTreeSet<i64>,
) {
    if let Ok(mut stmt) =
        old.prepare("SELECT legacy_id, prompt_id, imported_at FROM legacy_imports")
    {
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
            ))
        });
        for (legacy, prompt, at) in rows.into_iter().flatten().flatten() {
            if prompt.is_some_and(|p| lost.contains(&p)) {
                continue;
            }
            let _ = tx.execute(
                "INSERT OR IGNORE INTO legacy_imports (legacy_id, prompt_id, imported_at)
                 VALUES (?1, ?2, ?3)",
                rusqlite::params![legacy, prompt, at],
            );
        }
    }
    let _ = tx.execute(
        "INSERT OR IGNORE INTO legacy_imports (legacy_id, prompt_id, imported_at)
         SELECT legacy_id, id, updated_at FROM prompts WHERE legacy_id IS NOT NULL",
        [],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::migrations::{latest, migrate_to};

    #[test]
    fn the_ledger_forgets_only_prompts_the_corruption_destroyed() {
        let mut old = Connection::open_in_memory().unwrap();
        migrate_to(&mut old, latest()).unwrap();
        old.execute_batch(
            "INSERT INTO legacy_imports VALUES (1, 10, 'x'), (2, 11, 'x'), (3, NULL, 'x');",
        )
        .unwrap();
        let mut new = Connection::open_in_memory().unwrap();
        migrate_to(&mut new, latest()).unwrap();
        let tx = new.transaction().unwrap();
        copy_legacy_ledger(&old, &tx, &BTreeSet::from([11]));
        tx.commit().unwrap();
        let ids: Vec<i64> = new
            .prepare("SELECT legacy_id FROM legacy_imports ORDER BY legacy_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        // 10 was cleared long ago (still recorded); 11 was lost now.
        assert_eq!(ids, [1, 3]);
    }

    #[test]
    fn pools_scaled_by_hand_keep_their_counts() {
        let mut old = Connection::open_in_memory().unwrap();
        migrate_to(&mut old, latest()).unwrap();
        old.execute_batch(
            "INSERT INTO pool_scales (pool, count, config_count, scaled_at)
             VALUES ('claude', 5, 2, 'x'), ('codex', 0, 1, 'y');",
        )
        .unwrap();
        let mut new = Connection::open_in_memory().unwrap();
        migrate_to(&mut new, latest()).unwrap();
        let tx = new.transaction().unwrap();
        assert_eq!(copy_pool_scales(&old, &tx), 2);
        tx.commit().unwrap();
        let rows: Vec<(String, i64, i64)> = new
            .prepare("SELECT pool, count, config_count FROM pool_scales ORDER BY pool")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, [("claude".into(), 5, 2), ("codex".into(), 0, 1)]);
    }
}
