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

/// What a prompt that was not delivered came to in a pass.
enum Verdict {
    /// Failed, or otherwise changed in the database.
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
    ///
    /// The pass goes in rounds: each routes every prompt still open to a
    /// pane of its own (`plan`), re-checks all the chosen panes at once,
    /// and starts the deliveries whose panes passed, in queue order, up to
    /// the first pane that failed: that prompt is routed again in the next
    /// round, before those after it, among the panes left. So a wave of
    /// prompts costs the server one round trip per round, not one per
    /// prompt, and a pane found unfit never lets a later prompt overtake
    /// an earlier one. Each round sets aside a pane or ends, so the rounds
    /// are bounded by the panes.
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
        let mut verdicts = Vec::new();
        let mut open = Vec::new();
        for (i, prompt) in pending.iter().enumerate() {
            match deps(store, prompt)? {
                Deps::Ready => {}
                Deps::Waiting(why) => {
                    verdicts.push((i, Verdict::Waits(why)));
                    continue;
                }
                Deps::Failed(why) => {
                    info!(prompt_id = prompt.id, "{why}");
                    store.fail(prompt.id, FailureKind::Unrunnable, &why)?;
                    moved = true;
                    continue;
                }
            }
            // Only an automatic retry records the pane it failed on.
            let last = if prompt.retry_count > 0 {
                store.last_pane(prompt.id)?
            } else {
                None
            };
            open.push(Open { index: i, last });
        }
        let waited = loop {
            let Round { plans, waited } = plan(&pending, &open, &candidates);
            if plans.is_empty() {
                break waited;
            }
            let panes: Vec<&str> = plans.iter().map(|(_, pane)| pane.as_str()).collect();
            let seen = self.inspect_all(&panes).await;
            for (i, pane) in plans {
                let prompt = &pending[i];
                let state = seen.get(&pane).copied().flatten();
                if self.start_delivery(store, prompt, &pane, state)? == Attempt::Handled {
                    self.missing_targets.found(prompt.id);
                    open.retain(|o| o.index != i);
                    moved = true;
                } else {
                    // A pane found unfit at the last check is tried again
                    // on the next pass, as it always was, even if nothing
                    // else changed.
                    self.queue.again();
                    // The prompts after it are not started: this one
                    // chooses first among the panes left, as the queue's
                    // order says, and theirs are checked again.
                    break;
                }
            }
            candidates = self.candidates();
        };
        for (i, wait) in waited {
            let verdict = self.wait_verdict(store, &pending[i], wait)?;
            verdicts.push((i, verdict));
        }
        for (i, verdict) in verdicts {
            let slot = &mut pending[i];
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

    /// What a prompt that found no pane in the last round comes to: it
    /// waits, for `waiting`'s reason or the server, or fails once its
    /// target has been missing too long.
    fn wait_verdict(
        &mut self,
        store: &mut dyn Backend,
        prompt: &Queued,
        waiting: Wait,
    ) -> Result<Verdict, StoreError> {
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

/// A prompt of the pass not yet delivered nor decided: its place in the
/// queue, and the pane its last attempt failed on.
struct Open {
    index: usize,
    last: Option<String>,
}

/// What one round decided: prompts (by their place in the queue) and the
/// pane each is to go to, and prompts and why they wait.
struct Round {
    plans: Vec<(usize, String)>,
    waited: Vec<(usize, Wait)>,
}

/// One round of a pass: each open prompt, in queue order, routed to a
/// pane no earlier prompt of the round took, or why it waits. Prompts
/// alike for routing that found no pane are routed once (`Waits`): the
/// candidates only shrink within a round.
fn plan(pending: &[Queued], open: &[Open], candidates: &[Candidate]) -> Round {
    let mut candidates = candidates.to_vec();
    let mut waits = Waits::new();
    let (mut plans, mut waited) = (Vec::new(), Vec::new());
    for o in open {
        let prompt = &pending[o.index];
        let key = RouteKey::new(prompt, o.last.as_deref());
        if let Some(wait) = waits.get(&key) {
            waited.push((o.index, wait.clone()));
            continue;
        }
        match route(prompt, &candidates, o.last.as_deref()) {
            Ok(pane) => {
                if let Some(c) = candidates.iter_mut().find(|c| c.pane == pane) {
                    c.available = false;
                }
                plans.push((o.index, pane));
            }
            Err(wait) => {
                waits.insert(key, wait.clone());
                waited.push((o.index, wait));
            }
        }
    }
    Round { plans, waited }
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
