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

use std::time::Instant;

use tokio::task::JoinSet;
use tracing::{info, warn};

use super::Engine;
use crate::detect::fingerprint;
use crate::protocol::SessionState;
use crate::tmux::TmuxError;

/// Captures in flight at once: enough to overlap tmux round trips, few
/// enough not to swamp a small machine.
const PARALLEL: usize = 8;

impl Engine {
    /// Captures the panes due on this step. `broad` adds every pane whose
    /// window changed since it was last read.
    pub(super) async fn capture_due(&mut self, broad: bool) {
        let now = Instant::now();
        let due: Vec<(String, usize)> = self
            .panes
            .values()
            .filter(|t| !t.pane.dead && t.delivering.is_none())
            .filter(|t| {
                t.unsettled(now)
                    || t.captured_at.is_none()
                    || ((broad || t.prompt.is_some()) && t.may_have_changed())
            })
            .map(|t| (t.pane.id.clone(), usize::from(t.pane.height.max(24))))
            .collect();
        let mut running: JoinSet<(String, Result<String, TmuxError>)> = JoinSet::new();
        for (id, lines) in due {
            if running.len() >= PARALLEL
                && let Some(Ok((done, screen))) = running.join_next().await
            {
                self.take_capture(&done, screen);
            }
            let tmux = self.tmux.clone();
            running.spawn(async move {
                let screen = tmux.capture(&id, lines).await;
                (id, screen)
            });
        }
        while let Some(done) = running.join_next().await {
            if let Ok((pane, screen)) = done {
                self.take_capture(&pane, screen);
            }
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
        let lines = usize::from(self.panes.get(id)?.pane.height.max(24));
        let screen = self.tmux.capture(id, lines).await;
        self.take_capture(id, screen)
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
        self.capture_due(true).await;
    }
}
