//! What the engine needs of the queue's storage, as one trait. The SQLite
//! [`Store`] implements it; a second backend would implement the same
//! contract, with the same guarantees: each call is one transaction, and a
//! transition applies only from the statuses its table allows
//! (`transition.rs`), so a prompt in another status is refused with
//! [`StoreError::WrongStatus`] and nothing is written.
//!
//! The daemon's handlers, maintenance and start-up checks still use the
//! SQLite store itself: backups, salvage and `cleanup` are of its file.

use super::{Claim, InFlight, Phase, Requeue, SessionRow, Store, Version};
use crate::error::StoreError;
use crate::model::HistoryRow;
use crate::model::{FailureKind, HistoryEvent, Queued};
use crate::protocol::{NewPrompt, PromptStatus};

/// The queue and session storage the engine works on (ARCHITECTURE.md,
/// "One owner of state"). Each method is documented on [`Store`].
pub trait Backend: Send {
    /// A mark of the data, to tell whether anyone wrote since.
    fn version(&self) -> Result<Version, StoreError>;
    /// The prompts queued since `since`, or `None` when others wrote.
    fn queued_since(&self, since: Version) -> Result<Option<Vec<i64>>, StoreError>;
    /// Whether any prompt is pending.
    fn has_pending(&self) -> Result<bool, StoreError>;
    /// The pending prompts, highest priority then oldest.
    fn queue(&self) -> Result<Vec<Queued>, StoreError>;
    /// Prompt `id` as `queue` reads it, if it is pending.
    fn queued(&self, id: i64) -> Result<Option<Queued>, StoreError>;
    /// Prompt `id`'s text alone.
    fn prompt_text(&self, id: i64) -> Result<String, StoreError>;
    /// The status of each prompt `id` waits for.
    fn dependency_statuses(&self, id: i64) -> Result<Vec<(i64, PromptStatus)>, StoreError>;
    /// The prompts assigned or in progress.
    fn in_flight(&self) -> Result<Vec<InFlight>, StoreError>;
    /// The pane prompt `id` last ran on.
    fn last_pane(&self, id: i64) -> Result<Option<String>, StoreError>;
    /// Prompt `id`'s history, oldest first.
    fn history(&self, prompt: i64) -> Result<Vec<HistoryRow>, StoreError>;
    /// Texts recently typed, by pane.
    fn recent_texts(&self) -> Result<Vec<(String, String)>, StoreError>;
    /// The sessions recorded.
    fn sessions(&self) -> Result<Vec<SessionRow>, StoreError>;
    /// Queues a prompt; its id.
    fn insert_prompt(&mut self, p: &NewPrompt) -> Result<i64, StoreError>;
    /// `pending` → `assigned` to a pane.
    fn claim(&mut self, id: i64, claim: &Claim) -> Result<(), StoreError>;
    /// Records a delivery phase before its side effect.
    fn set_phase(&mut self, id: i64, phase: Phase, mark: Option<u64>) -> Result<(), StoreError>;
    /// `assigned` → `in_progress`.
    fn start(&mut self, id: i64, detail: &str) -> Result<(), StoreError>;
    /// → `completed`, with the response.
    fn complete(&mut self, id: i64, response: Option<&str>, detail: &str)
    -> Result<(), StoreError>;
    /// → `failed` for good.
    fn fail(&mut self, id: i64, kind: FailureKind, error: &str) -> Result<(), StoreError>;
    /// → `failed`, or `pending` again while retries are left; whether it
    /// was requeued.
    fn fail_and_maybe_retry(
        &mut self,
        id: i64,
        kind: FailureKind,
        error: &str,
        pane: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// Back to `pending` at no retry cost.
    fn requeue(&mut self, id: i64, why: Requeue, reason: &str) -> Result<(), StoreError>;
    /// `pending` → `cancelled`.
    fn cancel(&mut self, id: i64) -> Result<(), StoreError>;
    /// Why a pending prompt waits.
    fn set_waiting(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError>;
    /// A history row without a transition.
    fn note(
        &mut self,
        prompt: i64,
        event: HistoryEvent,
        session: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError>;
    /// Records a session as observed.
    fn upsert_session(&mut self, s: &SessionRow) -> Result<(), StoreError>;
    /// Forgets a session.
    fn remove_session(&mut self, pane: &str) -> Result<(), StoreError>;
}

impl Backend for Store {
    fn version(&self) -> Result<Version, StoreError> {
        Store::version(self)
    }
    fn queued_since(&self, since: Version) -> Result<Option<Vec<i64>>, StoreError> {
        Store::queued_since(self, since)
    }
    fn has_pending(&self) -> Result<bool, StoreError> {
        Store::has_pending(self)
    }
    fn queue(&self) -> Result<Vec<Queued>, StoreError> {
        Store::queue(self)
    }
    fn queued(&self, id: i64) -> Result<Option<Queued>, StoreError> {
        Store::queued(self, id)
    }
    fn prompt_text(&self, id: i64) -> Result<String, StoreError> {
        Store::prompt_text(self, id)
    }
    fn dependency_statuses(&self, id: i64) -> Result<Vec<(i64, PromptStatus)>, StoreError> {
        Store::dependency_statuses(self, id)
    }
    fn in_flight(&self) -> Result<Vec<InFlight>, StoreError> {
        Store::in_flight(self)
    }
    fn last_pane(&self, id: i64) -> Result<Option<String>, StoreError> {
        Store::last_pane(self, id)
    }
    fn history(&self, prompt: i64) -> Result<Vec<HistoryRow>, StoreError> {
        Store::history(self, prompt)
    }
    fn recent_texts(&self) -> Result<Vec<(String, String)>, StoreError> {
        Store::recent_texts(self)
    }
    fn sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        Store::sessions(self)
    }
    fn insert_prompt(&mut self, p: &NewPrompt) -> Result<i64, StoreError> {
        Store::insert_prompt(self, p)
    }
    fn claim(&mut self, id: i64, claim: &Claim) -> Result<(), StoreError> {
        Store::claim(self, id, claim)
    }
    fn set_phase(&mut self, id: i64, phase: Phase, mark: Option<u64>) -> Result<(), StoreError> {
        Store::set_phase(self, id, phase, mark)
    }
    fn start(&mut self, id: i64, detail: &str) -> Result<(), StoreError> {
        Store::start(self, id, detail)
    }
    fn complete(
        &mut self,
        id: i64,
        response: Option<&str>,
        detail: &str,
    ) -> Result<(), StoreError> {
        Store::complete(self, id, response, detail)
    }
    fn fail(&mut self, id: i64, kind: FailureKind, error: &str) -> Result<(), StoreError> {
        Store::fail(self, id, kind, error)
    }
    fn fail_and_maybe_retry(
        &mut self,
        id: i64,
        kind: FailureKind,
        error: &str,
        pane: Option<&str>,
    ) -> Result<bool, StoreError> {
        Store::fail_and_maybe_retry(self, id, kind, error, pane)
    }
    fn requeue(&mut self, id: i64, why: Requeue, reason: &str) -> Result<(), StoreError> {
        Store::requeue(self, id, why, reason)
    }
    fn cancel(&mut self, id: i64) -> Result<(), StoreError> {
        Store::cancel(self, id)
    }
    fn set_waiting(&mut self, id: i64, reason: Option<&str>) -> Result<(), StoreError> {
        Store::set_waiting(self, id, reason)
    }
    fn note(
        &mut self,
        prompt: i64,
        event: HistoryEvent,
        session: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        Store::note(self, prompt, event, session, detail)
    }
    fn upsert_session(&mut self, s: &SessionRow) -> Result<(), StoreError> {
        Store::upsert_session(self, s)
    }
    fn remove_session(&mut self, pane: &str) -> Result<(), StoreError> {
        Store::remove_session(self, pane)
    }
}
