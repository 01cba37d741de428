//! Taking back a prompt the agent may hold: a delivery that could not be
//! confirmed, or a prompt that timed out. It goes to another attempt only
//! when the agent verifiably does not have it; when that cannot be shown,
//! it fails with a reason that says so, because a prompt run twice is
//! worse than one a person has to look at.

use std::time::{Duration, Instant};

use super::accept::cursor;
use super::job::{Job, POLL, gone_or};
use super::message::Outcome;
use super::regain::{Regain, out_of_reach, regain};
use crate::detect::{Prepare, composer_holds};
use crate::protocol::{MAYBE_DELIVERED, SessionState};
use crate::tmux::TmuxError;

/// Longest wait for an agent to stop after the Escape of a timeout.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// The prompt may be in the pane but was not seen submitted. Retried only
/// when its text is still in the input box and clearing it (C-u) leaves
/// the box empty with the agent idle for the verify time, so that an
/// Enter the agent takes late is seen (it goes to work) rather than the
/// prompt run twice. Otherwise the agent may have it: [`Outcome::Unclear`].
/// With no Enter pressed and no newline in the text, an input box without
/// it means nothing was submitted: retried. `enters`: Enter presses so far.
pub async fn withdraw(job: &Job, why: String, enters: u8) -> Outcome {
    let lines = job.profiles.get(&job.provider).tail_lines;
    let unclear = |what: String| Outcome::Unclear(format!("{why}; {what}: {MAYBE_DELIVERED}"));
    let screen = match capture_regained(job, lines).await {
        Ok(s) => s,
        Err(e) => return gone_or(e, |e| unclear(format!("the pane could not be read ({e})"))),
    };
    let shown = job.profiles.composer_text(&job.provider, &screen);
    if !shown
        .as_deref()
        .is_some_and(|c| composer_holds(c, &job.text))
    {
        // No Enter was pressed and the text has no newline that a program
        // without bracketed paste would take as one: nothing was submitted.
        if enters == 0 && !job.text.contains('\n') {
            return Outcome::Failed(format!(
                "{why}; no Enter was pressed and the input box does not hold it"
            ));
        }
        return unclear(box_holds(shown.as_deref()));
    }
    let why = format!("{why}; its text was cleared from the input box unsent");
    clear_and_confirm(job, &why, true, enters).await
}

/// The pane's last `lines`; a tmux server out of reach is waited for
/// first (`regain.rs`), and one that is gone makes the pane gone.
async fn capture_regained(job: &Job, lines: usize) -> Result<String, TmuxError> {
    match job.tmux.capture(&job.pane, lines).await {
        Err(e) if out_of_reach(&e) => match regain(job, &e).await {
            Regain::Same => job.tmux.capture(&job.pane, lines).await,
            Regain::Gone => Err(TmuxError::PaneGone {
                pane: job.pane.clone(),
            }),
            Regain::Never => Err(e),
        },
        read => read,
    }
}

/// A prompt that ran past its timeout: the agent is interrupted (Escape),
/// and the prompt may be retried only when the agent then stops and stays
/// idle with nothing of the prompt left in its input box (some agents put
/// an interrupted prompt back there: it is cleared first). An agent that
/// keeps working, or a pane that cannot be read, may still have it: the
/// prompt fails without a retry. Never [`Outcome::Submitted`].
pub async fn after_timeout(job: &Job, why: String) -> Outcome {
    let unclear = |what: String| Outcome::Unclear(format!("{why}; {what}: {MAYBE_DELIVERED}"));
    if let Err(e) = job.tmux.send_keys(&job.pane, &["Escape"]).await {
        return gone_or(e, |e| unclear(format!("interrupting it failed ({e})")));
    }
    let deadline = Instant::now() + STOP_WAIT;
    let shown = loop {
        let (screen, state) = match look(job, &unclear).await {
            Ok(seen) => seen,
            Err(o) => return o,
        };
        if state == SessionState::Idle {
            break job.profiles.composer_text(&job.provider, &screen);
        }
        if Instant::now() >= deadline {
            return unclear(format!("the agent is still {state} after Escape"));
        }
    };
    let clear = match shown.as_deref() {
        Some(c) if c.trim().is_empty() => false,
        Some(c) if composer_holds(c, &job.text) => true,
        other => return unclear(box_holds(other)),
    };
    match clear_and_confirm(job, &why, clear, 0).await {
        Outcome::Submitted { .. } => unclear("the agent went back to work on it".into()),
        other => other,
    }
}

/// Clears the input box (C-u) when `clear`, then watches the pane for the
/// verify time: [`Outcome::Failed`] with `why` (retried) when the box is
/// empty and the agent idle on every look, [`Outcome::Submitted`] when it
/// went to work (an Enter taken late), [`Outcome::Unclear`] otherwise.
async fn clear_and_confirm(job: &Job, why: &str, clear: bool, enters: u8) -> Outcome {
    let unclear = |what: String| Outcome::Unclear(format!("{why}; {what}: {MAYBE_DELIVERED}"));
    // A shell shows no busy marker: a command line taken moves the cursor
    // on, while clearing it leaves the cursor where it was or moves it up.
    let shell = job.profiles.get(&job.provider).prepare == Prepare::Shell;
    let mark = if shell { cursor(job).await } else { None };
    if clear && let Err(e) = job.tmux.send_keys(&job.pane, &["C-u"]).await {
        return gone_or(e, |e| {
            unclear(format!("clearing the input box failed ({e})"))
        });
    }
    let deadline = Instant::now() + job.verify;
    // A retry needs the agent seen idle on every look, not merely never
    // seen working: a screen that reads as nothing known proves nothing.
    let mut idle_throughout = true;
    let left = loop {
        let (screen, state) = match look(job, &unclear).await {
            Ok(seen) => seen,
            Err(o) => return o,
        };
        let moved_on = match mark {
            Some(m) => cursor(job).await.is_some_and(|now| now > m),
            None => false,
        };
        if moved_on
            || matches!(
                state,
                SessionState::Busy | SessionState::WaitingApproval | SessionState::RateLimited
            )
        {
            // An Enter taken late: the agent went to work on the prompt.
            return Outcome::Submitted {
                busy: state == SessionState::Busy,
                enters,
            };
        }
        idle_throughout &= state == SessionState::Idle;
        let now = job.profiles.composer_text(&job.provider, &screen);
        if Instant::now() >= deadline {
            break now;
        }
    };
    match left {
        Some(c) if c.trim().is_empty() && idle_throughout => Outcome::Failed(why.to_owned()),
        Some(c) if c.trim().is_empty() => {
            unclear("the agent's state could not be read as idle throughout".into())
        }
        Some(c) if composer_holds(&c, &job.text) => Outcome::Unclear(format!(
            "{why}; its text is still in the input box of {} and could not be cleared: \
             submit or clear it there, it is not sent again on its own",
            job.pane
        )),
        _ => unclear("the input box changed while it was watched".into()),
    }
}

/// After a pause, the pane's screen and the state it shows, or the outcome
/// when it cannot be read.
async fn look(
    job: &Job,
    unclear: &impl Fn(String) -> Outcome,
) -> Result<(String, SessionState), Outcome> {
    tokio::time::sleep(POLL).await;
    let lines = job.profiles.get(&job.provider).tail_lines;
    let screen = job
        .tmux
        .capture(&job.pane, lines)
        .await
        .map_err(|e| gone_or(e, |e| unclear(format!("the pane could not be read ({e})"))))?;
    let state = job
        .profiles
        .classify_sent(&job.provider, &screen, &job.sent)
        .state;
    Ok((screen, state))
}

/// What an input box that does not hold the prompt shows instead.
fn box_holds(shown: Option<&str>) -> String {
    match shown {
        Some(c) if c.trim().is_empty() => "the input box is empty".into(),
        Some(_) => "the input box holds other text".into(),
        None => "no input box is visible".into(),
    }
}
