//! Whether the agent took a prompt after an Enter: what the pane showed
//! just before it, then the first reaction seen after it. An input box that
//! reads empty is evidence only when the text was seen in it before, or the
//! transcript above it shows the prompt: some agents echo their input
//! outside the box.

use std::time::{Duration, Instant};

use super::job::{Job, POLL, gone_or};
use super::message::Outcome;
use super::regain::{Regain, out_of_reach, regain};
use crate::detect::{Prepare, SentText};
use crate::protocol::{MAYBE_DELIVERED, SessionState};
use crate::tmux::TmuxError;

/// The pane just before an Enter, to tell afterwards whether it was taken.
pub(super) struct Before {
    /// Shells show no busy marker: the cursor leaving the prompt line is
    /// what says the command line was taken.
    pub(super) cursor: Option<u64>,
    /// Whether the input box held text (`None`: no box to read).
    pub(super) had_text: Option<bool>,
    /// The transcript above the box shows the prompt as submitted.
    pub(super) shown: bool,
    /// The prompt shows below the box: input the agent has not submitted.
    pub(super) below: bool,
}

impl Before {
    pub(super) async fn read(job: &Job) -> Self {
        let profile = job.profiles.get(&job.provider);
        let cursor = if profile.prepare == Prepare::Shell {
            cursor(job).await
        } else {
            None
        };
        let screen = job.tmux.capture(&job.pane, profile.tail_lines).await;
        let Ok(screen) = screen else {
            return Self {
                cursor,
                had_text: None,
                shown: false,
                below: false,
            };
        };
        let p = &job.profiles;
        let ours = [SentText::new(&job.text)];
        Self {
            cursor,
            had_text: p
                .composer_text(&job.provider, &screen)
                .map(|t| !t.trim().is_empty()),
            shown: p.shows_submitted(&job.provider, &screen, &job.text),
            below: p.shows_unsent_below(&job.provider, &screen, &ours),
        }
    }
}

/// Polls the pane until the agent reacts: `Some(true)` busy, `Some(false)`
/// the input box emptied (or a dialog opened), `None` no reaction in time.
pub(super) async fn accepted(
    job: &Job,
    within: Duration,
    before: Before,
) -> Result<Option<bool>, Outcome> {
    let lines = job.profiles.get(&job.provider).tail_lines;
    let deadline = Instant::now() + within;
    loop {
        if before.cursor.is_some()
            && cursor(job)
                .await
                .is_some_and(|now| Some(now) != before.cursor)
        {
            return Ok(Some(false));
        }
        let unreadable = |e: TmuxError| {
            gone_or(e, |e| {
                Outcome::Unclear(format!(
                    "Enter was pressed in {}, but the pane could not be read after it ({e}): \
                     {MAYBE_DELIVERED}",
                    job.pane
                ))
            })
        };
        let screen = match job.tmux.capture(&job.pane, lines).await {
            Ok(s) => s,
            // Out of reach is not gone: once the server answers again, the
            // pane says what the Enter did.
            Err(e) if out_of_reach(&e) => match regain(job, &e).await {
                Regain::Same => continue,
                Regain::Gone => return Err(Outcome::PaneGone),
                Regain::Never => return Err(unreadable(e)),
            },
            Err(e) => return Err(unreadable(e)),
        };
        let verdict = job
            .profiles
            .classify_sent(&job.provider, &screen, &job.sent);
        match verdict.state {
            SessionState::Busy => return Ok(Some(true)),
            SessionState::WaitingApproval | SessionState::RateLimited => return Ok(Some(false)),
            _ => {}
        }
        let emptied = job
            .profiles
            .composer_text(&job.provider, &screen)
            .is_some_and(|t| t.trim().is_empty());
        // The text left the box it was seen in, or an agent that finished
        // at once shows it in its transcript (above the box: some agents
        // echo unsent input below it) with an empty box again.
        if emptied
            && (before.had_text == Some(true)
                || (verdict.state == SessionState::Idle
                    && !before.shown
                    && job
                        .profiles
                        .shows_submitted(&job.provider, &screen, &job.text)))
        {
            return Ok(Some(false));
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        tokio::time::sleep(POLL).await;
    }
}

/// The pane's cursor position in its whole history (scrolled lines plus
/// cursor row), or `None` when it cannot be read.
pub(super) async fn cursor(job: &Job) -> Option<u64> {
    let pane = job.tmux.pane(&job.pane).await.ok()??;
    Some(pane.history_mark())
}
