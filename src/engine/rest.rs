//! An engine at rest scans less often (ARCHITECTURE.md, "The engine").
//!
//! The periodic scan exists to see what a decision needs: an agent that
//! became idle while prompts wait, a prompt's end, a pool's agent that
//! died. With no prompt waiting or in hand, no pane's state settling and
//! no pool to keep, none of that is pending, and a scan every second of a
//! fleet that prints nothing costs the tmux server a listing for nothing.
//! At rest the engine lets [`REST_SCANS`] scan intervals pass between
//! scans. Everything that ends the rest wakes it at once: a request, a
//! report from a delivery, and in control mode tmux's word that sessions,
//! windows or panes changed.

use std::time::Instant;

use super::Engine;
use crate::error::StoreError;
use crate::store::backend::Backend;

/// Scan intervals between two scans at rest: five seconds with the
/// built-in one-second interval.
pub(super) const REST_SCANS: u32 = 5;

impl Engine {
    /// Whether a scan that is due may be skipped: the engine is at rest and
    /// its last scan is more recent than [`REST_SCANS`] intervals.
    pub(super) fn resting(&self, store: &dyn Backend) -> Result<bool, StoreError> {
        let recent = self
            .last_scan
            .is_some_and(|t| t.elapsed() < self.scan_interval * REST_SCANS);
        if !recent || !self.recovered || !self.reach.reachable || !self.pool_sessions.is_empty() {
            return Ok(false);
        }
        let now = Instant::now();
        let still = self
            .panes
            .values()
            .all(|t| t.job.is_free() && !t.unsettled(now) && t.captured_at.is_some());
        Ok(still && !store.has_pending()?)
    }
}
