//! Reading panes: which ones to capture on a step, capturing them a few at
//! a time, and turning each screen into a provider and a verdict.
//!
//! Captures are the whole cost of a scan (one `tmux` process each), so a
//! pane is read only when its state matters now: its state is settling, it
//! is new, or its window changed and either it runs a prompt (whose end
//! must be seen) or the state of idle panes is needed (prompts are waiting,
//! a person asked, or the idle refresh is due). A pane running a prompt
//! whose window did not change cannot have finished it: its screen is the
//! one already read.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinSet;
use tracing::{info, warn};

use super::Engine;
use super::message::Screens;
use crate::detect::fingerprint;
use crate::protocol::SessionState;
use crate::tmux::{PaneIo, TmuxError};

/// Captures in flight at once: enough to overlap tmux round trips, few
/// enough not to swamp a small machine.
const PARALLEL: usize = 8;

impl Engine {
    /// The panes due for a capture on this step. `broad` adds every pane
    /// whose window changed since it was last read.
    fn due(&self, broad: bool) -> Vec<(String, usize)> {
        let now = Instant::now();
        self.panes
            .values()
            .filter(|t| !t.pane.dead && t.job.delivering().is_none())
            .filter(|t| {
                t.settling_look_due(now)
                    || t.captured_at.is_none()
                    || ((broad || t.job.running().is_some()) && t.may_have_changed())
            })
            .map(|t| (t.pane.id.clone(), screen_lines(t)))
            .collect()
    }

    /// Starts reading the panes due on this step in the background: the
    /// core answers requests meanwhile, and applies the screens when they
    /// arrive ([`Engine::take_screens`]). One batch at a time; a pane due
    /// again while one runs is read by the next.
    pub(super) fn capture_due(&mut self, broad: bool) {
        if self.screens_in_flight {
            return;
        }
        let due = self.due(broad);
        if due.is_empty() {
            return;
        }
        self.screens_in_flight = true;
        let (tmux, tx) = (self.io.clone(), self.tx.clone());
        let (started, started_secs) = (Instant::now(), super::pane_screen::unix_secs());
        tokio::spawn(async move {
            let screens = read_all(&tmux, due).await;
            let screens = Screens {
                started,
                started_secs,
                screens,
            };
            let _ = tx.send(super::EngineMsg::Screens(screens)).await;
        });
    }

    /// Applies a background batch. Returns whether a pane's state changed,
    /// which the core then acts on; a screen of a pane that was replaced
    /// while it was read (a restarted server reuses ids) is dropped.
    pub(super) fn take_screens(&mut self, batch: Screens) -> bool {
        self.screens_in_flight = false;
        let mut changed = false;
        for (id, screen) in batch.screens {
            if self.panes.get(&id).is_none_or(|t| t.since > batch.started) {
                continue;
            }
            let before = self.panes.get(&id).map(super::panes::Tracked::state);
            self.take_capture(&id, screen);
            if let Some(t) = self.panes.get_mut(&id) {
                t.captured_at = Some(batch.started_secs);
                changed |= before != Some(t.state());
            }
        }
        changed
    }

    /// Reads the panes due now and applies them before returning: for a
    /// person who asked (`sessions`).
    async fn capture_now(&mut self, broad: bool) {
        let due = self.due(broad);
        for (id, screen) in read_all(&self.io, due).await {
            self.take_capture(&id, screen);
        }
    }

    fn take_capture(
        &mut self,
        id: &str,
        screen: Result<String, TmuxError>,
    ) -> Option<SessionState> {
        match screen {
            Ok(screen) => self.apply_screen(id, screen),
            Err(e) => {
                warn!(pane = %id, "capture failed: {e}");
                None
            }
        }
    }

    /// Captures one pane now and feeds the verdict to its tracker. Returns
    /// the raw state seen, or `None` when the pane could not be read.
    pub(super) async fn inspect(&mut self, id: &str) -> Option<SessionState> {
        let lines = screen_lines(self.panes.get(id)?);
        let screen = self.io.capture(id, lines).await;
        self.take_capture(id, screen)
    }

    /// Captures `panes` at once and feeds each verdict to its tracker, as
    /// [`Self::inspect`] does for one: the last check of the panes an
    /// assignment round chose. A pane that could not be read, or is no
    /// longer tracked, maps to `None`.
    pub(super) async fn inspect_all(
        &mut self,
        panes: &[&str],
    ) -> HashMap<String, Option<SessionState>> {
        let due = panes
            .iter()
            .filter_map(|id| Some(((*id).to_owned(), screen_lines(self.panes.get(*id)?))))
            .collect();
        read_all(&self.io, due)
            .await
            .into_iter()
            .map(|(id, screen)| {
                let state = self.take_capture(&id, screen);
                (id, state)
            })
            .collect()
    }

    /// Classifies a captured screen and updates the pane's tracker.
    fn apply_screen(&mut self, id: &str, screen: String) -> Option<SessionState> {
        let t = self.panes.get(id)?;
        let (provider, reason) = match self.pool_sessions.get(&t.pane.session) {
            Some(p) => (p.provider.clone(), "its pool declares it".to_owned()),
            None => self
                .profiles
                .provider_for(&t.pane.session, &t.pane.command, Some(&screen)),
        };
        let verdict = self.profiles.classify_sent(&provider, &screen, &t.sent);
        let raw = verdict.state;
        let fp = fingerprint(&screen);
        let t = self.panes.get_mut(id)?;
        if t.provider != provider {
            info!(session = %t.pane.display_name(), pane = %id, provider = %provider, "provider: {reason}");
        }
        t.provider = provider;
        t.provider_reason = reason;
        if t.observe(verdict, screen, fp, Instant::now()) {
            let (name, state, rule) = (t.pane.display_name(), t.state(), t.rule());
            self.session_event(state.as_str(), name, rule);
        }
        Some(raw)
    }

    /// Brings every pane's state up to date for a person's `sessions`.
    pub async fn refresh(&mut self) {
        self.capture_now(true).await;
    }
}

/// How many bottom lines a capture of `t` keeps: its whole screen, and
/// never fewer than 24 whatever height tmux last reported. One rule for
/// every capture that classifies a pane, so a scan and the check before
/// typing read the same screen.
fn screen_lines(t: &super::panes::Tracked) -> usize {
    usize::from(t.pane.height.max(24))
}

/// Captures `due` panes, a few at a time.
async fn read_all(
    tmux: &Arc<dyn PaneIo>,
    due: Vec<(String, usize)>,
) -> Vec<(String, Result<String, TmuxError>)> {
    let mut running: JoinSet<(String, Result<String, TmuxError>)> = JoinSet::new();
    let mut out = Vec::with_capacity(due.len());
    for (id, lines) in due {
        if running.len() >= PARALLEL
            && let Some(Ok(done)) = running.join_next().await
        {
            out.push(done);
        }
        let tmux = tmux.clone();
        running.spawn(async move {
            let screen = tmux.capture(&id, lines).await;
            (id, screen)
        });
    }
    while let Some(done) = running.join_next().await {
        if let Ok(done) = done {
            out.push(done);
        }
    }
    out
}
