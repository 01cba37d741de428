//! Starting a delivery to the pane routing chose: re-checked on a fresh
//! capture (taken for all the panes of a round at once, `assign.rs`) and
//! claimed in the database before a single key is typed. A pane
//! that fails the re-check is set aside so the prompt can try the next best
//! one.

use std::time::Instant;

use tracing::{debug, info};

use super::Engine;
use super::deliver;
use super::job::Job;
use super::pane_job;
use super::panes::SetAside;
use super::prepare::{posix_only, prep_command};
use crate::detect::Prepare;
use crate::error::StoreError;
use crate::model::Queued;
use crate::model::{FailureKind, HistoryEvent};
use crate::protocol::SessionState;
use crate::store::Claim;
use crate::store::backend::Backend;

/// How an attempt to deliver to a routed pane ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Attempt {
    /// Delivery started, or there is nothing more to do for the prompt now.
    Handled,
    /// The pane was unfit after all and is set aside: route again.
    SetAside,
}

impl Engine {
    /// Claims the prompt and hands it to a delivery task, if the pane's
    /// state on a fresh capture (`seen`, `None` when it could not be read)
    /// is idle and its input box is clear.
    pub(super) fn start_delivery(
        &mut self,
        store: &mut dyn Backend,
        prompt: &Queued,
        pane: &str,
        seen: Option<SessionState>,
    ) -> Result<Attempt, StoreError> {
        if seen != Some(SessionState::Idle) {
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
        let dir = prompt.routing.working_dir.as_deref();
        let has_context = dir.is_some() || !prompt.env.is_empty() || !prompt.prereqs.is_empty();
        let prep = if shell {
            match prep_command(dir, &prompt.env, &prompt.prereqs)
                .and_then(|prep| posix_only(prep, &command))
            {
                Ok(prep) => prep,
                Err(why) => {
                    // Never typed: a name queued before names were checked,
                    // or a shell that would not understand the command.
                    info!(prompt_id = prompt.id, "cannot prepare its context: {why}");
                    store.fail(prompt.id, FailureKind::Unrunnable, &why)?;
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
            store.note(prompt.id, HistoryEvent::ContextSkipped, Some(&name), Some(&format!(
                "provider {provider} has no way to prepare working dir, env or prerequisites; delivered as is"
            )))?;
        }
        let text = store.prompt_text(prompt.id)?;
        let mut sent = Vec::new();
        if let Some(t) = self.panes.get_mut(pane) {
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
        let timeout = pane_job::timeout(prompt.timeout_minutes);
        self.run_task(job, timeout, None, deliver::run);
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
