//! Assign: pending prompts, highest priority first then oldest, each to the
//! best idle pane — re-checked on a fresh capture and claimed in the
//! database before a single key is typed. A pane that fails the re-check is
//! set aside and the prompt tries the next best one, so a single pane with
//! a draft in its input box cannot stall the queue.

use std::time::Instant;

use tracing::{debug, info};

use super::Engine;
use super::deliver::{self, Job};
use super::panes::SetAside;
use super::prepare::{posix_only, prep_command};
use crate::detect::Prepare;
use crate::error::StoreError;
use crate::protocol::{PromptInfo, PromptStatus, SessionState};
use crate::route::{Candidate, Wait, route};
use crate::store::{Claim, Store};

/// How an attempt to deliver to a routed pane ended.
#[derive(Debug, PartialEq, Eq)]
enum Attempt {
    /// Delivery started, or there is nothing more to do for the prompt now.
    Handled,
    /// The pane was unfit after all and is set aside: route again.
    SetAside,
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
    /// in flight) the queue is read only when some pane is free.
    pub(super) async fn assign(&mut self, store: &mut Store, full: bool) -> Result<(), StoreError> {
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
        let pending = store.prompts_in(PromptStatus::Pending)?;
        let ids: Vec<i64> = pending.iter().map(|p| p.id).collect();
        self.missing_targets.retain(&ids);
        if !self.reach.reachable {
            self.missing_targets.forget_all();
        }
        // The queue is read without the texts; routing needs one only to
        // keep a multi-line prompt from a shell pane.
        let shells = self.candidates().iter().any(|c| c.line_by_line);
        for mut prompt in pending {
            if shells {
                prompt.text = store.prompt(prompt.id)?.text;
            }
            match deps(store, &prompt)? {
                Deps::Ready => {}
                Deps::Waiting(why) => {
                    store.set_waiting(prompt.id, Some(&why))?;
                    continue;
                }
                Deps::Failed(why) => {
                    info!(prompt_id = prompt.id, "{why}");
                    store.fail(prompt.id, &why)?;
                    continue;
                }
            }
            let last = store.last_pane(prompt.id)?;
            // Each round sets a pane aside or ends: bounded by the panes.
            let waiting = loop {
                let pane = match route(&prompt, &self.candidates(), last.as_deref()) {
                    Ok(pane) => pane,
                    Err(wait) => break Some(wait),
                };
                if self.start_delivery(store, &prompt, &pane).await? == Attempt::Handled {
                    break None;
                }
            };
            if !matches!(waiting, Some(Wait::TargetMissing(_))) {
                self.missing_targets.found(prompt.id);
            }
            let Some(wait) = waiting else { continue };
            match wait {
                // Without a server no session can be seen: not a missing
                // target, whatever routing concluded.
                _ if !self.reach.reachable => {
                    let why = self
                        .reach
                        .reason
                        .clone()
                        .unwrap_or_else(|| "tmux server not reachable".into());
                    store.set_waiting(
                        prompt.id,
                        Some(&format!("waiting for a tmux session: {why}")),
                    )?;
                }
                wait @ Wait::TargetMissing(_)
                    if self.missing_targets.missing(prompt.id, Instant::now())
                        >= self.target_wait =>
                {
                    let why = wait.reason();
                    info!(
                        prompt_id = prompt.id,
                        "{why}; giving up after {} min",
                        self.target_wait.as_secs() / 60
                    );
                    store.fail(prompt.id, &why)?;
                }
                wait => store.set_waiting(prompt.id, Some(&wait.reason()))?,
            }
        }
        Ok(())
    }

    /// Re-checks the pane on a fresh capture, claims the prompt, and hands
    /// it to a delivery task.
    async fn start_delivery(
        &mut self,
        store: &mut Store,
        prompt: &PromptInfo,
        pane: &str,
    ) -> Result<Attempt, StoreError> {
        if self.inspect(pane).await != Some(SessionState::Idle) {
            debug!(
                prompt_id = prompt.id,
                pane, "pane no longer idle at the last check"
            );
            self.set_aside(pane, "was not idle at the last check", false);
            return Ok(Attempt::SetAside);
        }
        let Some(t) = self.panes.get(pane) else {
            return Ok(Attempt::Handled);
        };
        if let Some(why) = self.input_not_clear(t) {
            info!(session = %t.pane.display_name(), pane, "{why}: no prompts until it changes");
            self.set_aside(pane, why, true);
            return Ok(Attempt::SetAside);
        }
        let (name, provider, mark, command) = (
            t.pane.display_name(),
            t.provider.clone(),
            t.pane.history_size,
            t.pane.command.clone(),
        );
        let shell = self.profiles.get(&provider).prepare == Prepare::Shell;
        let has_context =
            prompt.working_dir.is_some() || !prompt.env.is_empty() || !prompt.prereqs.is_empty();
        let prep = if shell {
            match prep_command(prompt.working_dir.as_deref(), &prompt.env, &prompt.prereqs)
                .and_then(|prep| posix_only(prep, &command))
            {
                Ok(prep) => prep,
                Err(why) => {
                    // Never typed: a name queued before names were checked,
                    // or a shell that would not understand the command.
                    info!(prompt_id = prompt.id, "cannot prepare its context: {why}");
                    store.fail(prompt.id, &why)?;
                    return Ok(Attempt::Handled);
                }
            }
        } else {
            None
        };
        let claim = Claim {
            pane: pane.to_owned(),
            session: name.clone(),
        };
        match store.claim(prompt.id, &claim) {
            Ok(()) => {}
            Err(StoreError::WrongStatus { .. }) => return Ok(Attempt::Handled),
            Err(e) => return Err(e),
        }
        if has_context && !shell {
            store.note(prompt.id, "context-skipped", Some(&name), Some(&format!(
                "provider {provider} has no way to prepare working dir, env or prerequisites; delivered as is"
            )))?;
        }
        let text = store.prompt(prompt.id)?.text;
        let mut sent = Vec::new();
        if let Some(t) = self.panes.get_mut(pane) {
            t.delivering = Some(prompt.id);
            t.remember_sent(&text);
            sent.clone_from(&t.sent);
            t.last_assigned = Some(Instant::now());
        }
        info!(prompt_id = prompt.id, session = %name, pane, provider = %provider, "delivering");
        let job = Job {
            prep,
            mark,
            ..self.job(prompt.id, pane, provider, text, sent)
        };
        self.run_task(job, deliver::run);
        Ok(Attempt::Handled)
    }

    /// Why a prompt may not be pasted into `t` now, though it looks idle:
    /// a paste must land in an input box seen empty, never on top of
    /// earlier text, which the agent would submit with it as one prompt.
    fn input_not_clear(&self, t: &super::panes::Tracked) -> Option<&'static str> {
        let (provider, screen) = (&t.provider, &t.last_screen);
        match self.profiles.composer_text(provider, screen) {
            Some(c) if !c.trim().is_empty() => Some("has unsent text in its input box"),
            None if self.profiles.get(provider).composer.is_some() => {
                Some("shows no input box to check")
            }
            _ if self.profiles.shows_unsent_below(provider, screen, &t.sent) => {
                Some("shows an earlier prompt below its input box, unsubmitted")
            }
            _ => None,
        }
    }

    /// Passes `pane` over for the rest of this pass, or (`until_redrawn`)
    /// until its screen changes.
    fn set_aside(&mut self, pane: &str, why: &str, until_redrawn: bool) {
        if let Some(t) = self.panes.get_mut(pane) {
            t.set_aside = Some(SetAside {
                why: why.to_owned(),
                screen: until_redrawn.then_some(t.fingerprint),
            });
        }
    }
}

fn deps(store: &Store, prompt: &PromptInfo) -> Result<Deps, StoreError> {
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
