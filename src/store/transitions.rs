//! The store's status changes, each one row of the transition table
//! (`transition.rs`) applied to one prompt.

use rusqlite::OptionalExtension;

use super::Store;
use super::transition::{self as t, Requeue, guarded};
use crate::error::StoreError;
use crate::model::{FailureKind, Phase};

/// Where a prompt is being delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Pane id (`%3`).
    pub pane: String,
    /// Display name of the session.
    pub session: String,
}

impl Store {
    /// `pending` → `cancelled`.
    pub fn cancel(&mut self, id: i64) -> Result<(), StoreError> {
        self.apply(&t::CANCEL, id, &[], None, None)
    }

    /// `failed` or `cancelled` → `pending`, counting one retry.
    pub fn retry(&mut self, id: i64, why: &str) -> Result<(), StoreError> {
        self.apply(&t::RETRY, id, &[], None, Some(why))
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
        let detail = to.map_or_else(
            || "to any matching session".to_owned(),
            |t| format!("to {t}"),
        );
        self.apply(&t::REASSIGN, id, &[&to], to, Some(&detail))
    }

    /// `pending` → `assigned` for one pane. Exactly one caller wins.
    pub fn claim(&mut self, id: i64, claim: &Claim) -> Result<(), StoreError> {
        let detail = format!("pane {}", claim.pane);
        self.apply(
            &t::CLAIM,
            id,
            &[&claim.pane, &claim.session],
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
        let row = match phase {
            Phase::Claimed => &t::RECORD_CLAIMED,
            Phase::Pasted => &t::RECORD_PASTED,
            Phase::Submitted => &t::RECORD_SUBMITTED,
        };
        let mark = mark.map(super::i64_from);
        self.apply(row, id, &[&phase.as_str(), &mark], None, None)
    }

    /// `assigned` → `in_progress`: the agent started working.
    pub fn start(&mut self, id: i64, detail: &str) -> Result<(), StoreError> {
        self.apply(&t::START, id, &[], None, Some(detail))
    }

    /// `assigned`/`in_progress` → `completed`, storing the response.
    pub fn complete(
        &mut self,
        id: i64,
        response: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.apply(&t::COMPLETE, id, &[&response], None, Some(detail))
    }

    /// Any unfinished status → `failed` with `error`, of `kind`.
    pub fn fail(&mut self, id: i64, kind: FailureKind, error: &str) -> Result<(), StoreError> {
        self.apply(&t::FAIL, id, &[&error, &kind.as_str()], None, Some(error))
    }

    /// Fails an in-flight prompt, then requeues it when retries remain,
    /// remembering the pane so the retry prefers another one. Returns
    /// whether it was requeued. One transaction: a crash in between must
    /// not leave a `failed` prompt that still had retries and is never
    /// retried.
    pub fn fail_and_maybe_retry(
        &mut self,
        id: i64,
        kind: FailureKind,
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
        guarded(
            &tx,
            &t::FAIL,
            id,
            &[&error, &kind.as_str()],
            None,
            Some(error),
        )?;
        let retried = count < max;
        if retried {
            let detail = format!("automatic retry {} of {max}", count + 1);
            guarded(&tx, &t::AUTO_RETRY, id, &[&pane], None, Some(&detail))?;
        }
        tx.commit()
            .map_err(StoreError::sqlite("committing a failure"))?;
        Ok(retried)
    }

    /// `assigned`/`in_progress` → `pending` without using a retry, for
    /// `why` (none of which is the prompt's fault), with `reason` in its
    /// history.
    pub fn requeue(&mut self, id: i64, why: Requeue, reason: &str) -> Result<(), StoreError> {
        self.apply(why.transition(), id, &[], None, Some(reason))
    }

    /// Sets or clears why a pending prompt waits; no history (it changes as
    /// sessions come and go), but the reason shows in `show` and `prompts`.
    pub fn set_waiting(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE prompts SET waiting_reason = ?2 WHERE id = ?1 AND status = 'pending'
                 AND waiting_reason IS NOT ?2",
                rusqlite::params![id, reason],
            )
            .map_err(StoreError::sqlite("recording a waiting reason"))?;
        Ok(())
    }
}
