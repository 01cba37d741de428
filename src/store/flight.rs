//! Reads the engine needs about prompts in flight: delivery phase, the pane
//! a prompt last failed on, and everything left `assigned` or
//! `in_progress` (also after a restart).

use rusqlite::OptionalExtension;

use super::{Phase, Store};
use crate::error::StoreError;
use crate::protocol::PromptStatus;

impl Store {
    /// Delivery phase and history mark of an `assigned` prompt.
    pub fn delivery_state(&self, id: i64) -> Result<(Option<Phase>, Option<u64>), StoreError> {
        self.conn
            .prepare_cached("SELECT delivery_phase, history_mark FROM prompts WHERE id = ?1")
            .and_then(|mut s| {
                s.query_row([id], |r| {
                    Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<i64>>(1)?))
                })
            })
            .optional()
            .map_err(StoreError::sqlite("reading delivery state"))?
            .map(|(p, m)| (p.as_deref().and_then(Phase::parse), m.map(super::u64_from)))
            .ok_or(StoreError::NoSuchPrompt(id))
    }

    /// The pane the prompt last failed on, to avoid it on retry.
    pub fn last_pane(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT last_pane FROM prompts WHERE id = ?1")
            .and_then(|mut s| s.query_row([id], |r| r.get(0)))
            .map_err(StoreError::sqlite("reading last pane"))
    }

    /// The texts of the prompts most recently delivered, by pane, oldest
    /// first: what may still be echoed on those screens when the daemon
    /// starts again, so a quoted "esc to interrupt" or "Do you want to
    /// proceed?" is still known to be an echo and decides nothing.
    pub fn recent_texts(&self) -> Result<Vec<(String, String)>, StoreError> {
        const RECENT: u32 = 500;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT assigned_pane, content FROM (
                   SELECT id, assigned_pane, content FROM prompts
                   WHERE assigned_pane IS NOT NULL ORDER BY id DESC LIMIT ?1)
                 ORDER BY id",
            )
            .map_err(StoreError::sqlite("reading recent deliveries"))?;
        let rows = stmt
            .query_map([RECENT], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(StoreError::sqlite("reading recent deliveries"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading recent deliveries"))
    }
}

/// A prompt in flight (`assigned` or `in_progress`), as the engine
/// supervises it, including across a daemon restart.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    /// Prompt id.
    pub id: i64,
    /// Its status.
    pub status: PromptStatus,
    /// Pane it went to.
    pub pane: Option<String>,
    /// Session display name.
    pub session: Option<String>,
    /// Delivery phase reached.
    pub phase: Option<Phase>,
    /// Pane history size before the paste.
    pub mark: Option<u64>,
    /// Seconds since the agent started (in progress) or since the claim.
    pub elapsed_secs: f64,
    /// Per-prompt timeout.
    pub timeout_minutes: Option<u32>,
}

impl Store {
    /// Every prompt in flight, oldest first.
    pub fn in_flight(&self) -> Result<Vec<InFlight>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, status, assigned_pane, assigned_session, delivery_phase, history_mark,
                    (julianday('now') - julianday(coalesce(started_at, assigned_at, updated_at))) * 86400.0,
                    timeout_minutes
                 FROM prompts WHERE status IN ('assigned','in_progress') ORDER BY id",
            )
            .map_err(StoreError::sqlite("reading prompts in flight"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(InFlight {
                    id: r.get(0)?,
                    status: r
                        .get::<_, String>(1)?
                        .parse()
                        .unwrap_or(PromptStatus::Assigned),
                    pane: r.get(2)?,
                    session: r.get(3)?,
                    phase: r
                        .get::<_, Option<String>>(4)?
                        .as_deref()
                        .and_then(Phase::parse),
                    mark: r.get::<_, Option<i64>>(5)?.map(super::u64_from),
                    elapsed_secs: r.get::<_, Option<f64>>(6)?.unwrap_or(0.0).max(0.0),
                    timeout_minutes: r.get::<_, Option<i64>>(7)?.map(super::u32_from),
                })
            })
            .map_err(StoreError::sqlite("reading prompts in flight"))?;
        rows.collect::<Result<_, _>>()
            .map_err(StoreError::sqlite("reading prompts in flight"))
    }
}
