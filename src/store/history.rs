//! The append-only history of each prompt, which is also the source of the
//! `watch` event stream.

use rusqlite::{Transaction, params};

use super::{NOW, Store};
use crate::error::StoreError;
use crate::model::HistoryEvent;
use crate::protocol::{Event, HistoryEntry};

/// Appends one history row inside the caller's transaction.
pub(crate) fn append(
    tx: &Transaction<'_>,
    prompt: i64,
    event: HistoryEvent,
    session: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "INSERT INTO history (prompt_id, at, event, session, detail) VALUES (?1, {NOW}, ?2, ?3, ?4)"
        ),
        params![prompt, event.as_str(), session, detail],
    )
    .map_err(StoreError::sqlite("appending history"))?;
    Ok(())
}

impl Store {
    /// A prompt's history, oldest first.
    pub fn history(&self, prompt: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT at, event, session, detail FROM history WHERE prompt_id = ?1 ORDER BY id",
            )
            .map_err(StoreError::sqlite("reading history"))?;
        let rows = stmt
            .query_map([prompt], |r| {
                Ok(HistoryEntry {
                    at: r.get(0)?,
                    event: r.get(1)?,
                    session: r.get(2)?,
                    detail: r.get(3)?,
                })
            })
            .map_err(StoreError::sqlite("reading history"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading history"))
    }

    /// History rows written after `after_id`, as watch events, with the
    /// highest id seen. The daemon polls this after each change it makes,
    /// so every committed history row is streamed exactly once.
    pub fn events_since(&self, after_id: i64) -> Result<(Vec<Event>, i64), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, prompt_id, at, event, session, detail FROM history
                 WHERE id > ?1 ORDER BY id LIMIT 10000",
            )
            .map_err(StoreError::sqlite("reading new history"))?;
        let mut last = after_id;
        let rows = stmt
            .query_map([after_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Event {
                        at: r.get(2)?,
                        kind: crate::protocol::EventKind::Prompt,
                        id: Some(r.get(1)?),
                        event: r.get(3)?,
                        session: r.get(4)?,
                        detail: r.get(5)?,
                    },
                ))
            })
            .map_err(StoreError::sqlite("reading new history"))?;
        let mut events = Vec::new();
        for row in rows {
            let (id, ev) = row.map_err(StoreError::sqlite("reading new history"))?;
            last = id;
            events.push(ev);
        }
        Ok((events, last))
    }

    /// The newest history id (0 when empty).
    pub fn last_history_id(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT coalesce(max(id), 0) FROM history", [], |r| r.get(0))
            .map_err(StoreError::sqlite("reading history"))
    }
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
