//! Assign: pending prompts, highest priority first then oldest, each to the
//! best idle pane — re-checked on a fresh capture and claimed in the
//! database before a single key is typed.

use std::time::Instant;

use tracing::{debug, info};

use super::deliver::{self, Job};
use super::prepare::prep_command;
use super::route::{Candidate, Wait, route};
use super::{Engine, panes};
use crate::detect::Prepare;
use crate::error::StoreError;
use crate::protocol::{PromptInfo, PromptStatus, SessionState};
use crate::store::{Claim, Store};

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
                state: t.state(),
                excluded: t.excluded,
                working_dir: Some(t.pane.path.clone()).filter(|p| !p.is_empty()),
                branch: None,
                last_assigned: t.last_assigned,
            })
            .collect()
    }

    /// One assignment pass over the queue. A `full` pass also refreshes
    /// waiting reasons and deadlines; otherwise (a fast poll while work is
    /// in flight) the queue is read only when some pane is free.
    pub(super) async fn assign(&mut self, store: &mut Store, full: bool) -> Result<(), StoreError> {
        if !full && !self.panes.values().any(panes::Tracked::available) {
            return Ok(());
        }
        for prompt in store.prompts_in(PromptStatus::Pending)? {
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
            match route(&prompt, &self.candidates(), last.as_deref()) {
                Ok(pane) => self.start_delivery(store, &prompt, &pane).await?,
                Err(wait @ Wait::TargetMissing(_))
                    if store.waiting_secs(prompt.id)? >= self.target_wait.as_secs_f64() =>
                {
                    let why = wait.reason();
                    info!(
                        prompt_id = prompt.id,
                        "{why}; giving up after {} min",
                        self.target_wait.as_secs() / 60
                    );
                    store.fail(prompt.id, &why)?;
                }
                Err(_) if !self.reach.reachable => {
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
                Err(wait) => store.set_waiting(prompt.id, Some(&wait.reason()))?,
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
    ) -> Result<(), StoreError> {
        if self.inspect(pane).await != Some(SessionState::Idle) {
            debug!(
                prompt_id = prompt.id,
                pane, "pane no longer idle at the last check"
            );
            return Ok(());
        }
        let Some(t) = self.panes.get(pane) else {
            return Ok(());
        };
        let composer = self.profiles.composer_text(&t.provider, &t.last_screen);
        if composer.as_deref().is_some_and(|c| !c.trim().is_empty()) {
            store.set_waiting(
                prompt.id,
                Some(&format!(
                    "{} has unsent text in its input box",
                    t.pane.display_name()
                )),
            )?;
            return Ok(());
        }
        let (name, provider, mark) = (
            t.pane.display_name(),
            t.provider.clone(),
            t.pane.history_size,
        );
        let shell = self.profiles.get(&provider).prepare == Prepare::Shell;
        let has_context =
            prompt.working_dir.is_some() || !prompt.env.is_empty() || !prompt.prereqs.is_empty();
        let prep = if shell {
            match prep_command(prompt.working_dir.as_deref(), &prompt.env, &prompt.prereqs) {
                Ok(prep) => prep,
                Err(why) => {
                    // Queued before names were checked: never typed.
                    info!(prompt_id = prompt.id, "cannot prepare its context: {why}");
                    return store.fail(prompt.id, &why);
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
            Err(StoreError::WrongStatus { .. }) => return Ok(()),
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
            id: prompt.id,
            pane: pane.to_owned(),
            provider,
            text,
            sent,
            prep,
            mark,
            settle: std::time::Duration::from_millis(self.delivery.settle_ms),
            verify: std::time::Duration::from_millis(self.delivery.verify_ms),
            tmux: self.tmux.clone(),
            profiles: self.profiles.clone(),
            tx: self.tx.clone(),
        };
        tokio::spawn(deliver::run(job));
        Ok(())
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
