//! Typing one claimed prompt into its pane (ARCHITECTURE.md, "The engine"), as a task of its
//! own so the core keeps serving while it waits for the agent.
//!
//! The text travels through a uniquely named tmux buffer and one bracketed
//! paste; Enter is a separate key after a settle. Before Enter the task asks
//! the core to record the `pasted` phase and waits for the answer, so a
//! crash at any point leaves a database that says what the pane may hold.
//!
//! Once the text may be in the pane, a delivery that cannot be confirmed is
//! retried only when the text verifiably was not submitted: it is still in
//! the input box, and clearing it leaves the box empty and the agent idle.
//! Otherwise the agent may have it, and the prompt fails with a reason that
//! says so rather than risk running twice.

use super::accept::{Before, accepted};
use super::job::{Job, POLL, gone_or, record};
use super::message::{Outcome, Step};
use super::pane_job::Delivery;
use super::prepare::{prepare, prepared_once};
use super::withdraw::withdraw;
use super::{Engine, EngineMsg};
use crate::model::HistoryEvent;
use crate::tmux::TmuxError;

impl Engine {
    /// The pause between paste and Enter in `provider`'s panes: the
    /// config's `[delivery] settle_ms` when it is set, else the provider's
    /// profile's, measured per agent (BENCHMARKS.md, "Settle time per
    /// agent").
    fn settle_ms(&self, provider: &str) -> u64 {
        self.delivery
            .settle_for(self.profiles.get(provider).settle_ms)
    }

    /// A task's view of prompt `id` on `pane`, with no preparation and the
    /// pane's history mark unknown (0).
    pub(super) fn job(
        &self,
        id: i64,
        pane: &str,
        provider: String,
        text: String,
        sent: Vec<crate::detect::SentText>,
    ) -> Job {
        let settle = std::time::Duration::from_millis(self.settle_ms(&provider));
        Job {
            id,
            pane: pane.to_owned(),
            provider,
            text,
            sent,
            prep: None,
            mark: 0,
            settle,
            verify: std::time::Duration::from_millis(self.delivery.verify_ms),
            tmux: self.io.clone(),
            server_pid: self.reach.server_pid,
            profiles: self.profiles.clone(),
            tx: self.tx.clone(),
        }
    }

    /// Runs `task` for `job` as the one task typing into its pane: the
    /// pane takes no prompt meanwhile, and the task is stopped if the pane
    /// is retired. Its outcome arrives as [`super::EngineMsg::Done`];
    /// `timeout` and `mark` (the prompt's, when known) are kept for the
    /// watch that follows a submission.
    pub(super) fn run_task<F>(
        &mut self,
        job: Job,
        timeout: Option<std::time::Duration>,
        mark: Option<u64>,
        task: impl FnOnce(Job) -> F,
    ) where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        let (id, pane) = (job.id, job.pane.clone());
        let handle = tokio::spawn(task(job));
        if let Some(t) = self.panes.get_mut(&pane) {
            let delivery = Delivery::new(id, handle.abort_handle(), timeout, mark);
            t.job.start_delivery(delivery);
            // Idle from before this prompt says nothing about its end: the
            // completion wait counts from a screen read after submission.
            t.idle_since = None;
        }
    }
}

/// Runs one delivery and reports the outcome to the core.
pub async fn run(job: Job) {
    let outcome = deliver(&job).await;
    report(&job, outcome).await;
}

/// Interrupts a prompt that ran past its timeout (`why`) and reports
/// whether it may be retried: [`withdraw::after_timeout`].
pub async fn time_out(job: Job, why: String) {
    let outcome = super::withdraw::after_timeout(&job, why).await;
    report(&job, outcome).await;
}

async fn report(job: &Job, outcome: Outcome) {
    let _ = job
        .tx
        .send(EngineMsg::Done {
            id: job.id,
            pane: job.pane.clone(),
            outcome,
        })
        .await;
}

async fn deliver(job: &Job) -> Outcome {
    // Entered since the scan that chose the pane: the keys would go to the
    // mode, and its Enter would never reach the agent.
    match job.tmux.pane(&job.pane).await.map(|p| p.map(|p| p.in_mode)) {
        Ok(Some(false)) => {}
        Ok(Some(true)) => {
            return Outcome::NotDelivered(format!("pane {} {}", job.pane, super::panes::IN_MODE));
        }
        Ok(None) => return Outcome::PaneGone,
        Err(e) => {
            return gone_or(e, |e| {
                Outcome::NotDelivered(format!("pane could not be read before typing: {e}"))
            });
        }
    }
    if let Some(prep) = &job.prep {
        if let Err(o) = prepare(job, prep).await {
            return o;
        }
        return prepared_once(type_in(job).await);
    }
    type_in(job).await
}

/// Pastes the text and submits it with Enter.
async fn type_in(job: &Job) -> Outcome {
    if let Err(e) = job.tmux.paste(&job.pane, &job.text).await {
        return match e {
            e if e.may_have_acted() => {
                withdraw(job, format!("the paste did not complete ({e})"), 0).await
            }
            e => gone_or(e, |e| Outcome::NotDelivered(format!("paste failed: {e}"))),
        };
    }
    if !record(job, Step::Pasted).await {
        let why = "pasted, but the daemon could not record it, so Enter was not pressed";
        return withdraw(job, why.into(), 0).await;
    }
    tokio::time::sleep(job.settle).await;
    let (mut in_box, mut shown_already) = (None, false);
    for enters in 1..=2u8 {
        let mut before = Before::read(job).await;
        if enters == 1 {
            before = paste_shown(job, before).await;
            (in_box, shown_already) = (before.had_text, before.shown);
        }
        if enters == 2 && before.had_text == Some(false) {
            // The box is empty now. If the text was seen in it, or the
            // transcript shows it, the first Enter was taken after all and
            // a second one would land in a working agent; if neither, an
            // agent that echoes input outside its box may still hold it.
            if in_box == Some(true) || (before.shown && !shown_already) {
                return Outcome::Submitted {
                    busy: false,
                    enters: 1,
                };
            }
            // Its text showing below the box is input still unsent: the
            // rescue Enter submits it. Otherwise nothing says where it is.
            if !before.below {
                let why = format!(
                    "pasted into {}, whose input box reads empty, but nothing showed that \
                     Enter submitted it",
                    job.pane
                );
                return withdraw(job, why, 1).await;
            }
        }
        if enters == 2 {
            let _ = job
                .tx
                .send(EngineMsg::Note {
                    id: job.id,
                    event: HistoryEvent::RescueEnter,
                    detail: format!(
                        "no reaction after {} ms; pressing Enter once more",
                        job.verify.as_millis()
                    ),
                })
                .await;
        }
        match job.tmux.send_enter(&job.pane).await {
            Ok(()) => {}
            // It may have been pressed: what the pane shows decides.
            Err(e) if e.may_have_acted() => {}
            Err(TmuxError::PaneGone { .. }) => return Outcome::PaneGone,
            Err(e) => {
                let why = format!("pasted into {}, but Enter failed: {e}", job.pane);
                return withdraw(job, why, enters - 1).await;
            }
        }
        match accepted(job, job.verify, before).await {
            Ok(Some(busy)) => return Outcome::Submitted { busy, enters },
            Ok(None) => {}
            Err(o) => return o,
        }
    }
    let why = format!(
        "pasted into {} but the agent did not accept it after two Enter presses",
        job.pane
    );
    withdraw(job, why, 2).await
}

/// Waits, up to the verify time, until an input box that reads empty
/// shows the paste: an agent that draws late (a loaded machine, a slow
/// terminal) may still be taking the paste in, and an Enter it reads
/// before the paste is drawn can be lost or taken into the paste. A box
/// that cannot be read, or text of ours shown outside it, is not waited
/// for.
async fn paste_shown(job: &Job, mut before: Before) -> Before {
    let deadline = tokio::time::Instant::now() + job.verify;
    while before.had_text == Some(false)
        && !before.below
        && !before.shown
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(POLL).await;
        before = Before::read(job).await;
    }
    before
}
