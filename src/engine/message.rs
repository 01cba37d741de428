//! What delivery tasks report to the engine. A task never touches the
//! store itself: each phase is recorded by the engine, in order, before the
//! task's next side effect.

use tokio::sync::oneshot;

use super::deliver::Outcome;
use crate::store::Phase;

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
        /// Phase reached.
        phase: Phase,
        /// Pane history mark.
        mark: Option<u64>,
        /// The answer.
        ack: oneshot::Sender<bool>,
    },
    /// A history note.
    Note {
        /// Prompt id.
        id: i64,
        /// Event name.
        event: &'static str,
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
