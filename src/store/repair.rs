//! Repairs used by `cleanup`: guarded like every other transition, so a
//! repair that lost a race with the engine changes nothing, and each one
//! writes its history row in the same transaction.

use super::Store;
use super::transition::{self as t, Requeue, guarded};
use crate::error::StoreError;

impl Store {
    /// `failed` → `pending` with target and error cleared, without using a
    /// retry: the prompt failed only because its session did not exist.
    pub fn reset_missing_target(&mut self, id: i64, detail: &str) -> Result<(), StoreError> {
        self.apply(&t::RESET_MISSING_TARGET, id, &[], None, Some(detail))
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
            let stale = Requeue::StaleSession.transition();
            match guarded(&tx, stale, id, &[], Some(session), Some(detail)) {
                Ok(()) => requeued = true,
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
