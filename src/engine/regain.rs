//! A tmux server out of reach in the middle of a delivery: its socket was
//! moved or unlinked while the server and the agents carry on (`reach.rs`).
//! "No server" on the socket then proves nothing about the pane, so a
//! delivery that must read the pane to decide waits for the server to
//! answer again, rather than give the prompt up as unreadable and leave
//! its text in the input box, where it keeps every later prompt out.

use std::time::{Duration, Instant};

use super::EngineMsg;
use super::job::Job;
use super::reach::server_alive;
use crate::model::HistoryEvent;
use crate::tmux::TmuxError;

/// Longest a delivery waits for its tmux server to answer again.
const REGAIN_WAIT: Duration = Duration::from_secs(300);

/// How often the socket is tried meanwhile.
const REGAIN_POLL: Duration = Duration::from_millis(200);

/// What became of a server out of reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Regain {
    /// The same server answers and lists the pane.
    Same,
    /// The server is gone (its process exited, or another one answers), or
    /// it no longer lists the pane: nothing typed there survives.
    Gone,
    /// It did not answer within [`REGAIN_WAIT`].
    Never,
}

/// Whether `e` says only that the socket did not lead to a server.
pub(super) fn out_of_reach(e: &TmuxError) -> bool {
    matches!(e, TmuxError::NoServer { .. })
}

/// Waits for the tmux server of `job` to answer again after `e`.
pub(super) async fn regain(job: &Job, e: &TmuxError) -> Regain {
    let _ = job
        .tx
        .send(EngineMsg::Note {
            id: job.id,
            event: HistoryEvent::TmuxUnreachable,
            detail: format!("{e}; waiting for the tmux server to answer again"),
        })
        .await;
    let deadline = Instant::now() + REGAIN_WAIT;
    loop {
        match job.tmux.snapshot().await {
            Ok(s) => {
                // A server without panes reports pid 0.
                let same = job
                    .server_pid
                    .is_none_or(|p| s.server_pid == 0 || s.server_pid == p);
                return if same && s.pane(&job.pane).is_some() {
                    Regain::Same
                } else {
                    Regain::Gone
                };
            }
            Err(TmuxError::NoServer { .. }) if job.server_pid.is_some_and(|p| !server_alive(p)) => {
                return Regain::Gone;
            }
            Err(_) => {}
        }
        if Instant::now() >= deadline {
            return Regain::Never;
        }
        tokio::time::sleep(REGAIN_POLL).await;
    }
}
