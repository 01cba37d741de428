//! The queue as the engine reads it ([`Queued`] rows): the routing columns
//! of the pending prompts, highest priority then oldest, and whether each
//! text spans lines, computed by SQLite so that no text is read.

use rusqlite::{OptionalExtension, Row};

use super::Store;
use crate::error::StoreError;
use crate::model::Queued;

/// The columns [`queued_from_row`] reads, in order. `multi_line` is the
/// text's `trim_end().contains('\n')`, trimming ASCII whitespace.
const QUEUE_COLUMNS: &str = concat!(
    "id, priority, target_session, target_provider, preferred_providers, fallback_providers, \
    allow_fallback, working_dir, env_vars, prerequisites, git_branch, timeout_minutes, \
    retry_count, ",
    deps_sql!(),
    ", instr(rtrim(content, ' ' || char(9, 10, 11, 12, 13)), char(10)) > 0, waiting_reason"
);

impl Store {
    /// The pending prompts, highest priority then oldest.
    pub fn queue(&self) -> Result<Vec<Queued>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {QUEUE_COLUMNS} FROM prompts WHERE status = 'pending' \
                 ORDER BY priority DESC, id ASC"
            ))
            .map_err(StoreError::sqlite("reading the queue"))?;
        let rows = stmt
            .query_map([], queued_from_row)
            .map_err(StoreError::sqlite("reading the queue"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading the queue"))
    }

    /// Prompt `id` as [`Store::queue`] reads it, if it is pending.
    pub fn queued(&self, id: i64) -> Result<Option<Queued>, StoreError> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {QUEUE_COLUMNS} FROM prompts WHERE id = ?1 AND status = 'pending'"
                ),
                [id],
                queued_from_row,
            )
            .optional()
            .map_err(StoreError::sqlite("reading a prompt"))
    }
}

fn queued_from_row(row: &Row<'_>) -> rusqlite::Result<Queued> {
    let list = |idx: usize| -> rusqlite::Result<Vec<String>> {
        Ok(super::row::parse_or_default(row.get(idx)?))
    };
    Ok(Queued {
        id: row.get(0)?,
        priority: u8::try_from(row.get::<_, i64>(1)?.clamp(0, 10)).unwrap_or(10),
        target: row.get(2)?,
        provider: row.get(3)?,
        providers: list(4)?,
        fallback: list(5)?,
        allow_fallback: row.get(6)?,
        working_dir: row.get(7)?,
        env: super::row::parse_or_default(row.get(8)?),
        prereqs: list(9)?,
        branch: row.get(10)?,
        timeout_minutes: row.get::<_, Option<i64>>(11)?.map(super::u32_from),
        retry_count: super::u32_from(row.get(12)?),
        after: super::row::parse_or_default(row.get(13)?),
        multi_line: row.get(14)?,
        waiting_reason: row.get(15)?,
    })
}

#[cfg(test)]
mod tests {
    use crate::protocol::NewPrompt;
    use crate::store::Store;

    #[test]
    fn a_text_is_multi_line_when_a_line_follows_its_first_trailing_blanks_aside() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("assigner.db")).unwrap();
        let cases = [
            ("echo one", false),
            ("echo one\n", false),
            ("echo one\n\n \t\n", false),
            ("echo one\necho two", true),
            ("echo one\n\techo two\n", true),
            ("\nafter a blank first line", true),
        ];
        for (text, multi) in cases {
            let id = store
                .insert_prompt(&NewPrompt {
                    text: text.into(),
                    ..NewPrompt::default()
                })
                .unwrap();
            let q = store.queued(id).unwrap().unwrap();
            assert_eq!(q.multi_line, multi, "{text:?}");
            assert_eq!(q.multi_line, text.trim_end().contains('\n'), "{text:?}");
        }
        let ids: Vec<i64> = store.queue().unwrap().iter().map(|q| q.id).collect();
        assert_eq!(ids.len(), cases.len());
    }
}
