//! Guarded status transitions. Each is one immediate transaction: an
//! `UPDATE … WHERE status IN (…)` plus a history row, so two racing callers
//! cannot both win and a crash never leaves a change without its history.

use rusqlite::{OptionalExtension, Transaction, params};

use super::history::append;
use super::{NOW, Store};
use crate::error::StoreError;
use crate::protocol::PromptStatus;

use PromptStatus::{Assigned, Cancelled, Failed, InProgress, Pending};

/// How far a delivery got, written before each side effect so that a
/// restart knows what may already have reached the pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Claimed for a pane; nothing typed yet (the paste may be under way).
    Claimed,
    /// The paste completed; Enter may or may not have been pressed.
    Pasted,
    /// Enter pressed and the agent reacted.
    Submitted,
}

impl Phase {
    /// Database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Claimed => "claimed",
            Self::Pasted => "pasted",
            Self::Submitted => "submitted",
        }
    }

    /// Parses the database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Claimed, Self::Pasted, Self::Submitted]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// Where a prompt is being delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Pane id (`%3`).
    pub pane: String,
    /// Display name of the session.
    pub session: String,
}

/// Columns reset whenever a prompt goes back to the queue.
pub(crate) const BACK_TO_QUEUE: &str = "status = 'pending', assigned_pane = NULL, assigned_session = NULL, \
     delivery_phase = NULL, history_mark = NULL, assigned_at = NULL, started_at = NULL, \
     finished_at = NULL, waiting_reason = NULL";

impl Store {
    /// Runs one guarded transition: `set` applies only while the prompt is
    /// in one of `from`; history gets `event` with `session`/`detail`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn transition(
        &mut self,
        id: i64,
        from: &[PromptStatus],
        action: &'static str,
        expected: &'static str,
        set: &str,
        args: &[&dyn rusqlite::ToSql],
        event: &str,
        session: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let tx = self.write_tx()?;
        guarded_update(&tx, id, from, action, expected, set, args)?;
        append(&tx, id, event, session, detail)?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a transition"))
    }

    /// `pending` → `cancelled`.
    pub fn cancel(&mut self, id: i64) -> Result<(), StoreError> {
        let set = format!("status = 'cancelled', finished_at = {NOW}, waiting_reason = NULL");
        self.transition(
            id,
            &[Pending],
            "cancel",
            "pending",
            &set,
            &[],
            "cancelled",
            None,
            None,
        )
    }

    /// `failed` or `cancelled` → `pending`, counting one retry.
    pub fn retry(&mut self, id: i64, why: &str) -> Result<(), StoreError> {
        let set = format!("{BACK_TO_QUEUE}, error = NULL, retry_count = retry_count + 1");
        self.transition(
            id,
            &[Failed, Cancelled],
            "retry",
            "failed or cancelled",
            &set,
            &[],
            "retried",
            None,
            Some(why),
        )
    }

    /// Every failed prompt still under its retry budget back to `pending`.
    pub fn retry_all_failed(&mut self) -> Result<Vec<i64>, StoreError> {
        let ids: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM prompts WHERE status = 'failed' AND retry_count < max_retries ORDER BY id")
                .map_err(StoreError::sqlite("selecting failed prompts"))?;
            let rows = stmt
                .query_map([], |r| r.get(0))
                .map_err(StoreError::sqlite("selecting failed prompts"))?;
            rows.collect::<Result<_, _>>()
                .map_err(StoreError::sqlite("selecting failed prompts"))?
        };
        for id in &ids {
            self.retry(*id, "retry --all")?;
        }
        Ok(ids)
    }

    /// `pending` or `failed` → `pending`, with a new target (or none).
    pub fn reassign(&mut self, id: i64, to: Option<&str>) -> Result<(), StoreError> {
        let set = format!("{BACK_TO_QUEUE}, error = NULL, target_session = ?1");
        let detail = to.map_or_else(
            || "to any matching session".to_owned(),
            |t| format!("to {t}"),
        );
        self.transition(
            id,
            &[Pending, Failed],
            "reassign",
            "pending or failed",
            &set,
            &[&to],
            "reassigned",
            to,
            Some(&detail),
        )
    }

    /// `pending` → `assigned` for one pane. Exactly one caller wins.
    pub fn claim(&mut self, id: i64, claim: &Claim) -> Result<(), StoreError> {
        let set = format!(
            "status = 'assigned', assigned_pane = ?1, assigned_session = ?2, delivery_phase = 'claimed', \
             assigned_at = {NOW}, waiting_reason = NULL, error = NULL"
        );
        let detail = format!("pane {}", claim.pane);
        self.transition(
            id,
            &[Pending],
            "claim",
            "pending",
            &set,
            &[&claim.pane, &claim.session],
            "assigned",
            Some(&claim.session),
            Some(&detail),
        )
    }

    /// Records delivery progress on an `assigned` prompt. `mark` is the
    /// pane's history size before the paste, for response capture.
    pub fn set_phase(
        &mut self,
        id: i64,
        phase: Phase,
        mark: Option<u64>,
    ) -> Result<(), StoreError> {
        let set = "delivery_phase = ?1, history_mark = coalesce(?2, history_mark)";
        let mark = mark.map(|m| m as i64);
        self.transition(
            id,
            &[Assigned],
            "record delivery progress",
            "assigned",
            set,
            &[&phase.as_str(), &mark],
            phase.as_str(),
            None,
            None,
        )
    }

    /// `assigned` → `in_progress`: the agent started working.
    pub fn start(&mut self, id: i64, detail: &str) -> Result<(), StoreError> {
        let set =
            format!("status = 'in_progress', delivery_phase = 'submitted', started_at = {NOW}");
        self.transition(
            id,
            &[Assigned],
            "start",
            "assigned",
            &set,
            &[],
            "started",
            None,
            Some(detail),
        )
    }

    /// `assigned`/`in_progress` → `completed`, storing the response.
    pub fn complete(
        &mut self,
        id: i64,
        response: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        let set = format!("status = 'completed', response = ?1, finished_at = {NOW}, error = NULL");
        self.transition(
            id,
            &[Assigned, InProgress],
            "complete",
            "assigned or in_progress",
            &set,
            &[&response],
            "completed",
            None,
            Some(detail),
        )
    }

    /// Any unfinished status → `failed` with `error`.
    pub fn fail(&mut self, id: i64, error: &str) -> Result<(), StoreError> {
        self.transition(
            id,
            &[Pending, Assigned, InProgress],
            "fail",
            "pending, assigned or in_progress",
            &failed_set(),
            &[&error],
            "failed",
            None,
            Some(error),
        )
    }

    /// Fails an in-flight prompt, then requeues it when retries remain,
    /// remembering the pane so the retry prefers another one. Returns
    /// whether it was requeued. One transaction: a crash in between must
    /// not leave a `failed` prompt that still had retries and is never
    /// retried.
    pub fn fail_and_maybe_retry(
        &mut self,
        id: i64,
        error: &str,
        pane: Option<&str>,
    ) -> Result<bool, StoreError> {
        let tx = self.write_tx()?;
        let budget: Option<(i64, i64)> = tx
            .query_row(
                "SELECT retry_count, max_retries FROM prompts WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(StoreError::sqlite("reading a prompt's retries"))?;
        let (count, max) = budget.ok_or(StoreError::NoSuchPrompt(id))?;
        guarded_update(
            &tx,
            id,
            &[Pending, Assigned, InProgress],
            "fail",
            "pending, assigned or in_progress",
            &failed_set(),
            &[&error],
        )?;
        append(&tx, id, "failed", None, Some(error))?;
        let retried = count < max;
        if retried {
            let set = format!("{BACK_TO_QUEUE}, retry_count = retry_count + 1, last_pane = ?1");
            let detail = format!("automatic retry {} of {max}", count + 1);
            guarded_update(&tx, id, &[Failed], "retry", "failed", &set, &[&pane])?;
            append(&tx, id, "retried", None, Some(&detail))?;
        }
        tx.commit()
            .map_err(StoreError::sqlite("committing a failure"))?;
        Ok(retried)
    }

    /// `assigned`/`in_progress` → `pending` without using a retry: the pane
    /// vanished or a last check failed, which is not the prompt's fault.
    pub fn requeue(&mut self, id: i64, event: &str, reason: &str) -> Result<(), StoreError> {
        self.transition(
            id,
            &[Assigned, InProgress],
            "requeue",
            "assigned or in_progress",
            BACK_TO_QUEUE,
            &[],
            event,
            None,
            Some(reason),
        )
    }

    /// Sets or clears why a pending prompt waits; no history (it changes as
    /// sessions come and go), but the reason shows in `show` and `prompts`.
    pub fn set_waiting(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE prompts SET waiting_reason = ?2 WHERE id = ?1 AND status = 'pending'
                 AND waiting_reason IS NOT ?2",
                params![id, reason],
            )
            .map_err(StoreError::sqlite("recording a waiting reason"))?;
        Ok(())
    }
}

/// The columns of a failure; `?1` is the error.
fn failed_set() -> String {
    format!("status = 'failed', error = ?1, finished_at = {NOW}, waiting_reason = NULL")
}

/// The guarded `UPDATE`; on no match, says whether the prompt is missing
/// or in the wrong status.
pub(super) fn guarded_update(
    tx: &Transaction<'_>,
    id: i64,
    from: &[PromptStatus],
    action: &'static str,
    expected: &'static str,
    set: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<(), StoreError> {
    let statuses = from
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",");
    let id_param = args.len() + 1;
    let sql = format!(
        "UPDATE prompts SET {set}, updated_at = {NOW} WHERE id = ?{id_param} AND status IN ({statuses})"
    );
    let mut all: Vec<&dyn rusqlite::ToSql> = args.to_vec();
    all.push(&id);
    let n = tx
        .execute(&sql, all.as_slice())
        .map_err(StoreError::sqlite("updating a prompt"))?;
    if n == 1 {
        return Ok(());
    }
    let status: Option<String> = tx
        .query_row("SELECT status FROM prompts WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()
        .map_err(StoreError::sqlite("reading a prompt's status"))?;
    match status {
        None => Err(StoreError::NoSuchPrompt(id)),
        Some(status) => Err(StoreError::WrongStatus {
            id,
            status,
            action,
            expected,
        }),
    }
}
