//! What delivery tasks report to the engine. A task never touches the
//! store itself: each phase is recorded by the engine, in order, before the
//! task's next side effect.

use tokio::sync::oneshot;

use super::deliver::Outcome;
use crate::model::HistoryEvent;

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
