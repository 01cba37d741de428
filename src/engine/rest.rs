//! An engine at rest scans less often (ARCHITECTURE.md, "The engine").
//!
//! The periodic scan exists to see what a decision needs: an agent that
//! became idle while prompts wait, a prompt's end, a pool's agent that
//! died. With no prompt waiting or in hand, no pane's state settling and
//! no pool to keep, none of that is pending, and a scan every second of a
//! fleet that prints nothing costs the tmux server a listing for nothing.
//! At rest the engine lets [`REST_SCANS`] scan intervals pass between
//! scans, or while tmux's events are heard (control mode) the backstop's
//! period ([`FULL_EVERY`]): every change of sessions, windows and panes is
//! then reported as it happens, and the scan at the end of a rest is the
//! backstop's full listing. Everything that ends the rest wakes it at
//! once: a request, a report from a delivery, and in control mode tmux's
//! word that sessions, windows or panes changed. What tmux 3.3 does not
//! report (a pane split off in a session the control client is not
//! attached to, a pane that dies without a word, an agent that a person
//! puts to work) waits for that scan, so a person's `status` or `sessions`
//! at rest looks again when the last look is older than a rest without
//! events: `sessions` first, `status` (which never waits on tmux) at the
//! next turn of the loop.

use std::time::{Duration, Instant};

use super::Engine;
use super::listing::FULL_EVERY;
use crate::error::StoreError;
use crate::store::backend::Backend;

/// Scan intervals between two scans at rest without tmux's events: five
/// seconds with the built-in one-second interval.
pub(super) const REST_SCANS: u32 = 5;

impl Engine {
    /// Whether a scan that is due may be skipped: the engine is at rest and
    /// its last scan is more recent than a rest lasts.
    pub(super) fn resting(&self, store: &dyn Backend) -> Result<bool, StoreError> {
        let recent = self
            .last_scan
            .is_some_and(|t| t.elapsed() < self.rest_length());
        Ok(recent && self.still(store)?)
    }

    /// When the next scan is wanted while the engine is at rest, as the
    /// last step left it; `None` when it is not at rest and every interval
    /// counts. The daemon's loop sleeps until then instead of waking each
    /// interval to find nothing due: an idle daemon wakes once a rest.
    pub fn rest_until(&self) -> Option<tokio::time::Instant> {
        let last = self.last_scan.filter(|_| self.at_rest)?;
        Some(tokio::time::Instant::from_std(last + self.rest_length()))
    }

    /// How long a rest lasts.
    fn rest_length(&self) -> Duration {
        if self.io.events_live() {
            FULL_EVERY.max(self.scan_interval)
        } else {
            self.rest_without_events()
        }
    }

    /// A rest without tmux's events: [`REST_SCANS`] intervals. Also how
    /// old a look may be before a person asking has it taken again.
    fn rest_without_events(&self) -> Duration {
        self.scan_interval * REST_SCANS
    }

    /// Before a person's `sessions` at rest: a step with a scan, when the
    /// last look is stale (`look_stale`). Panes that printed since
    /// are read in the background, as at every scan.
    pub async fn freshen(&mut self, store: &mut dyn Backend) -> Result<(), StoreError> {
        if !self.look_stale() {
            return Ok(());
        }
        self.wake();
        self.step(store, true).await
    }

    /// After a person's `status` at rest: the scan runs at the next turn
    /// of the loop, when the last look is stale. `status` itself answers
    /// at once from what is known, and never waits on tmux: it is what
    /// shows a tmux server that does not answer.
    pub fn look_soon(&mut self) {
        if self.look_stale() {
            self.at_rest = false;
            self.next_fast = Some(tokio::time::Instant::now());
        }
    }

    /// At rest, with a last look older than a rest without events.
    fn look_stale(&self) -> bool {
        self.at_rest
            && self
                .last_scan
                .is_none_or(|t| t.elapsed() >= self.rest_without_events())
    }

    /// Records after a step whether the engine is at rest, for
    /// [`Self::rest_until`].
    pub(super) fn note_rest(&mut self, store: &dyn Backend) -> Result<(), StoreError> {
        self.at_rest = self.next_fast.is_none() && self.still(store)?;
        Ok(())
    }

    /// Nothing waits on a scan: no prompt pending or in hand, no pane
    /// settling or unread, a server that answers, and no pool to keep.
    fn still(&self, store: &dyn Backend) -> Result<bool, StoreError> {
        if !self.recovered || !self.reach.reachable || !self.pool_sessions.is_empty() {
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
