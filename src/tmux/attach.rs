//! The control-mode client's life (ARCHITECTURE.md, "The engine"): turned
//! on and off, attached to a session a listing found, given up when it
//! ends, and tried again, at once when its session is gone and otherwise
//! after a pause, so that a server that will not keep one is not asked on
//! every scan. Its notifications of changed structure wake the engine.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::sync::lock;
use super::{Snapshot, Tmux, control};

/// How long after a failed control client, or a second one ending within
/// this time, the next is tried.
const CONTROL_RETRY: Duration = Duration::from_secs(5);

impl Tmux {
    /// Carries calls over a control-mode client when one can be attached
    /// (see the module's documentation); off by default.
    pub fn with_control_mode(self, on: bool) -> Self {
        self.control.enabled.store(on, Ordering::Relaxed);
        self
    }

    /// Whether calls are to go over a control client when one can run.
    pub fn control_mode(&self) -> bool {
        self.control.enabled.load(Ordering::Relaxed)
    }

    /// Turns control mode on or off for this driver and its clones; off
    /// ends the client at once.
    pub fn set_control_mode(&self, on: bool) {
        self.control.enabled.store(on, Ordering::Relaxed);
        if !on {
            *lock(&self.control.client) = None;
        }
    }

    /// Signalled whenever the control client reports that sessions,
    /// windows or panes changed, or that it ended: a scan then sees at once
    /// what the periodic one would have seen later. Bursts coalesce into
    /// one signal.
    pub fn structure_changes(&self) -> Arc<tokio::sync::Notify> {
        self.control.changed.clone()
    }

    /// How many changes of structure (or client ends) tmux has reported:
    /// a scan that finds a change while this stood still found one the
    /// events missed.
    pub fn structure_reports(&self) -> u64 {
        self.control.reported.load(Ordering::Acquire)
    }

    /// Which way calls reach the server now, for `status`.
    pub fn path(&self) -> &'static str {
        if self.live_control().is_some() {
            "control mode"
        } else {
            "a process per call"
        }
    }

    /// Whether tmux itself tells this driver of every change of structure
    /// now: a control client is attached and its notifications are read.
    pub fn events_live(&self) -> bool {
        self.live_control().is_some()
    }

    /// The control client, while it runs.
    pub(super) fn live_control(&self) -> Option<Arc<control::Control>> {
        let mut slot = lock(&self.control.client);
        if slot.take_if(|c| !c.is_open()).is_some() {
            // A client ends with its session: the next scan attaches to
            // another at once, or tmux's events go unheard until then.
            // Clients that keep ending wait out the pause, so a server that
            // will not keep one is not asked again on every scan.
            let mut last_end = lock(&self.control.last_end);
            let again = last_end.is_some_and(|t| t.elapsed() < CONTROL_RETRY);
            *last_end = Some(Instant::now());
            *lock(&self.control.last_try) = again.then(Instant::now);
        }
        slot.clone()
    }

    /// Attaches a control client to the session of the first pane listed
    /// when control mode is on, none runs, and the last attempt is not too
    /// recent, unless the last client's session is gone from `listing`:
    /// that client ended with it, which says nothing of the server, and
    /// killing the sessions an engine serves one after another must not
    /// leave it deaf for the pause after each second end.
    pub(super) async fn ensure_control(&self, listing: &Snapshot) {
        let Some(session) = listing.panes.first().map(|p| p.session.as_str()) else {
            return;
        };
        if !self.control.enabled.load(Ordering::Relaxed) || self.live_control().is_some() {
            return;
        }
        let ended_with_its_session = lock(&self.control.session)
            .as_ref()
            .is_some_and(|s| listing.panes.iter().all(|p| p.session != *s));
        {
            let mut last = lock(&self.control.last_try);
            let paused = last.is_some_and(|t| t.elapsed() < CONTROL_RETRY);
            if paused && !ended_with_its_session {
                return;
            }
            *last = Some(Instant::now());
        }
        let connected = control::Control::connect(self, session).await;
        // A failed attempt waits out the pause whatever became of the
        // session before it.
        *lock(&self.control.session) = connected.is_ok().then(|| session.to_owned());
        match connected {
            Ok((client, mut events)) => {
                tracing::info!(socket = %self.socket.display(), session, "tmux control mode attached");
                *lock(&self.control.client) = Some(Arc::new(client));
                let changed = self.control.changed.clone();
                let reported = self.control.reported.clone();
                // What changed between the listing that found the session
                // and the attach was never reported: count the attach as a
                // report, and have the next step list the panes again.
                reported.fetch_add(1, Ordering::AcqRel);
                changed.notify_one();
                tokio::spawn(async move {
                    while let Some(n) = events.recv().await {
                        if n.is_structural() {
                            reported.fetch_add(1, Ordering::AcqRel);
                            changed.notify_one();
                        }
                    }
                });
            }
            Err(e) => {
                tracing::info!(socket = %self.socket.display(), "tmux control mode unavailable, one process per call: {e}");
            }
        }
    }
}
