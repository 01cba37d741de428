//! How long each prompt's target session has been missing, for the
//! target-wait limit (`target_wait_minutes`).
//!
//! The clock starts when the target is first found missing, not when the
//! prompt was queued: a prompt that waited an hour for a busy target must
//! not fail the moment that session restarts. It stops as soon as the
//! target shows up again, and nothing is counted while the tmux server
//! cannot be reached (then no session can be seen at all), so the target
//! gets a full wait once the server is back. Kept in memory: after a
//! daemon restart the wait starts over, which errs on waiting.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

/// When each waiting prompt's target was first found missing.
#[derive(Debug, Default)]
pub struct MissingTargets {
    since: HashMap<i64, Instant>,
}

impl MissingTargets {
    /// The target of prompt `id` is missing at `now`: how long it has been
    /// missing without a break.
    pub fn missing(&mut self, id: i64, now: Instant) -> Duration {
        now.saturating_duration_since(*self.since.entry(id).or_insert(now))
    }

    /// The target exists (busy or not), or the prompt is not waiting for
    /// it: the next absence starts a new wait.
    pub fn found(&mut self, id: i64) {
        self.since.remove(&id);
    }

    /// The tmux server is out of reach: nothing can be said about any
    /// target, so every wait starts over once it is back.
    pub fn forget_all(&mut self) {
        self.since.clear();
    }

    /// Keeps only the prompts still waiting.
    pub fn retain(&mut self, pending: &HashSet<i64>) {
        self.since.retain(|id, _| pending.contains(id));
    }

    /// When the first of the waits now counted reaches `limit`: the one
    /// moment a pass over an unchanged queue and unchanged panes could
    /// decide something new.
    pub fn deadline(&self, limit: Duration) -> Option<Instant> {
        self.since.values().min().map(|t| *t + limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn counts_from_the_first_absence_not_from_the_queueing() {
        let queued = Instant::now();
        let mut m = MissingTargets::default();
        // Waited an hour for a busy target: that is not missing time.
        let restart = queued + 60 * MIN;
        assert_eq!(m.missing(1, restart), Duration::ZERO);
        assert_eq!(m.missing(1, restart + MIN), MIN);
    }

    #[test]
    fn a_target_that_reappears_starts_a_new_wait() {
        let t0 = Instant::now();
        let mut m = MissingTargets::default();
        m.missing(1, t0);
        assert_eq!(m.missing(1, t0 + 5 * MIN), 5 * MIN);
        m.found(1);
        assert_eq!(m.missing(1, t0 + 6 * MIN), Duration::ZERO);
        assert_eq!(m.missing(1, t0 + 7 * MIN), MIN);
    }

    #[test]
    fn an_unreachable_server_and_finished_prompts_reset_the_clock() {
        let t0 = Instant::now();
        let mut m = MissingTargets::default();
        m.missing(1, t0);
        m.missing(2, t0);
        m.retain(&HashSet::from([2]));
        assert_eq!(m.missing(1, t0 + 9 * MIN), Duration::ZERO);
        assert_eq!(m.missing(2, t0 + 9 * MIN), 9 * MIN);
        m.forget_all();
        assert_eq!(m.missing(2, t0 + 20 * MIN), Duration::ZERO);
    }
}
