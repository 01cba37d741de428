//! When the engine steps, and what one step does (ARCHITECTURE.md, "The
//! engine"): the core calls [`Engine::step`] after every message and on its
//! timer, and the step itself decides whether anything is due. Kept apart
//! from the engine's state (`mod.rs`) so the pacing (the fast poll while
//! something moves, coalesced bursts, steps that skip the listing while
//! tmux's events are live) reads in one place.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Engine;
use super::panes;
use crate::error::StoreError;
use crate::store::backend::Backend;

/// While something is in flight or settling, look this often.
const FAST_POLL: Duration = Duration::from_millis(100);
/// With no prompt waiting, idle panes are re-read at most this often, so
/// `status` and `STATUS=` stay current without a capture per scan.
const IDLE_REFRESH: Duration = Duration::from_secs(5);
/// Least time between two event-driven scans: a burst of requests costs
/// one `list-panes`, not one per request, for at most this much latency.
const MIN_GAP: Duration = Duration::from_millis(15);

impl Engine {
    /// When the engine next needs a step on its own.
    pub fn next_wake(&self) -> tokio::time::Instant {
        self.next_fast
            .unwrap_or_else(|| tokio::time::Instant::now() + Duration::from_secs(3600))
    }

    /// A new prompt or a state change: step at the next chance.
    pub fn wake(&mut self) {
        self.dirty = true;
        self.at_rest = false;
    }

    /// What [`Self::tmux_changed`] should be called on: tmux's word that
    /// its sessions, windows or panes changed.
    pub fn tmux_changes(&self) -> Arc<tokio::sync::Notify> {
        self.tmux.structure_changes()
    }

    /// tmux reported a change of structure: observe now, not at the next
    /// periodic scan, so that a vanished pane's prompt goes back to the
    /// queue at once.
    pub fn tmux_changed(&mut self) {
        self.dirty = true;
        self.at_rest = false;
        self.next_fast = Some(tokio::time::Instant::now());
    }

    /// One observe/reconcile/assign/supervise pass, when one is due.
    pub async fn step(
        &mut self,
        store: &mut dyn Backend,
        scan_due: bool,
    ) -> Result<(), StoreError> {
        let now = tokio::time::Instant::now();
        let fast_due = self.next_fast.is_some_and(|t| now >= t);
        // Nothing is due, or only the periodic scan, and nothing waits on it.
        let idle = !fast_due && !self.dirty;
        if idle && (!scan_due || self.resting(store)?) {
            return Ok(());
        }
        // Requests alone (no timer, no word from tmux): while the control
        // client reports every change of sessions, windows and panes, the
        // panes known are those tmux has, so the step goes straight to
        // assignment; the chosen pane is read again before anything is
        // typed. A burst of sends then costs no `list-panes` each.
        let events_only = !(scan_due || fast_due);
        let known = events_only && self.recovered && self.io.events_live();
        if events_only {
            // Without a tmux server there is nothing to do until the
            // periodic scan finds one; with one, coalesce bursts that would
            // each list the panes.
            if self.recovered && !self.reach.reachable {
                self.dirty = false;
                return Ok(());
            }
            if !known
                && let Some(gap) = self.last_scan.map(|t| t.elapsed()).filter(|e| *e < MIN_GAP)
            {
                self.next_fast = Some(now + MIN_GAP.saturating_sub(gap));
                return Ok(());
            }
        }
        let full = scan_due || self.dirty;
        self.dirty = false;
        self.at_rest = false;
        // Event-driven steps (a new prompt) go straight to assignment with
        // the states known; the chosen pane is re-read before delivery.
        let broad = scan_due
            && (store.has_pending()?
                || self.last_broad.is_none_or(|t| t.elapsed() >= IDLE_REFRESH));
        if broad {
            self.last_broad = Some(Instant::now());
        }
        if !known {
            self.last_scan = Some(Instant::now());
            if !self.observe(store, broad).await? {
                self.schedule();
                return Ok(());
            }
        }
        if !self.recovered {
            self.recover(store).await?;
            self.recovered = true;
            self.stale_at_start.clear();
        }
        self.supervise(store).await?;
        self.clear_between().await;
        self.assign(store, full).await?;
        self.persist_sessions(store)?;
        self.schedule();
        self.note_rest(store)
    }

    /// Fast polling only while something is moving: a delivery, a state
    /// being confirmed, a pane not read yet (new, or just given a prompt),
    /// or a prompt's agent that has stopped (idle or at a usage limit) and
    /// is waiting out the completion debounce. An agent
    /// that is simply working is read at the scan interval: polling fifty
    /// working agents ten times a second costs more than half a core of
    /// tmux processes and buys nothing but an earlier look at a spinner.
    fn schedule(&mut self) {
        let now = Instant::now();
        let stopping = |t: &panes::Tracked| {
            t.job.running().is_some()
                && (t.idle_since.is_some()
                    || t.last_verdict
                        .as_ref()
                        .is_some_and(|v| v.state == crate::protocol::SessionState::RateLimited))
        };
        let moving = self.panes.values().any(|t| {
            t.job.delivering().is_some()
                || t.unsettled(now)
                || stopping(t)
                || (t.captured_at.is_none() && !t.pane.dead)
        });
        self.next_fast = moving.then(|| tokio::time::Instant::now() + FAST_POLL);
    }
}
