//! What the core task is asked: requests, `follow` look-ups and reloads,
//! and what a `follow` look-up answers. Apart from the core and the
//! connections, so both can name them without importing each other.

use tokio::sync::oneshot;

use super::settings::Settings;
use crate::model::HistoryRow;
use crate::model::PromptRecord;
use crate::protocol::{PromptStatus, Request, Response, WireError};
use crate::tmux::Tmux;

/// Messages to the core.
pub enum CoreMsg {
    /// A client request and where to send its answer.
    Request {
        /// The request.
        req: Box<Request>,
        /// The answer goes here.
        reply: oneshot::Sender<Response>,
    },
    /// Where a followed prompt stands now (`follow.rs`).
    Follow {
        /// Prompt id.
        id: i64,
        /// The answer goes here.
        reply: oneshot::Sender<Result<Point, WireError>>,
    },
    /// New settings after SIGHUP (already validated); the sender is
    /// answered once they are applied.
    Reload(Box<Settings>, oneshot::Sender<()>),
}

/// Where a followed prompt stands.
pub struct Point {
    pub(super) status: PromptStatus,
    /// Its pane, the history line its output starts at, and the driver.
    pub(super) running: Option<(String, u64, Tmux)>,
    /// Once it has ended: its final record.
    pub(super) record: Option<(PromptRecord, Vec<HistoryRow>)>,
}
