//! Repairs used by `cleanup`: guarded like every other transition, so a
//! repair that lost a race with the engine changes nothing, and each one
//! writes its history row in the same transaction.

use super::Store;
use super::history::append;
use super::transitions::{BACK_TO_QUEUE, guarded_update};
use crate::error::StoreError;
use crate::protocol::PromptStatus;

/// History event of a prompt taken back from a session that is gone.
pub const EVENT_STALE_SESSION: &str = "requeued-from-stale-session";
/// History event of a failed prompt whose target session was missing.
pub const EVENT_MISSING_TARGET: &str = "reset-missing-target";

impl Store {
    /// `failed` → `pending` with target and error cleared, without using a
    /// retry: the prompt failed only because its session did not exist.
    pub fn reset_missing_target(&mut self, id: i64, detail: &str) -> Result<(), StoreError> {
        let set = format!("{BACK_TO_QUEUE}, error = NULL, target_session = NULL");
        self.transition(
            id,
            &[PromptStatus::Failed],
            "reset",
            "failed",
            &set,
            &[],
            EVENT_MISSING_TARGET,
            None,
            Some(detail),
        )
    }

    /// Forgets a session whose pane is gone and, in the same transaction,
    /// returns the prompt it held to `pending` (no retry used). Returns
    /// whether the prompt was requeued: one that already finished is left
    /// as it is.
    pub fn drop_stale_session(
        &mut self,
        pane: &str,
        session: &str,
        prompt: Option<i64>,
        detail: &str,
    ) -> Result<bool, StoreError> {
        let tx = self.write_tx()?;
        let mut requeued = false;
        if let Some(id) = prompt {
            match guarded_update(
                &tx,
                id,
                &[PromptStatus::Assigned, PromptStatus::InProgress],
                "requeue",
                "assigned or in_progress",
                BACK_TO_QUEUE,
                &[],
            ) {
                Ok(()) => {
                    append(&tx, id, EVENT_STALE_SESSION, Some(session), Some(detail))?;
                    requeued = true;
                }
                Err(StoreError::WrongStatus { .. } | StoreError::NoSuchPrompt(_)) => {}
                Err(e) => return Err(e),
            }
        }
        tx.execute("DELETE FROM sessions WHERE pane_id = ?1", [pane])
            .map_err(StoreError::sqlite("removing a stale session"))?;
        tx.commit()
            .map_err(StoreError::sqlite("committing a stale-session removal"))?;
        Ok(requeued)
    }

    /// Deletes finished prompts older than the retention period; the
    /// automatic form of `clear --days N`.
    pub fn prune(&mut self, retention_days: u32) -> Result<u64, StoreError> {
        self.clear_finished(Some(retention_days))
    }
}
