//! Whether a scan takes the full listing of the panes or only glances at
//! them (ARCHITECTURE.md, "The engine").
//!
//! The full `list-panes` costs the tmux server eighteen fields of every
//! pane, two of them read from `/proc`; an idle fleet of silent panes would
//! pay it every second for nothing. A glance ([`crate::tmux::Glance`]) asks only for what moves
//! when anything about a pane does, and the listing is taken again when
//! the glance shows a change other than output (output has the panes that
//! had it listed alone), when tmux reported a change of structure
//! since, when its events cannot be heard, after the server was out of
//! reach, and at least every [`FULL_EVERY`] as a backstop for what neither
//! shows (a foreground command that changed without a byte of output).
//! While most panes print between scans (a fleet of agents at work, or
//! repainting while idle), the glance is skipped: it would find them
//! moving and only add its cost. Glances resume once a listing finds
//! most of the panes quiet.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tracing::debug;

use super::pane_screen::unix_secs;
use crate::tmux::{PaneIo, Since, Snapshot, TmuxError};

/// Longest time between two full listings.
pub(super) const FULL_EVERY: Duration = Duration::from_secs(30);

/// When the last full listing was taken, and what tmux had reported then.
#[derive(Debug, Default)]
pub(super) struct Listing {
    at: Option<Instant>,
    /// Unix seconds at its start: output in that second may not be in it.
    at_secs: u64,
    /// The control client's count of structure reports at its start.
    reports: u64,
    /// Scans that did without a full listing (nothing changed, or only
    /// the panes with output were listed), for `status`.
    pub(super) glances: u64,
    /// Most panes' activity moved since the listing before: a glance
    /// would find them moving again and only add its own cost to the
    /// listing.
    busy: bool,
}

impl Listing {
    /// The panes as they are now, or `None` when a glance showed that the
    /// last listing (`last`) still holds. When only output moved, the
    /// panes that had it are listed and merged into the last listing.
    /// `may_glance`: the engine has listed the panes since it started and
    /// the server answered the last scan.
    pub(super) async fn list(
        &mut self,
        io: &dyn PaneIo,
        last: &Snapshot,
        may_glance: bool,
    ) -> Result<Option<Snapshot>, TmuxError> {
        // Taken first: a report that arrives from here on makes the next
        // scan list everything.
        let started = (Instant::now(), unix_secs(), io.structure_reports());
        if may_glance && !self.busy && self.may_hold(io) {
            let glance = io.glance().await?;
            match glance.since(last, self.at_secs) {
                Since::Same => {
                    self.glances += 1;
                    return Ok(None);
                }
                Since::Output => {
                    let fresh = io.snapshot_since(self.at_secs).await?;
                    let listed = fresh.panes.len();
                    let now = glance.panes.iter().map(|g| (g.id.as_str(), g.activity));
                    self.busy = mostly_moved(last, now);
                    if let Some(merged) = glance.merge(last, fresh, self.at_secs) {
                        debug!(panes = listed, "listed only the panes with output");
                        self.glances += 1;
                        self.listed(started, false);
                        return Ok(Some(merged));
                    }
                }
                Since::Structure => {}
            }
        }
        let snapshot = io.snapshot().await?;
        let now = snapshot.panes.iter().map(|p| (p.id.as_str(), p.activity));
        self.busy = mostly_moved(last, now);
        self.listed(started, true);
        Ok(Some(snapshot))
    }

    /// Records a listing begun at `started` (instant, Unix seconds, the
    /// structure reports then); `full` restarts the backstop's timer.
    fn listed(&mut self, started: (Instant, u64, u64), full: bool) {
        (self.at_secs, self.reports) = (started.1, started.2);
        if full {
            self.at = Some(started.0);
        }
    }

    /// Whether a glance can stand in for the listing: the last one is
    /// recent, and tmux, heard throughout, has reported no change of
    /// structure since.
    fn may_hold(&self, io: &dyn PaneIo) -> bool {
        let heard = !io.control_mode() || io.events_live();
        heard
            && io.structure_reports() == self.reports
            && self.at.is_some_and(|t| t.elapsed() < FULL_EVERY)
    }
}

/// Whether most panes `now` (id, activity) are new or show another
/// activity than in `last`.
fn mostly_moved<'a>(last: &Snapshot, now: impl Iterator<Item = (&'a str, u64)>) -> bool {
    let before: HashMap<&str, u64> = last
        .panes
        .iter()
        .map(|p| (p.id.as_str(), p.activity))
        .collect();
    let (mut all, mut moved) = (0, 0);
    for (id, activity) in now {
        all += 1;
        moved += usize::from(before.get(id) != Some(&activity));
    }
    moved * 2 > all
}
