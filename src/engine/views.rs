//! Read-only views of the engine for `status`, `sessions`, `explain` and
//! `follow`.

use super::Engine;
use super::pane_job::PaneJob;
use crate::error::EngineError;
use crate::protocol::{Explanation, SessionCounts, SessionInfo, SessionState, TmuxStatus};
use crate::tmux::Tmux;

impl Engine {
    /// Tracked sessions, by name.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        let mut out: Vec<SessionInfo> = self
            .panes
            .values()
            .map(super::panes::Tracked::info)
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then(a.pane.cmp(&b.pane)));
        out
    }

    /// The tmux server served, and whether it answers.
    pub fn tmux_status(&self) -> TmuxStatus {
        TmuxStatus {
            socket: self.tmux.socket().display().to_string(),
            reachable: self.reach.reachable,
            reason: self.reach.reason.clone(),
            path: self.tmux.path().to_owned(),
            missed_by_events: self.backstop.missed,
            listings: self.scans - self.listing.glances,
            glances: self.listing.glances,
        }
    }

    /// Sessions per state, every state present.
    pub fn session_counts(&self) -> SessionCounts {
        let mut out: SessionCounts = SessionState::ALL.iter().map(|s| (*s, 0)).collect();
        for t in self.panes.values() {
            *out.entry(t.state()).or_default() += 1;
        }
        out
    }

    /// Sessions showing an approval dialog: a human must answer them.
    pub fn waiting_for_human(&self) -> Vec<String> {
        self.panes
            .values()
            .filter(|t| t.state() == SessionState::WaitingApproval)
            .map(|t| t.pane.display_name())
            .collect()
    }

    /// One-line session summary for `STATUS=`.
    pub fn summary(&self) -> String {
        if !self.reach.reachable {
            return format!(
                "no tmux sessions: {}",
                self.reach
                    .reason
                    .as_deref()
                    .unwrap_or("tmux server not reachable")
            );
        }
        let counts = self.session_counts();
        let get = |k| counts.get(&k).copied().unwrap_or(0);
        let mut s = format!(
            "sessions: {} idle, {} busy",
            get(SessionState::Idle),
            get(SessionState::Busy)
        );
        let waiting = get(SessionState::WaitingApproval);
        if waiting > 0 {
            s.push_str(&format!(", {waiting} waiting for approval"));
        }
        s
    }

    /// Where prompt `id` runs, for `follow`: its pane, the pane's history
    /// line the prompt's output starts at (as the response capture uses it,
    /// `supervise.rs`; the pane's size now until the paste recorded one),
    /// and the driver to read it with. `None` while it runs nowhere
    /// (pending, or being put back in the queue).
    pub fn running(&self, id: i64) -> Option<(String, u64, Tmux)> {
        let t = self.panes.values().find(|t| t.job.prompt() == Some(id))?;
        let mark = match &t.job {
            PaneJob::Running(w) => w.mark,
            PaneJob::Delivering(d) => d.mark,
            PaneJob::Free => None,
        };
        let mark = mark.unwrap_or(t.pane.history_size);
        Some((t.pane.id.clone(), mark, self.tmux.clone()))
    }

    /// `explain SESSION`: a fresh look at the pane and the rule that decided.
    pub async fn explain(&mut self, session: &str) -> Result<Explanation, EngineError> {
        let id = self
            .panes
            .values()
            .find(|t| t.pane.id == session || t.pane.display_name() == session)
            .or_else(|| self.panes.values().find(|t| t.pane.session == session))
            .map(|t| t.pane.id.clone())
            .ok_or_else(|| {
                EngineError::NotFound(format!("no tracked session named '{session}'"))
            })?;
        self.inspect(&id).await;
        let t = self
            .panes
            .get(&id)
            .ok_or_else(|| EngineError::NotFound(format!("session '{session}' vanished")))?;
        let verdict = t.last_verdict.clone();
        let lines = self.profiles.get(&t.provider).tail_lines;
        let tail: Vec<String> = crate::detect::tail(&t.last_screen, lines)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let rule = verdict.as_ref().map(|v| match &v.rule {
            Some(r) => format!(
                "{r} (screen says {}; reported {}; rules matching: {})",
                v.state,
                t.state(),
                v.matched.join(", ")
            ),
            None => format!("no rule matched (reported {})", t.state()),
        });
        let rule = if t.pane.in_mode {
            Some(format!(
                "pane {}; {}",
                super::panes::IN_MODE,
                rule.unwrap_or_default()
            ))
        } else {
            rule
        };
        Ok(Explanation {
            session: t.info(),
            provider_reason: t.provider_reason.clone(),
            rule,
            matched: verdict.map(|v| v.lines).unwrap_or_default(),
            screen_tail: tail,
        })
    }
}
