//! What the pool supervisor (`crate::pool`) reads of the engine and tells
//! it: the last scan, each agent's use, which agents are being stopped
//! (no new prompt for them) and which provider a pool's sessions are.

use std::sync::Arc;
use std::time::Instant;

use jiff::Timestamp;

use super::Engine;
use crate::pool::{AgentUse, PoolSession};
use crate::protocol::SessionState;
use crate::tmux::Snapshot;

impl Engine {
    /// The last scan's panes, its number (0: none yet), and whether the
    /// server answered it.
    pub fn observed(&self) -> (u64, Arc<Snapshot>, bool) {
        (self.scans, self.snapshot.clone(), self.reach.reachable)
    }

    /// The driver of the served server, for the pools' own tmux calls.
    pub fn tmux(&self) -> &crate::tmux::Tmux {
        &self.tmux
    }

    /// What a pool needs to know of the agent in `pane`.
    pub fn agent_use(&self, pane: &str) -> Option<AgentUse> {
        let t = self.panes.get(pane)?;
        let overdue = t.job.running().is_some_and(|w| {
            w.timeout
                .is_some_and(|limit| w.submitted.elapsed() >= limit)
        });
        let limit_resets = t
            .debounce
            .reported()
            .filter(|r| r.state == SessionState::RateLimited)
            .and_then(|_| t.limit_reset.as_ref()?.reset())
            .map(instant_of);
        Some(AgentUse {
            busy: !t.job.is_free(),
            overdue,
            unknown: t.state() == SessionState::Unknown,
            completed: t.completed,
            limit_resets,
        })
    }

    /// The pools' word: `draining` panes get no new prompt; `sessions`
    /// are the pools' sessions by name.
    pub fn set_pools(&mut self, draining: &[String], sessions: Vec<(String, PoolSession)>) {
        let mut changed = false;
        for (id, t) in &mut self.panes {
            let now = draining.contains(id);
            changed |= t.draining != now;
            t.draining = now;
        }
        let sessions = sessions.into_iter().collect();
        if sessions != self.pool_sessions {
            self.pool_sessions = sessions;
            changed = true;
        }
        if changed {
            self.queue.invalidate();
            self.dirty = true;
        }
    }
}

/// The monotonic instant of wall-clock time `at`, which the pools compare
/// with their own clock; a past one before the clock's start reads as now.
fn instant_of(at: Timestamp) -> Instant {
    let (now, wall) = (Instant::now(), Timestamp::now());
    let ahead = at.duration_since(wall);
    match ahead.is_negative() {
        false => now + ahead.unsigned_abs(),
        true => now.checked_sub(ahead.unsigned_abs()).unwrap_or(now),
    }
}
