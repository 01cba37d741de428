//! What delivery tasks (and background captures) report to the engine. A task never touches the
//! store itself: each phase is recorded by the engine, in order, before the
//! task's next side effect.

use std::time::Instant;

use tokio::sync::oneshot;

use crate::model::HistoryEvent;
use crate::tmux::TmuxError;

/// A point of a delivery recorded before its next side effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The shell pane's context preparation is about to be typed. Kept as
    /// a history row (the delivery phase stays `claimed`): from here on the
    /// shell may have run the prerequisites, so recovery never types them
    /// again.
    Preparing,
    /// The prompt's text was pasted ([`crate::store::Phase::Pasted`]).
    Pasted,
}

/// Progress reported by delivery tasks.
#[derive(Debug)]
pub enum EngineMsg {
    /// Record a delivery phase before the next side effect; answer whether
    /// it was recorded.
    Phase {
        /// Prompt id.
        id: i64,
        /// Pane being typed into.
        pane: String,
        /// Step reached.
        step: Step,
        /// Pane history mark.
        mark: Option<u64>,
        /// The answer.
        ack: oneshot::Sender<bool>,
    },
    /// A history note.
    Note {
        /// Prompt id.
        id: i64,
        /// What happened.
        event: HistoryEvent,
        /// Detail.
        detail: String,
    },
    /// Screens read in the background (`capture.rs`).
    Screens(Screens),
    /// The delivery ended.
    Done {
        /// Prompt id.
        id: i64,
        /// Pane id.
        pane: String,
        /// How it ended.
        outcome: Outcome,
    },
}

/// How a delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The agent took the prompt; `busy` when it was seen working.
    Submitted {
        /// Seen working (not only the input box emptied).
        busy: bool,
        /// Enter presses it took (1, or 2 with the rescue).
        enters: u8,
    },
    /// Nothing reached the agent: back to the queue at no cost.
    NotDelivered(String),
    /// The pane vanished.
    PaneGone,
    /// The delivery failed and the agent verifiably does not have the
    /// prompt (nothing of it was submitted, its text is not left in the
    /// input box): it may be retried.
    Failed(String),
    /// The agent may have the prompt: failed, never retried on its own.
    Unclear(String),
}

/// Screens read in the background, reported to the core as one message.
#[derive(Debug)]
pub struct Screens {
    /// When the first capture was asked for.
    pub(super) started: Instant,
    /// `window_activity` seconds at that moment: output from then on may
    /// be missing from a screen.
    pub(super) started_secs: u64,
    /// Each pane's screen, or why it could not be read.
    pub(super) screens: Vec<(String, Result<String, TmuxError>)>,
}
