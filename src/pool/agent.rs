//! One agent of a pool: where it is in its life (due to start, running,
//! down) and what its exits have cost it. Pure state, changed only by the
//! supervisor (`supervisor.rs`).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where an agent is in its life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// To be started once `at` has come.
    Due {
        /// Not before.
        at: Instant,
    },
    /// Its worktree is being made (`worktree.rs`), off the core's loop;
    /// due again once it is there.
    Preparing,
    /// Running in `pane`, started at `since`; `seq` is the engine's scan
    /// count when it was started: a scan no later than that cannot show it.
    Running {
        /// Pane id.
        pane: String,
        /// When it was started (or adopted).
        since: Instant,
        /// Scan count at the start.
        seq: u64,
    },
    /// Not started again: the restart policy or the start limit says so.
    Down {
        /// Why, for `pool`.
        why: String,
    },
}

/// Why an agent is to be stopped once it holds no prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Removed for good (scaled down, or its pool left the config).
    Retire,
    /// Started afresh (requested, recycled, or unhealthy); `overdue` also
    /// stops it while it holds a prompt whose timeout has passed.
    Restart {
        /// Logged and shown.
        why: String,
        /// Counted against the start limit (a health restart is a failure;
        /// one a person asked for is not).
        failure: bool,
        /// May interrupt a prompt past its timeout.
        overdue: bool,
    },
}

/// One agent.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Its number in the pool, from 1.
    pub n: u32,
    /// Its tmux session name.
    pub session: String,
    /// Where it is.
    pub phase: Phase,
    /// Restarts after an exit (or a health restart) since the daemon started.
    pub restarts: u32,
    /// Exits in a row without a long enough run between: the back-off.
    pub exits_in_row: u32,
    /// When the failures within the start-limit window happened.
    pub failures: VecDeque<Instant>,
    /// How it last ended, for `pool` and the log.
    pub last_exit: Option<String>,
    /// Since when its screen has read `unknown`.
    pub unknown_since: Option<Instant>,
    /// To be stopped once it holds no prompt.
    pub stop: Option<Stop>,
    /// When its pane was first seen dead without an exit status: tmux
    /// marks a pane dead when its terminal closes, and reads the status
    /// only once it has reaped the process, a moment later.
    pub dead_seen: Option<Instant>,
    /// When the server was last asked to reap its children for this
    /// agent's status ([`super::Action::Reap`]).
    pub reaped_at: Option<Instant>,
    /// Its worktree, made for its next start ([`super::Action::Prepare`]).
    pub worktree: Option<PathBuf>,
}

impl Agent {
    /// An agent due to start now.
    pub fn new(n: u32, session: String, now: Instant) -> Self {
        Self {
            n,
            session,
            phase: Phase::Due { at: now },
            restarts: 0,
            exits_in_row: 0,
            failures: VecDeque::new(),
            last_exit: None,
            unknown_since: None,
            stop: None,
            dead_seen: None,
            reaped_at: None,
            worktree: None,
        }
    }

    /// Its pane, while it runs.
    pub fn pane(&self) -> Option<&str> {
        match &self.phase {
            Phase::Running { pane, .. } => Some(pane),
            _ => None,
        }
    }

    /// Records a failure at `now`; whether it is still within the start
    /// limit (`burst` failures in `window`), as systemd's
    /// `StartLimitBurst=`/`StartLimitIntervalSec=`.
    pub fn count_failure(&mut self, now: Instant, burst: u32, window: Duration) -> bool {
        while self
            .failures
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            self.failures.pop_front();
        }
        self.failures.push_back(now);
        self.failures.len() <= burst as usize
    }

    /// What `pool` shows of its state.
    pub fn state(&self, now: Instant) -> String {
        match (&self.phase, &self.stop) {
            (Phase::Running { .. }, Some(Stop::Retire)) => "draining".into(),
            (Phase::Running { .. }, Some(Stop::Restart { .. })) => "restarting once idle".into(),
            (Phase::Running { .. }, None) => "running".into(),
            (Phase::Due { at }, _) if *at > now => {
                format!("restarting in {} ms", at.duration_since(now).as_millis())
            }
            (Phase::Due { .. }, _) => "starting".into(),
            (Phase::Preparing, _) => "creating its worktree".into(),
            (Phase::Down { why }, _) => format!("down: {why}"),
        }
    }
}

/// How an exit reads in the log and in `pool`.
pub fn describe_exit(status: Option<i32>, signal: Option<i32>) -> String {
    match (status, signal) {
        (Some(s), _) => format!("exited with status {s}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        (None, None) => "ended without an exit status (a signal)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_limit_counts_failures_within_the_window() {
        let t0 = Instant::now();
        let mut a = Agent::new(1, "a-1".into(), t0);
        let w = Duration::from_secs(10);
        assert!(a.count_failure(t0, 2, w));
        assert!(a.count_failure(t0 + Duration::from_secs(1), 2, w));
        assert!(!a.count_failure(t0 + Duration::from_secs(2), 2, w));
        // Once the first ones are out of the window, it is within again.
        let mut b = Agent::new(1, "a-1".into(), t0);
        b.count_failure(t0, 2, w);
        b.count_failure(t0 + Duration::from_secs(1), 2, w);
        assert!(b.count_failure(t0 + Duration::from_secs(11), 2, w));
    }

    #[test]
    fn exits_read_plainly() {
        assert_eq!(describe_exit(Some(3), None), "exited with status 3");
        assert_eq!(describe_exit(None, Some(9)), "killed by signal 9");
        assert!(describe_exit(None, None).contains("without an exit status"));
    }
}
