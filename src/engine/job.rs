//! What a delivery task carries and the few things every part of a
//! delivery shares (`deliver.rs`, `prepare.rs`, `accept.rs`,
//! `withdraw.rs`, `regain.rs`): the job itself, the poll interval, how a
//! tmux error reads as an outcome, and recording a step before the next
//! keystroke.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::message::{EngineMsg, Outcome, Step};
use crate::detect::{Profiles, SentText};
use crate::tmux::{PaneIo, TmuxError};

/// How often the screen is re-read while waiting for the agent to react.
pub(super) const POLL: Duration = Duration::from_millis(40);

/// Everything a delivery needs; owned by the task.
pub struct Job {
    /// Prompt id.
    pub id: i64,
    /// Pane id.
    pub pane: String,
    /// Provider of the pane.
    pub provider: String,
    /// The exact text.
    pub text: String,
    /// The prompts last sent to the pane, this one included, whose echo on
    /// screen decides nothing.
    pub sent: Vec<SentText>,
    /// Shell command preparing the context, for shell panes.
    pub prep: Option<String>,
    /// Pane history size before anything was typed.
    pub mark: u64,
    /// Pause between paste and Enter.
    pub settle: Duration,
    /// Wait for the agent to react before the rescue Enter.
    pub verify: Duration,
    /// What the task reads and types through: the engine's own.
    pub tmux: Arc<dyn PaneIo>,
    /// The pid of the tmux server that last listed the pane, when known:
    /// a server out of reach is waited for only while it still runs.
    pub server_pid: Option<u32>,
    /// Detection rules.
    pub profiles: Arc<Profiles>,
    /// Reports go here.
    pub tx: mpsc::Sender<EngineMsg>,
}

/// [`Outcome::PaneGone`] when tmux said the pane does not exist, `f(e)`
/// otherwise. A socket without a server is no such proof: a socket moved
/// away says the same while the pane and its agent carry on (the engine's
/// scan decides whether the server is gone, see `reach.rs`).
pub(super) fn gone_or(e: TmuxError, f: impl FnOnce(TmuxError) -> Outcome) -> Outcome {
    match e {
        TmuxError::PaneGone { .. } => Outcome::PaneGone,
        other => f(other),
    }
}

/// Asks the core to record `step` and waits for the answer: whether it
/// was recorded, and the next keystroke may go ahead.
pub(super) async fn record(job: &Job, step: Step) -> bool {
    let (ack, acked) = oneshot::channel();
    let msg = EngineMsg::Phase {
        id: job.id,
        pane: job.pane.clone(),
        step,
        mark: Some(job.mark),
        ack,
    };
    job.tx.send(msg).await.is_ok() && acked.await.unwrap_or(false)
}
