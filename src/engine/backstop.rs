//! The periodic scan as a backstop to tmux's events (ARCHITECTURE.md, "The
//! engine"): in control mode every change of structure should arrive as a
//! notification first. A scan that finds panes added or gone while no
//! notification came since the last one counts them, and `status` shows
//! the count, so a gap in the event path is seen rather than hidden by the
//! scan that covers it.

use std::time::Duration;

use tracing::info;

use crate::tmux::PaneIo;

/// How long a change found by a scan waits for its notification: tmux may
/// write it just after the reply that showed the change.
const GRACE: Duration = Duration::from_millis(50);

/// What the events have reported, as of the last scan.
#[derive(Debug, Default)]
pub(super) struct Backstop {
    /// The control client was reading events at the last scan.
    live: bool,
    /// Its count of reports then.
    reports: u64,
    /// Changes found by scans that no event had reported.
    pub(super) missed: u64,
}

impl Backstop {
    /// Called after each scan that found `changes` panes added or gone.
    pub(super) async fn judge(&mut self, tmux: &dyn PaneIo, changes: usize) {
        let unreported = |b: &Self| b.live && tmux.structure_reports() == b.reports;
        if changes > 0 && unreported(self) {
            tokio::time::sleep(GRACE).await;
            if unreported(self) {
                self.missed += changes as u64;
                info!(
                    changes,
                    missed = self.missed,
                    "the scan found panes added or gone that tmux did not report"
                );
            }
        }
        self.live = tmux.events_live();
        self.reports = tmux.structure_reports();
    }
}
