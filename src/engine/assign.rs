//! Assign: pending prompts, highest priority first then oldest, each to the
//! best idle pane — re-checked on a fresh capture and claimed in the
//! database before a single key is typed (`start.rs`). A pane that fails
//! the re-check is set aside and the prompt tries the next best one, so a
//! single pane with a draft in its input box cannot stall the queue.

use std::collections::HashSet;
use std::time::Instant;

use tracing::info;

use super::Engine;
use super::queue::{PassInputs, RouteKey, Waits};
use super::start::Attempt;
use crate::detect::Prepare;
use crate::error::StoreError;
use crate::model::FailureKind;
use crate::model::Queued;
use crate::protocol::PromptStatus;
use crate::route::{Candidate, Wait, route};
use crate::store::backend::Backend;

/// What one prompt's turn in a pass came to.
enum Verdict {
    /// Claimed, failed or otherwise changed in the database.
    Moved,
    /// Still pending, for this reason.
    Waits(String),
}

/// What a prompt's dependencies allow.
enum Deps {
    Ready,
    Waiting(String),
    Failed(String),
}

impl Engine {
    fn candidates(&self) -> Vec<Candidate> {
        self.panes
            .values()
            .filter(|t| !t.pane.dead)
            .map(|t| Candidate {
                pane: t.pane.id.clone(),
                session: t.pane.session.clone(),
                name: t.pane.display_name(),
                provider: t.provider.clone(),
                available: t.available(),
                set_aside: t.unfit(),
                state: t.state(),
                excluded: t.excluded,
                working_dir: Some(t.pane.path.clone()).filter(|p| !p.is_empty()),
                branch: t.branch.clone(),
                last_assigned: t.last_assigned,
                line_by_line: self.profiles.get(&t.provider).prepare == Prepare::Shell,
            })
            .collect()
    }

    /// One assignment pass over the queue. A `full` pass also refreshes
    /// waiting reasons and deadlines; otherwise (a fast poll while work is
    /// in flight) the queue is read only when some pane is free. Either is
    /// skipped when it would repeat the last pass (`queue.rs`), so waiting
    /// prompts cost nothing while nothing changes.
    pub(super) async fn assign(
        &mut self,
        store: &mut dyn Backend,
        full: bool,
    ) -> Result<(), StoreError> {
        for t in self.panes.values_mut() {
            if t.set_aside.as_ref().is_some_and(|a| a.screen.is_none()) {
                t.set_aside = None;
            }
        }
        if !full
            && !self
                .panes
                .values()
                .any(|t| t.available() && t.unfit().is_none())
        {
            return Ok(());
        }
        let mut candidates = self.candidates();
        let inputs = PassInputs {
            version: store.version()?,
            candidates: candidates.clone(),
            reachable: self.reach.reachable,
            unreachable_why: self.reach.reason.clone(),
        };
        let deadline = self.missing_targets.deadline(self.target_wait);
        if self.queue.settled(&inputs, deadline) {
            return Ok(());
        }
        let mut pending = self.queue.take(store, inputs.version)?;
        let ids: HashSet<i64> = pending.iter().map(|p| p.id).collect();
        self.missing_targets.retain(&ids);
        if !self.reach.reachable {
            self.missing_targets.forget_all();
        }
        let mut moved = false;
        let mut waits = Waits::new();
        for slot in &mut pending {
            let verdict = self
                .assign_one(store, slot, &mut candidates, &mut waits)
                .await?;
            match verdict {
                Verdict::Moved => moved = true,
                Verdict::Waits(why) => {
                    // Unchanged reasons are not written again: a long
                    // queue would cost one statement per prompt per pass.
                    if slot.waiting_reason.as_deref() != Some(why.as_str()) {
                        store.set_waiting(slot.id, Some(&why))?;
                        slot.waiting_reason = Some(why);
                    }
                }
            }
        }
        self.queue.finish(store, pending, inputs, moved)
    }

    /// Routes one prompt and starts its delivery, or says why it waits.
    /// `candidates` is kept current with what each delivery attempt
    /// learned about the panes, and `waits` holds what routing said among
    /// them.
    async fn assign_one(
        &mut self,
        store: &mut dyn Backend,
        prompt: &Queued,
        candidates: &mut Vec<Candidate>,
        waits: &mut Waits,
    ) -> Result<Verdict, StoreError> {
        match deps(store, prompt)? {
            Deps::Ready => {}
            Deps::Waiting(why) => return Ok(Verdict::Waits(why)),
            Deps::Failed(why) => {
                info!(prompt_id = prompt.id, "{why}");
                store.fail(prompt.id, FailureKind::Unrunnable, &why)?;
                return Ok(Verdict::Moved);
            }
        }
        // Only an automatic retry records the pane it failed on.
        let last = if prompt.retry_count > 0 {
            store.last_pane(prompt.id)?
        } else {
            None
        };
        let key = RouteKey::new(prompt, last.as_deref());
        // Each round sets a pane aside or ends: bounded by the panes.
        let waiting = loop {
            if let Some(wait) = waits.get(&key) {
                break wait.clone();
            }
            let pane = match route(prompt, candidates, last.as_deref()) {
                Ok(pane) => pane,
                Err(wait) => {
                    waits.insert(key, wait.clone());
                    break wait;
                }
            };
            let attempt = self.start_delivery(store, prompt, &pane).await?;
            *candidates = self.candidates();
            waits.clear();
            if attempt == Attempt::Handled {
                self.missing_targets.found(prompt.id);
                return Ok(Verdict::Moved);
            }
            // A pane found unfit at the last check is tried again on the
            // next pass, as it always was, even if nothing else changed.
            self.queue.again();
        };
        if !matches!(waiting, Wait::TargetMissing(_)) {
            self.missing_targets.found(prompt.id);
        }
        Ok(match waiting {
            // Without a server no session can be seen: not a missing
            // target, whatever routing concluded.
            _ if !self.reach.reachable => {
                let why = self
                    .reach
                    .reason
                    .clone()
                    .unwrap_or_else(|| "tmux server not reachable".into());
                Verdict::Waits(format!("waiting for a tmux session: {why}"))
            }
            wait @ Wait::TargetMissing(_)
                if self.missing_targets.missing(prompt.id, Instant::now()) >= self.target_wait =>
            {
                let why = wait.reason();
                info!(
                    prompt_id = prompt.id,
                    "{why}; giving up after {} min",
                    self.target_wait.as_secs() / 60
                );
                store.fail(prompt.id, FailureKind::MissingTarget, &why)?;
                Verdict::Moved
            }
            wait => Verdict::Waits(wait.reason()),
        })
    }
}

fn deps(store: &dyn Backend, prompt: &Queued) -> Result<Deps, StoreError> {
    if prompt.after.is_empty() {
        return Ok(Deps::Ready);
    }
    let mut waiting = Vec::new();
    for (dep, status) in store.dependency_statuses(prompt.id)? {
        match status {
            PromptStatus::Completed => {}
            PromptStatus::Failed | PromptStatus::Cancelled => {
                return Ok(Deps::Failed(format!("dependency prompt {dep} {status}")));
            }
            _ => waiting.push(dep.to_string()),
        }
    }
    Ok(if waiting.is_empty() {
        Deps::Ready
    } else {
        Deps::Waiting(format!(
            "waiting for prompt {} to complete",
            waiting.join(", ")
        ))
    })
}
