//! Supervise: delivery outcomes, completion (the agent idle again, debounced,
//! or a hook's `complete`), per-prompt timeouts, usage limits and response
//! capture.

use tracing::{info, warn};

use super::Engine;
use super::message::Outcome;
use super::pane_job::Watch;
use crate::error::{StoreError, ignore_wrong_status};
use crate::model::FailureKind;
use crate::protocol::SessionState;
use crate::store::Requeue;
use crate::store::backend::Backend;

impl Engine {
    /// A delivery task finished.
    pub(super) fn delivered(
        &mut self,
        store: &mut dyn Backend,
        id: i64,
        pane: &str,
        outcome: Outcome,
    ) -> Result<(), StoreError> {
        let Some((t, delivery)) = self
            .panes
            .get_mut(pane)
            .and_then(|t| t.job.delivered(id).map(|d| (t, d)))
        else {
            // The pane was retired meanwhile and the prompt requeued; it
            // may already be on its way elsewhere.
            info!(
                prompt_id = id,
                pane, "outcome of an abandoned delivery ignored: {outcome:?}"
            );
            return Ok(());
        };
        let session = t.pane.display_name();
        let mark = t.pane.history_size;
        match outcome {
            Outcome::Submitted { busy, enters } => {
                let detail = format!(
                    "{} after {enters} Enter press(es)",
                    if busy {
                        "agent working"
                    } else {
                        "input accepted"
                    }
                );
                match store.start(id, &detail) {
                    Ok(()) => {}
                    // A hook completed it before the verification ended.
                    Err(StoreError::WrongStatus { .. }) => return Ok(()),
                    Err(e) => return Err(e),
                }
                info!(prompt_id = id, session = %session, pane, "prompt submitted: {detail}");
                if let Some(t) = self.panes.get_mut(pane) {
                    t.job.run(Watch::after(&delivery, session, mark));
                    // The agent just took work: its pane is read at the next
                    // fast poll, so its state and the completion wait start
                    // from a screen after submission, not one from before.
                    t.captured_at = None;
                }
            }
            Outcome::NotDelivered(why) => {
                info!(
                    prompt_id = id,
                    pane, "not delivered, back in the queue: {why}"
                );
                ignore_wrong_status(store.requeue(id, Requeue::NotDelivered, &why))?;
            }
            Outcome::PaneGone => {
                let why = format!("{session} ({pane}) vanished during delivery");
                info!(prompt_id = id, pane, "{why}");
                ignore_wrong_status(store.requeue(id, Requeue::StaleSession, &why))?;
            }
            Outcome::Failed(why) => {
                warn!(prompt_id = id, session = %session, pane, "delivery failed: {why}");
                ignore_wrong_status(
                    store
                        .fail_and_maybe_retry(id, FailureKind::Delivery, &why, Some(pane))
                        .map(drop),
                )?;
            }
            Outcome::Unclear(why) => {
                warn!(prompt_id = id, session = %session, pane, "delivery failed, not retried: {why}");
                ignore_wrong_status(store.fail(id, FailureKind::MaybeDelivered, &why))?;
            }
        }
        Ok(())
    }

    /// Completion and timeouts of every prompt being watched.
    pub(super) async fn supervise(&mut self, store: &mut dyn Backend) -> Result<(), StoreError> {
        let completion = self.completion();
        let watched: Vec<(String, Watch)> = self
            .panes
            .iter()
            .filter_map(|(pane, t)| Some((pane.clone(), t.job.running()?.clone())))
            .collect();
        for (pane, w) in watched {
            let id = w.id;
            let Some(t) = self.panes.get(&pane) else {
                continue;
            };
            if let Some(limit) = w.timeout
                && w.submitted.elapsed() >= limit
            {
                // The agent may still be at work on it: interrupted, and
                // retried only if the pane then shows it let go of it.
                let why = format!("timed out after {} min", limit.as_secs() / 60);
                info!(prompt_id = id, session = %w.session, pane, "{why}; interrupting the agent");
                let (provider, sent) = (t.provider.clone(), t.sent.clone());
                let text = store.prompt_text(id)?;
                self.finish_watch(id);
                let job = self.job(id, &pane, provider, text, sent);
                self.run_task(job, w.timeout, w.mark, |job| {
                    super::deliver::time_out(job, why)
                });
                continue;
            }
            // Held as long as an idle agent must be before it counts as done:
            // a banner that flashes up while the agent retries is no stop.
            let limited_long = t.debounce.reported().is_some_and(|r| {
                r.state == SessionState::RateLimited && r.since.elapsed() >= completion
            });
            if limited_long
                && let Some(v) = &t.last_verdict
                && v.state == SessionState::RateLimited
                && !self
                    .profiles
                    .also_matched(&t.provider, v, SessionState::Busy)
            {
                // The agent stopped at its usage limit: the prompt is not at
                // fault, so it goes back to the queue without using a retry,
                // and this pane gets nothing more while the banner shows.
                let banner = v.lines.first().map_or("usage limit", |l| l.trim());
                let why = format!("{} stopped at a usage limit: {banner}", w.session);
                // Written first: a write that fails (a full disk) keeps the
                // watch, and the next step tries again.
                ignore_wrong_status(store.requeue(id, Requeue::RateLimited, &why))?;
                self.finish_watch(id);
                info!(prompt_id = id, session = %w.session, pane, "{why}; back in the queue");
                continue;
            }
            let idle_long = t
                .idle_since
                .is_some_and(|(since, _)| since.elapsed() >= completion);
            // A hook's word that the agent finished stands in for the wait
            // after submission, but the capture still waits for the screen
            // to be idle and stable: the agent may still be drawing its
            // answer when the hook runs (README, Agent hooks).
            let done = match w.hooked {
                None => idle_long && w.submitted.elapsed() >= completion,
                Some(at) => idle_long || at.elapsed() >= super::hook::HOOK_GRACE,
            };
            if done {
                let (provider, screen) = (t.provider.clone(), t.last_screen.clone());
                let response = self.response(&pane, &w).await;
                let detail = match w.hooked {
                    Some(_) => "reported by agent hook",
                    None => "agent idle again",
                };
                // The output since delivery, or the screen when an agent
                // redraws in place and that output is empty.
                let failed = [response.as_deref().unwrap_or(""), &screen]
                    .iter()
                    .find(|text| !text.trim().is_empty())
                    .and_then(|text| self.profiles.api_error(&provider, text));
                if let Some(line) = failed
                    .as_deref()
                    .filter(|l| crate::detect::is_rate_limit(l))
                {
                    let why = format!("{} stopped at a rate limit: {line}", w.session);
                    self.rate_limited(store, id, &pane, &why)?;
                    continue;
                }
                if let Some(line) = failed {
                    let why = format!("the agent's model API failed the prompt: {line}");
                    warn!(prompt_id = id, session = %w.session, pane, "{why}");
                    ignore_wrong_status(store.fail(id, FailureKind::Agent, &why))?;
                    self.finish_watch(id);
                    continue;
                }
                // Written before the watch ends: a write that fails (a full
                // disk) leaves the prompt watched, to be completed once the
                // database takes writes again, never forgotten in flight.
                ignore_wrong_status(store.complete(id, response.as_deref(), detail))?;
                if let Some(t) = self.panes.get_mut(&pane) {
                    t.completed += 1;
                    t.clearing = self
                        .pool_sessions
                        .get(&t.pane.session)
                        .is_some_and(|s| s.clear_between.is_some());
                }
                self.finish_watch(id);
                if let Some(t) = self.panes.get_mut(&pane) {
                    t.limit_strikes = 0;
                }
                info!(prompt_id = id, session = %w.session, pane, "prompt completed");
            }
        }
        Ok(())
    }

    /// Stops watching prompt `id`: its pane is free again.
    pub(super) fn finish_watch(&mut self, id: i64) {
        for t in self.panes.values_mut() {
            t.job.finish(id);
        }
        self.dirty = true;
    }

    /// The pane output since delivery, bounded to the configured size
    /// (keeping the end, where the agent's answer is).
    async fn response(&self, pane: &str, w: &Watch) -> Option<String> {
        let mark = w.mark?;
        let text = match self.io.capture_since(pane, mark).await {
            Ok(t) => t,
            Err(e) => {
                warn!(pane, "cannot capture the response: {e}");
                return None;
            }
        };
        Some(self.bounded(text))
    }

    /// `text` cut to the configured response size, keeping the end, where
    /// the agent's answer is.
    pub(super) fn bounded(&self, text: String) -> String {
        let max = self.delivery.max_response_bytes;
        if text.len() <= max {
            return text;
        }
        let mut cut = text.len() - max;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        format!("[… {cut} earlier bytes not kept]\n{}", &text[cut..])
    }
}
