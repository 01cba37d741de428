//! `assignerctl complete`: an agent hook reports that its turn ended, with
//! the answer it was handed, or a failure (README, Agent hooks).
//!
//! A hook can run before the daemon has seen the agent take the prompt: the
//! delivery task may still be waiting for the screen to react. The report
//! settles the prompt, and the task is stopped first, so that it presses no
//! rescue Enter into an agent that is done and records no second outcome.

use std::time::{Duration, Instant};

use tracing::info;

use super::Engine;
use super::pane_job::{self, Watch};
use super::report::Report;
use crate::error::{EngineError, StoreError, ignore_wrong_status};
use crate::model::FailureKind;
use crate::protocol::{Failure, PromptStatus};
use crate::store::backend::Backend;
use crate::store::{InFlight, Phase};

/// How long a hook's report without an answer waits for the pane to show
/// the agent idle and stable before the screen is captured as it is: an
/// agent whose idle screen is not recognised must still complete.
pub(super) const HOOK_GRACE: Duration = Duration::from_secs(30);

/// How long a pane whose agent reported a failure gets no prompt: the same
/// pane should not take the next attempt at once, while another can. A
/// rate limit waits as `limit.rs` says.
pub(super) const REST_AFTER_FAILURE: Duration = Duration::from_secs(60);

impl Engine {
    /// `complete`: settles the prompt in flight on `pane`, `session` or
    /// with `id` as the hook reported; the prompt's id.
    pub async fn complete(
        &mut self,
        store: &mut dyn Backend,
        pane: Option<&str>,
        session: Option<&str>,
        id: Option<i64>,
        report: Report,
    ) -> Result<i64, EngineError> {
        let f = find(store, pane, session, id)?;
        let id = f.id;
        if f.status == PromptStatus::Assigned && matches!(f.phase, None | Some(Phase::Claimed)) {
            // Nothing of it is in the pane yet: the hook speaks of an
            // earlier turn, and the delivery goes on.
            return Err(EngineError::Conflict(format!(
                "prompt {id} is not typed into its pane yet; this report is not about it"
            )));
        }
        let pane = f.pane.clone().unwrap_or_default();
        self.stop_delivery(&pane, id);
        let Report { response, error } = report;
        let outcome = match (error, response) {
            (Some((why, failure)), _) => self.failed(store, id, &pane, &why, failure),
            (None, Some(text)) => {
                let text = self.bounded(text);
                self.finish_watch(id);
                let done = store.complete(id, Some(&text), "reported by agent hook");
                if done.is_ok() {
                    info!(
                        prompt_id = id,
                        pane, "agent hook reported completion with its answer"
                    );
                }
                done
            }
            (None, None) => self.complete_when_idle(store, &f),
        };
        if outcome.is_err() {
            // The report could not be written (a full disk): the prompt is
            // neither watched nor being delivered any more, so the next
            // step resolves it from its pane, as after a restart.
            self.recovered = false;
        }
        outcome?;
        Ok(id)
    }

    /// Stops the task still typing or verifying prompt `id` on `pane`.
    fn stop_delivery(&mut self, pane: &str, id: i64) {
        if let Some(t) = self.panes.get_mut(pane)
            && t.job.stop(id).is_some()
        {
            info!(
                prompt_id = id,
                pane, "delivery check ended by the agent hook's report"
            );
        }
    }

    /// The agent's turn failed: see [`Failure`] for what follows; the pane
    /// rests in any case but a final failure, which no pane would fix.
    fn failed(
        &mut self,
        store: &mut dyn Backend,
        id: i64,
        pane: &str,
        why: &str,
        failure: Option<Failure>,
    ) -> Result<(), StoreError> {
        self.finish_watch(id);
        let why = format!("agent hook reported a failure: {why}");
        match failure {
            Some(Failure::Final) => store.fail(id, FailureKind::Agent, &why)?,
            Some(Failure::RateLimit) => {
                // The watch is already over; the requeue is written here.
                self.rate_limited(store, id, pane, &why)?;
            }
            None => {
                store.fail_and_maybe_retry(
                    id,
                    FailureKind::Agent,
                    &why,
                    Some(pane).filter(|p| !p.is_empty()),
                )?;
                self.rest(pane, "its agent reported a failure");
            }
        }
        info!(prompt_id = id, pane, "{why}");
        Ok(())
    }

    /// Routing passes `pane` over for [`REST_AFTER_FAILURE`].
    fn rest(&mut self, pane: &str, why: &str) {
        if let Some(t) = self.panes.get_mut(pane) {
            let secs = REST_AFTER_FAILURE.as_secs();
            t.resting = Some((
                Instant::now() + REST_AFTER_FAILURE,
                format!("{why}; no prompt for {secs} s"),
            ));
        }
        self.dirty = true;
    }

    /// The hook gave no answer: the prompt completes by the screen, once
    /// the agent is idle and stable, so that the capture holds the answer.
    fn complete_when_idle(
        &mut self,
        store: &mut dyn Backend,
        f: &InFlight,
    ) -> Result<(), StoreError> {
        let now = Instant::now();
        if let Some(w) = self
            .panes
            .values_mut()
            .find_map(|t| t.job.running_mut().filter(|w| w.id == f.id))
        {
            w.hooked.get_or_insert(now);
            return Ok(());
        }
        let pane = f.pane.clone().unwrap_or_default();
        if f.status == PromptStatus::Assigned {
            ignore_wrong_status(store.start(f.id, "the agent hook reported it finished"))?;
        }
        self.dirty = true;
        let Some(t) = self.panes.get_mut(&pane) else {
            // Its pane is not tracked (the report came before the first
            // scan): the next step resolves it from its pane, as after a
            // restart.
            self.recovered = false;
            return Ok(());
        };
        // `f` was read with the report: its timeout and the mark the paste
        // recorded are those of the store.
        t.job.run(Watch {
            id: f.id,
            session: t.pane.display_name(),
            submitted: now,
            mark: f.mark,
            timeout: pane_job::timeout(f.timeout_minutes),
            hooked: Some(now),
        });
        Ok(())
    }
}

/// The prompt in flight that the report names.
fn find(
    store: &dyn Backend,
    pane: Option<&str>,
    session: Option<&str>,
    id: Option<i64>,
) -> Result<InFlight, EngineError> {
    let flights = store.in_flight()?;
    let found = flights.into_iter().find(|f| match (id, pane, session) {
        (Some(id), _, _) => f.id == id,
        (None, Some(p), _) => f.pane.as_deref() == Some(p),
        (None, None, Some(s)) => f.session.as_deref() == Some(s),
        _ => false,
    });
    found.ok_or_else(|| {
        let what = match (id, pane, session) {
            (Some(id), _, _) => format!("prompt {id} is not in flight"),
            (None, Some(p), _) => format!("no prompt is in flight on pane {p}"),
            (None, None, Some(s)) => format!("no prompt is in flight on session {s}"),
            _ => "complete needs an id, a pane or a session".into(),
        };
        EngineError::NotFound(what)
    })
}
