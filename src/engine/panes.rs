//! What the engine knows about each pane between scans; what a capture
//! changes in it is in `pane_screen.rs`.

use std::time::{Duration, Instant};

use super::pane_job::PaneJob;
use crate::detect::{Debouncer, ResetWatch, SentText, Verdict};
use crate::protocol::{SessionInfo, SessionState};
use crate::store::SessionRow;
use crate::tmux::Pane;

/// Why a pane in a tmux mode gets no prompt: keys typed there go to the
/// mode (copy mode takes Enter as "copy"), never to the agent.
pub const IN_MODE: &str = "is in tmux copy mode: nothing is typed there until it leaves";

/// Why a pool agent being stopped gets no prompt.
pub const DRAINING: &str = "is being stopped by its pool once idle";

/// Why a pool agent gets no prompt right after completing one.
pub const CLEARING: &str = "is clearing its context before the next prompt";

/// Tracking state of one pane.
#[derive(Debug)]
pub struct Tracked {
    /// The pane as last listed by tmux.
    pub pane: Pane,
    /// tmux server pid it belongs to.
    pub server_pid: u32,
    /// Detected provider and why.
    pub provider: String,
    /// How the provider was chosen.
    pub provider_reason: String,
    /// Excluded from assignment by the config.
    pub excluded: bool,
    /// Git branch of its working directory, when it is in a repository.
    pub branch: Option<String>,
    /// Debounced state.
    pub debounce: Debouncer,
    /// The last raw verdict and the screen it came from.
    pub last_verdict: Option<Verdict>,
    /// Bottom of the pane at the last capture.
    pub last_screen: String,
    /// Fingerprint of the last capture.
    pub fingerprint: u64,
    /// Wall-clock second of the last capture (`None`: never captured).
    /// Window activity before that second is already on the screen read.
    pub captured_at: Option<u64>,
    /// Raw idle observed continuously since, with this fingerprint.
    pub idle_since: Option<(Instant, u64)>,
    /// The prompt it holds: being delivered, or running and watched.
    pub job: PaneJob,
    /// The last prompts typed here, newest last: their echo on screen is
    /// not evidence of a state (see `Profiles::classify_sent`).
    pub sent: Vec<SentText>,
    /// When it last received a prompt.
    pub last_assigned: Option<Instant>,
    /// Found unfit just before a delivery although it looked idle: routing
    /// passes it over, so one such pane cannot hold up the queue.
    pub set_aside: Option<SetAside>,
    /// Until when, and why, it gets no prompt after its agent reported a
    /// failure (`assignerctl complete --failed`).
    pub resting: Option<(Instant, String)>,
    /// Until when, and why, its agent's model API refused for a rate limit
    /// (`limit.rs`): it reads `rate_limited` and gets no prompt meanwhile.
    pub limited: Option<(Instant, String)>,
    /// Rate limits in a row without a completed prompt, which lengthen the
    /// next wait.
    pub limit_strikes: u32,
    /// The row last written to the database, to skip unchanged writes.
    pub persisted: Option<SessionRow>,
    /// When tracking began: a screen read before then is of another pane
    /// (a restarted server reuses pane ids).
    pub since: Instant,
    /// Its pool stops it once it holds no prompt (a scale-down, a restart):
    /// it gets no new one meanwhile.
    pub draining: bool,
    /// Prompts it completed, for a pool's `recycle_after`.
    pub completed: u32,
    /// Its pool's `clear_between` is to be typed before its next prompt.
    pub clearing: bool,
    /// While its screen reads `rate_limited`: when the banner says the
    /// limit resets, read at the banner's first sight (`agent_use`).
    pub limit_reset: Option<ResetWatch>,
}

impl Tracked {
    /// Starts tracking a pane.
    pub fn new(pane: Pane, server_pid: u32, settle: Duration, completion: Duration) -> Self {
        Self {
            pane,
            server_pid,
            provider: "unknown".into(),
            provider_reason: "not inspected yet".into(),
            excluded: false,
            branch: None,
            debounce: Debouncer::new(settle, completion),
            last_verdict: None,
            last_screen: String::new(),
            fingerprint: 0,
            captured_at: None,
            idle_since: None,
            job: PaneJob::Free,
            sent: Vec::new(),
            last_assigned: None,
            set_aside: None,
            resting: None,
            limited: None,
            limit_strikes: 0,
            persisted: None,
            since: Instant::now(),
            draining: false,
            completed: 0,
            clearing: false,
            limit_reset: None,
        }
    }

    /// The debounced state (unknown until one is confirmed), or
    /// `rate_limited` while a rate limit is waited out.
    pub fn state(&self) -> SessionState {
        if self.pane.dead {
            return SessionState::Gone;
        }
        if self.limit().is_some() {
            return SessionState::RateLimited;
        }
        self.debounce
            .reported()
            .map_or(SessionState::Unknown, |r| r.state)
    }

    /// The rule behind the debounced state, or why the pane takes no
    /// prompt whatever its state says.
    pub fn rule(&self) -> Option<String> {
        if self.pane.in_mode {
            return Some(format!("pane {IN_MODE}"));
        }
        if let Some(why) = self.limit() {
            return Some(why.to_owned());
        }
        self.debounce.reported().and_then(|r| r.rule.clone())
    }

    /// Why the pane waits out a rate limit, while it does.
    fn limit(&self) -> Option<&str> {
        self.limited
            .as_ref()
            .filter(|(until, _)| Instant::now() < *until)
            .map(|(_, why)| why.as_str())
    }

    /// Why routing must pass the pane over although it may look idle.
    pub fn unfit(&self) -> Option<String> {
        if self.pane.in_mode {
            return Some(IN_MODE.to_owned());
        }
        if self.draining {
            return Some(DRAINING.to_owned());
        }
        if self.clearing {
            return Some(CLEARING.to_owned());
        }
        if let Some((until, why)) = &self.resting
            && Instant::now() < *until
        {
            return Some(why.clone());
        }
        if let Some(why) = self.limit() {
            return Some(why.to_owned());
        }
        self.set_aside.as_ref().map(|a| a.why.clone())
    }

    /// Remembers a prompt typed here; only the last few can still be on
    /// screen.
    pub fn remember_sent(&mut self, text: &str) {
        const KEPT: usize = 8;
        let text = SentText::new(text);
        self.sent.retain(|s| *s != text);
        if self.sent.len() == KEPT {
            self.sent.remove(0);
        }
        self.sent.push(text);
    }

    /// Free to receive a prompt now.
    pub fn available(&self) -> bool {
        self.state() == SessionState::Idle && self.job.is_free() && !self.excluded
    }

    /// The database row for this pane.
    pub fn row(&self) -> SessionRow {
        SessionRow {
            info: self.info(),
            server_pid: Some(self.server_pid),
            session_name: self.pane.session.clone(),
            window: self.pane.window,
            index: self.pane.index,
            pane_pid: Some(self.pane.pid),
        }
    }

    /// The protocol view.
    pub fn info(&self) -> SessionInfo {
        SessionInfo {
            name: self.pane.display_name(),
            pane: self.pane.id.clone(),
            provider: self.provider.clone(),
            state: self.state(),
            rule: self.rule(),
            working_dir: Some(self.pane.path.clone()).filter(|p| !p.is_empty()),
            branch: self.branch.clone(),
            command: Some(self.pane.command.clone()).filter(|c| !c.is_empty()),
            prompt: self.job.running().map(|w| w.id),
            excluded: self.excluded,
            last_activity: None,
        }
    }
}

/// Why a pane was passed over, and for how long.
#[derive(Debug, Clone)]
pub struct SetAside {
    /// Shown in the waiting reason of prompts it could have taken.
    pub why: String,
    /// Held while the screen keeps this fingerprint (a draft in the input
    /// box stays until someone sends or clears it, and re-reading an
    /// unchanged screen would only find it again); `None`: only for the
    /// rest of the assignment pass.
    pub screen: Option<u64>,
}

/// Whether `pane` matches an `exclude` entry: session name, display name or
/// pane id, exactly.
pub fn is_excluded(pane: &Pane, exclude: &[String]) -> bool {
    let name = pane.display_name();
    exclude
        .iter()
        .any(|e| *e == pane.session || *e == name || *e == pane.id)
}
