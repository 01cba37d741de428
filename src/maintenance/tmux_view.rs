//! What tmux shows, for cleanup: the live panes and session names of one
//! server, read with a single `list-panes`.

use std::collections::BTreeSet;

use crate::tmux::{Snapshot, Tmux, TmuxError};

/// What tmux shows now: the live panes and session names.
#[derive(Debug, Clone, Default)]
pub struct TmuxView {
    /// Session names.
    pub sessions: BTreeSet<String>,
    /// Ids of live (not dead) panes.
    pub panes: BTreeSet<String>,
    /// The server's pid; pane ids are only unique per server.
    pub server_pid: Option<u32>,
}

impl TmuxView {
    /// Asks tmux once. No server running means no sessions; any other
    /// failure is an error, because guessing "nothing exists" would drop
    /// every session.
    pub async fn observe(tmux: &Tmux) -> Result<Self, TmuxError> {
        match tmux.snapshot().await {
            Ok(s) => Ok(Self::from_snapshot(&s)),
            Err(TmuxError::NoServer { .. }) => Ok(Self::default()),
            Err(e) => Err(e),
        }
    }

    /// The view of one snapshot.
    pub fn from_snapshot(s: &Snapshot) -> Self {
        Self {
            sessions: s.panes.iter().map(|p| p.session.clone()).collect(),
            panes: s
                .panes
                .iter()
                .filter(|p| !p.dead)
                .map(|p| p.id.clone())
                .collect(),
            server_pid: Some(s.server_pid),
        }
    }

    pub(super) fn has_pane(&self, pane: &str, server_pid: Option<u32>) -> bool {
        let same_server = match (server_pid, self.server_pid) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        same_server && self.panes.contains(pane)
    }
}
