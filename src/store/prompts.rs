//! Queueing and querying prompts.

use rusqlite::{Connection, OptionalExtension, params};

use super::history::append;
use super::row::{
    PROMPT_COLUMNS, PROMPT_SUMMARY_COLUMNS, record_from_row, summary_columns, summary_from_row,
};
use super::{NOW, Store, to_json};
use crate::error::StoreError;
use crate::model::{HistoryEvent, PromptRecord, PromptSummary};
use crate::protocol::{NewPrompt, PromptCounts, PromptStatus};

/// Default priority when a prompt names none.
pub const DEFAULT_PRIORITY: u8 = 5;
/// Default retry budget.
pub const DEFAULT_MAX_RETRIES: u32 = 3;
const _: () = assert!(DEFAULT_MAX_RETRIES <= *crate::protocol::MAX_RETRIES.end());
/// Default and largest page of `prompts`.
const LIST_LIMIT: u32 = 200;
const MAX_LIST_LIMIT: u32 = 10_000;

impl Store {
    /// Queues a prompt and returns its id. Validates every field (as the
    /// protocol does) and that every dependency exists.
    pub fn insert_prompt(&mut self, p: &NewPrompt) -> Result<i64, StoreError> {
        p.validate().map_err(StoreError::Invalid)?;
        let priority = p.priority.unwrap_or(DEFAULT_PRIORITY);
        let before = self.conn.total_changes();
        let tx = self.write_tx()?;
        for dep in &p.after {
            let exists: bool = tx
                .query_row("SELECT 1 FROM prompts WHERE id = ?1", [dep], |_| Ok(true))
                .optional()
                .map_err(StoreError::sqlite("checking dependencies"))?
                .unwrap_or(false);
            if !exists {
                return Err(StoreError::NoSuchPrompt(*dep));
            }
        }
        tx.prepare_cached(&format!(
                "INSERT INTO prompts (content, source, priority, target_session, target_provider,
                    preferred_providers, fallback_providers, allow_fallback, working_dir, env_vars,
                    prerequisites, git_branch, timeout_minutes, max_retries, metadata,
                    created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, {NOW}, {NOW})"
            ))
        .and_then(|mut s| s.execute(params![
                p.text,
                p.source.as_deref().unwrap_or("cli"),
                priority,
                p.target,
                p.provider,
                to_json(&p.providers),
                to_json(&p.fallback),
                p.allow_fallback,
                p.working_dir,
                to_json(&p.env),
                to_json(&p.prereqs),
                p.branch,
                p.timeout_minutes,
                p.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                p.metadata.as_ref().map(to_json),
            ]))
        .map_err(StoreError::sqlite("inserting a prompt"))?;
        let id = tx.last_insert_rowid();
        for dep in &p.after {
            tx.execute(
                "INSERT OR IGNORE INTO prompt_deps (prompt_id, depends_on) VALUES (?1, ?2)",
                [id, *dep],
            )
            .map_err(StoreError::sqlite("recording dependencies"))?;
        }
        append(
            &tx,
            id,
            HistoryEvent::Queued,
            None,
            p.source
                .as_deref()
                .map(|s| format!("source {s}"))
                .as_deref(),
        )?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a new prompt"))?;
        let after = self.conn.total_changes();
        self.queued.record(before, after, Some(id));
        Ok(id)
    }

    /// One prompt with its full text and response.
    pub fn prompt(&self, id: i64) -> Result<PromptRecord, StoreError> {
        self.conn
            .query_row(
                &format!("SELECT {PROMPT_COLUMNS} FROM prompts WHERE id = ?1"),
                [id],
                record_from_row,
            )
            .optional()
            .map_err(StoreError::sqlite("reading a prompt"))?
            .ok_or(StoreError::NoSuchPrompt(id))
    }

    /// The full text of prompt `id`, for the engine to type or compare
    /// with a screen: lists and the queue hold only its start.
    pub fn prompt_text(&self, id: i64) -> Result<String, StoreError> {
        self.conn
            .prepare_cached("SELECT content FROM prompts WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)))
            .optional()
            .map_err(StoreError::sqlite("reading a prompt's text"))?
            .ok_or(StoreError::NoSuchPrompt(id))
    }

    /// Prompts newest first, optionally of one status.
    pub fn list_prompts(
        &self,
        status: Option<PromptStatus>,
        limit: Option<u32>,
    ) -> Result<Vec<PromptSummary>, StoreError> {
        let limit = limit.unwrap_or(LIST_LIMIT).min(MAX_LIST_LIMIT);
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {PROMPT_SUMMARY_COLUMNS} FROM prompts
                 WHERE ?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2"
            ))
            .map_err(StoreError::sqlite("listing prompts"))?;
        let rows = stmt
            .query_map(
                params![status.map(PromptStatus::as_str), limit],
                summary_from_row,
            )
            .map_err(StoreError::sqlite("listing prompts"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("listing prompts"))
    }

    /// Prompts in `status`, highest priority then oldest first, without
    /// their text, for lists and maintenance (the engine reads the queue
    /// as [`Store::queue`]).
    pub fn prompts_in(&self, status: PromptStatus) -> Result<Vec<PromptSummary>, StoreError> {
        prompts_in(&self.conn, status)
    }

    /// Whether any prompt waits in the queue.
    pub fn has_pending(&self) -> Result<bool, StoreError> {
        self.conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM prompts WHERE status = 'pending')")
            .and_then(|mut s| s.query_row([], |r| r.get(0)))
            .map_err(StoreError::sqlite("checking the queue"))
    }

    /// Count of prompts per status, every status present.
    pub fn counts(&self) -> Result<PromptCounts, StoreError> {
        counts(&self.conn)
    }

    /// Status of every dependency of `id` (a dependency that no longer
    /// exists was cleared after finishing, and counts as completed).
    pub fn dependency_statuses(&self, id: i64) -> Result<Vec<(i64, PromptStatus)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT d.depends_on, coalesce(p.status, 'completed') FROM prompt_deps d
                 LEFT JOIN prompts p ON p.id = d.depends_on WHERE d.prompt_id = ?1",
            )
            .map_err(StoreError::sqlite("reading dependencies"))?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(StoreError::sqlite("reading dependencies"))?;
        rows.map(|r| {
            let (dep, st) = r.map_err(StoreError::sqlite("reading dependencies"))?;
            Ok((dep, st.parse().unwrap_or(PromptStatus::Failed)))
        })
        .collect()
    }

    /// Deletes completed and cancelled prompts that finished more than
    /// `days` days ago (all of them when `days` is `None`), with their
    /// history. Returns how many. A prompt that an unfinished prompt still
    /// waits on is kept: once deleted, a dependency reads as completed, and
    /// a cancelled one would then release its dependents.
    pub fn clear_finished(&mut self, days: Option<u32>) -> Result<u64, StoreError> {
        let tx = self.write_tx()?;
        let n = tx
            .execute(
                "DELETE FROM prompts WHERE status IN ('completed','cancelled')
                 AND (?1 IS NULL OR coalesce(finished_at, updated_at)
                      < strftime('%Y-%m-%dT%H:%M:%fZ','now', '-' || ?1 || ' days'))
                 AND NOT EXISTS (SELECT 1 FROM prompt_deps d
                      JOIN prompts w ON w.id = d.prompt_id
                      WHERE d.depends_on = prompts.id
                      AND w.status NOT IN ('completed','cancelled','failed'))",
                [days],
            )
            .map_err(StoreError::sqlite("clearing finished prompts"))?;
        tx.commit()
            .map_err(StoreError::sqlite("clearing finished prompts"))?;
        Ok(n as u64)
    }
}

/// [`Store::prompts_in`] on any connection to the database, read-only ones
/// included (offline `cleanup`).
pub fn prompts_in(
    conn: &Connection,
    status: PromptStatus,
) -> Result<Vec<PromptSummary>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {} FROM prompts WHERE status = ?1 ORDER BY priority DESC, id ASC",
            summary_columns(conn)
        ))
        .map_err(StoreError::sqlite("reading the queue"))?;
    let rows = stmt
        .query_map([status.as_str()], summary_from_row)
        .map_err(StoreError::sqlite("reading the queue"))?;
    rows.collect::<Result<_, _>>()
        .map_err(StoreError::sqlite("reading the queue"))
}

/// [`Store::counts`] on any connection to the database, read-only ones
/// included (offline `cleanup`).
pub fn counts(conn: &Connection) -> Result<PromptCounts, StoreError> {
    let mut out: PromptCounts = PromptStatus::ALL.iter().map(|s| (*s, 0)).collect();
    let mut stmt = conn
        .prepare_cached("SELECT status, count(*) FROM prompts GROUP BY status")
        .map_err(StoreError::sqlite("counting prompts"))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .map_err(StoreError::sqlite("counting prompts"))?;
    for row in rows {
        let (status, n) = row.map_err(StoreError::sqlite("counting prompts"))?;
        // The schema's CHECK allows no other status; a damaged database
        // may hold any text, which `verify` reports.
        if let Ok(status) = status.parse() {
            out.insert(status, super::u64_from(n));
        }
    }
    Ok(out)
}
