//! Restart recovery: prompts that were in flight when the daemon (or the
//! tmux server) went away are resolved by looking at their pane — never
//! resent blindly, never silently dropped.

use std::time::{Duration, Instant};

use tracing::{info, warn};

use super::Engine;
use super::pane_job::{self, Watch};
use crate::detect::{SentText, composer_holds};
use crate::error::StoreError;
use crate::model::{FailureKind, HistoryEvent};
use crate::protocol::{MAYBE_DELIVERED, PromptStatus, SessionState};
use crate::store::backend::Backend;
use crate::store::{InFlight, Phase, Requeue};

/// How often [`Engine::judge_held`] reads the pane again.
const HELD_POLL: Duration = Duration::from_millis(100);

/// What the pane says about an interrupted delivery.
enum Verdict {
    /// Our text sits in the input box: press Enter.
    InComposer,
    /// The agent took it (working, dialog, or box emptied after a paste).
    Submitted(&'static str),
    /// Nothing of ours reached the pane.
    NothingTyped,
    /// Cannot tell.
    Unclear(String),
}

impl Engine {
    /// Resolves every prompt left in flight by an earlier run.
    pub(super) async fn recover(&mut self, store: &mut dyn Backend) -> Result<(), StoreError> {
        for f in store.in_flight()? {
            if self.panes.values().any(|t| t.job.prompt() == Some(f.id)) {
                continue;
            }
            if f.status == PromptStatus::Assigned
                && f.phase != Some(Phase::Pasted)
                && preparation_started(store, f.id)?
            {
                // Typing the preparation again would run the prerequisites
                // twice; the pane (if it is still there) cannot say how far
                // they got.
                let msg = format!(
                    "delivery interrupted by a restart during context preparation in {}: \
                     the shell may have run its preparation, which is never run twice, \
                     and {MAYBE_DELIVERED}",
                    f.pane.as_deref().unwrap_or("(none)")
                );
                warn!(prompt_id = f.id, "{msg}");
                store.fail(f.id, FailureKind::MaybeDelivered, &msg)?;
                let text = store.prompt_text(f.id)?;
                self.clear_unsent(&f, &text).await;
                continue;
            }
            let Some(pane) = f.pane.clone().filter(|p| self.alive(p)) else {
                let why = format!(
                    "its pane {} is gone after a restart",
                    f.pane.as_deref().unwrap_or("(none)")
                );
                info!(prompt_id = f.id, "back in the queue: {why}");
                store.requeue(f.id, Requeue::StaleSession, &why)?;
                continue;
            };
            let text = store.prompt_text(f.id)?;
            if let Some(t) = self.panes.get_mut(&pane) {
                t.remember_sent(&text);
            }
            if f.status == PromptStatus::InProgress {
                self.resume_watch(&f, &pane);
                continue;
            }
            let verdict = match self.judge_held(&pane, f.phase, &text).await {
                Verdict::InComposer => match self.enter_held(&pane, &text).await {
                    Verdict::Submitted(how) => {
                        let how = format!(
                            "delivery interrupted between paste and Enter; pressed Enter ({how})"
                        );
                        store.note(
                            f.id,
                            HistoryEvent::Recovered,
                            f.session.as_deref(),
                            Some(&how),
                        )?;
                        store.start(f.id, "submitted during recovery")?;
                        self.resume_watch(&f, &pane);
                        continue;
                    }
                    Verdict::Unclear(why) => Verdict::Unclear(why),
                    _ => Verdict::Unclear(format!(
                        "after Enter nothing in {pane} shows the prompt was submitted"
                    )),
                },
                other => other,
            };
            match verdict {
                Verdict::Submitted(how) => {
                    store.note(
                        f.id,
                        HistoryEvent::Recovered,
                        f.session.as_deref(),
                        Some(&format!("delivery interrupted after submission ({how})")),
                    )?;
                    store.start(f.id, "submitted before the restart")?;
                    self.resume_watch(&f, &pane);
                }
                Verdict::NothingTyped => {
                    info!(
                        prompt_id = f.id,
                        "interrupted before anything was typed; back in the queue"
                    );
                    store.requeue(
                        f.id,
                        Requeue::NotDelivered,
                        "delivery interrupted by a restart before anything was typed",
                    )?;
                }
                // Answered by `enter_held` above; kept whole for the type.
                Verdict::InComposer => {
                    let msg = format!(
                        "delivery interrupted by a restart and its text is in the input box \
                         of {pane}: {MAYBE_DELIVERED}"
                    );
                    warn!(prompt_id = f.id, "{msg}");
                    store.fail(f.id, FailureKind::MaybeDelivered, &msg)?;
                }
                Verdict::Unclear(why) => {
                    let msg =
                        format!("delivery interrupted by a restart and {why}: {MAYBE_DELIVERED}");
                    warn!(prompt_id = f.id, "{msg}");
                    store.fail(f.id, FailureKind::MaybeDelivered, &msg)?;
                }
            }
        }
        Ok(())
    }

    /// A pane that is still there and was not found stale at start.
    fn alive(&self, pane: &str) -> bool {
        self.panes.contains_key(pane) && !self.stale_at_start.contains(pane)
    }

    /// Clears the failed prompt's text from the input line of its pane
    /// when it waits there unsent: pasted after the preparation, just
    /// before the restart. Left there, it keeps the pane from reading idle
    /// and every later prompt out of it.
    async fn clear_unsent(&mut self, f: &InFlight, text: &str) {
        let Some(pane) = f.pane.clone().filter(|p| self.alive(p)) else {
            return;
        };
        if matches!(
            self.judge(&pane, Some(Phase::Claimed), text).await,
            Verdict::InComposer
        ) && let Err(e) = self.io.send_keys(&pane, &["C-u"]).await
        {
            warn!(prompt_id = f.id, "clearing its unsent text failed: {e}");
        }
    }

    /// Watches prompt `f`, which the agent on `pane` has, as if it had
    /// been delivered in this run: its timeout counts from its start.
    fn resume_watch(&mut self, f: &InFlight, pane: &str) {
        let elapsed = Duration::from_secs_f64(f.elapsed_secs);
        let submitted = Instant::now()
            .checked_sub(elapsed)
            .unwrap_or_else(Instant::now);
        let session = f.session.clone().unwrap_or_else(|| pane.to_owned());
        if let Some(t) = self.panes.get_mut(pane) {
            t.job.run(Watch {
                id: f.id,
                session,
                submitted,
                mark: f.mark,
                timeout: pane_job::timeout(f.timeout_minutes),
                hooked: None,
            });
        }
    }

    /// Like [`Self::judge`], but text of ours in the input box must stay
    /// there for the verify time before it counts: the earlier run may have
    /// pressed Enter just before it died, and an agent slow to redraw still
    /// shows the text in its box while it already works on it. A second
    /// Enter would then land in a busy agent.
    async fn judge_held(&mut self, pane: &str, phase: Option<Phase>, text: &str) -> Verdict {
        self.judge_until(pane, phase, text, |v| !matches!(v, Verdict::InComposer))
            .await
    }

    /// Reads the pane again and again (the verify time at most) until its
    /// verdict is `done`; the last verdict read.
    async fn judge_until(
        &mut self,
        pane: &str,
        phase: Option<Phase>,
        text: &str,
        done: impl Fn(&Verdict) -> bool,
    ) -> Verdict {
        let deadline = Instant::now() + Duration::from_millis(self.delivery.verify_ms);
        loop {
            let verdict = self.judge(pane, phase, text).await;
            if done(&verdict) || Instant::now() >= deadline {
                return verdict;
            }
            tokio::time::sleep(HELD_POLL.min(deadline - Instant::now())).await;
        }
    }

    /// Presses Enter for text of ours held in the input box, and waits (the
    /// verify time) for proof the agent took it: at work, or the prompt in
    /// its transcript. An agent slow to start reading ignores an Enter and
    /// stays idle with the text in its box, which is no submission: it
    /// gets one Enter more, as in a delivery (engine/deliver.rs).
    async fn enter_held(&mut self, pane: &str, text: &str) -> Verdict {
        for _ in 0..2 {
            if let Err(e) = self.io.send_enter(pane).await {
                warn!(pane, "recovery Enter failed: {e}");
            }
            let submitted = |v: &Verdict| matches!(v, Verdict::Submitted(_));
            let verdict = self
                .judge_until(pane, Some(Phase::Pasted), text, submitted)
                .await;
            if !matches!(verdict, Verdict::InComposer) {
                return verdict;
            }
        }
        Verdict::Unclear(format!(
            "its text stayed in the input box of {pane} after two Enter presses"
        ))
    }

    /// Reads the pane to decide what an interrupted delivery did.
    async fn judge(&mut self, pane: &str, phase: Option<Phase>, text: &str) -> Verdict {
        let Some(state) = self.inspect(pane).await else {
            return Verdict::Unclear(format!("pane {pane} could not be read"));
        };
        let Some(t) = self.panes.get(pane) else {
            return Verdict::Unclear(format!("pane {pane} vanished"));
        };
        let (provider, screen) = (&t.provider, &t.last_screen);
        let composer = self.profiles.composer_text(provider, screen);
        let ours = composer.as_deref().is_some_and(|c| composer_holds(c, text));
        let other_text = composer.as_deref().is_some_and(|c| !c.trim().is_empty()) && !ours;
        // An empty box proves nothing on its own: some agents echo their
        // input below it. Submitted only on evidence (the transcript shows
        // it, or the agent is at work on it); never typed only when nothing
        // of it shows below the box either.
        let shown = self.profiles.shows_submitted(provider, screen, text);
        let below = self
            .profiles
            .shows_unsent_below(provider, screen, &[SentText::new(text)]);
        match (phase, state) {
            // The Enter would go to the mode: the person there decides.
            _ if ours && t.pane.in_mode => Verdict::Unclear(format!(
                "its text is in the input box of {pane}, but the pane {}: submit or clear it there",
                super::panes::IN_MODE
            )),
            _ if ours => Verdict::InComposer,
            _ if other_text => {
                Verdict::Unclear(format!("the input box of {pane} holds other text"))
            }
            _ if below => Verdict::Unclear(format!(
                "its text shows below the input box of {pane}, unsubmitted"
            )),
            (Some(Phase::Submitted), _) => Verdict::Submitted("recorded as submitted"),
            (Some(Phase::Pasted), SessionState::Busy) => Verdict::Submitted("agent working"),
            (Some(Phase::Pasted), SessionState::WaitingApproval) => {
                Verdict::Submitted("agent asking for approval")
            }
            (Some(Phase::Pasted), SessionState::Idle) if shown => {
                Verdict::Submitted("its start shows in the transcript")
            }
            (Some(Phase::Pasted), SessionState::Idle) => Verdict::Unclear(format!(
                "the input box of {pane} is empty, but nothing shows the prompt was submitted"
            )),
            (Some(Phase::Claimed) | None, SessionState::Idle) if shown => Verdict::Unclear(
                format!("the transcript of {pane} shows it although no paste was recorded"),
            ),
            (Some(Phase::Claimed) | None, SessionState::Idle) => Verdict::NothingTyped,
            (_, s) => Verdict::Unclear(format!("pane {pane} is {s}")),
        }
    }
}

/// Whether the current assignment of prompt `id` recorded the start of a
/// context preparation (`Step::Preparing`, a history row after the last
/// `assigned` one).
fn preparation_started(store: &dyn Backend, id: i64) -> Result<bool, StoreError> {
    let history = store.history(id)?;
    let since_claim = history
        .iter()
        .rposition(|h| h.is(HistoryEvent::Assigned))
        .map_or(&history[..], |i| &history[i..]);
    Ok(since_claim.iter().any(|h| h.is(HistoryEvent::Preparing)))
}
