//! The append-only history of each prompt, which is also the source of the
//! `watch` event stream.

use rusqlite::{Transaction, params};

use super::{NOW, Store};
use crate::error::StoreError;
use crate::model::{HistoryEvent, HistoryRow, Timestamp};

/// Appends one history row inside the caller's transaction.
pub(crate) fn append(
    tx: &Transaction<'_>,
    prompt: i64,
    event: HistoryEvent,
    session: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "INSERT INTO history (prompt_id, at, event, session, detail) VALUES (?1, {NOW}, ?2, ?3, ?4)"
    ))
    .and_then(|mut s| s.execute(params![prompt, event.as_str(), session, detail]))
    .map_err(StoreError::sqlite("appending history"))?;
    Ok(())
}

impl Store {
    /// A prompt's history, oldest first.
    pub fn history(&self, prompt: i64) -> Result<Vec<HistoryRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT prompt_id, at, event, session, detail FROM history
                 WHERE prompt_id = ?1 ORDER BY id",
            )
            .map_err(StoreError::sqlite("reading history"))?;
        let rows = stmt
            .query_map([prompt], history_row)
            .map_err(StoreError::sqlite("reading history"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading history"))
    }

    /// History rows written after `after_id`, with the highest id seen.
    /// The daemon polls this after each change it makes, so every
    /// committed history row is streamed to watchers exactly once.
    pub fn history_since(&self, after_id: i64) -> Result<(Vec<HistoryRow>, i64), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT prompt_id, at, event, session, detail, id FROM history
                 WHERE id > ?1 ORDER BY id LIMIT 10000",
            )
            .map_err(StoreError::sqlite("reading new history"))?;
        let mut last = after_id;
        let rows = stmt
            .query_map([after_id], |r| Ok((history_row(r)?, r.get::<_, i64>(5)?)))
            .map_err(StoreError::sqlite("reading new history"))?;
        let mut out = Vec::new();
        for row in rows {
            let (row, id) = row.map_err(StoreError::sqlite("reading new history"))?;
            last = id;
            out.push(row);
        }
        Ok((out, last))
    }

    /// The newest history id (0 when empty).
    pub fn last_history_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(id), 0) FROM history", [], |r| r.get(0))
            .map_err(StoreError::sqlite("reading history"))
    }
}

/// A row of `SELECT prompt_id, at, event, session, detail`.
fn history_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryRow> {
    Ok(HistoryRow {
        prompt: r.get(0)?,
        at: Timestamp::from(r.get::<_, String>(1)?),
        event: r.get(2)?,
        session: r.get(3)?,
        detail: r.get(4)?,
    })
}

impl Store {
    /// Appends a history note without changing the prompt (context
    /// preparation, a rescue Enter, a recovery decision).
    pub fn note(
        &mut self,
        prompt: i64,
        event: HistoryEvent,
        session: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        append(&tx, prompt, event, session, detail)?;
        tx.commit().map_err(StoreError::sqlite("appending history"))
    }
}
