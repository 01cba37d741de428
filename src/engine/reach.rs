//! Whether the tmux server answers, and whether one that does not is gone.
//!
//! A socket that does not answer proves nothing on its own: it may have
//! been moved or unlinked, or the server may be swamped, while every agent
//! keeps working. A server counts as gone only on proof — the process that
//! last answered has exited, or a server with another pid answers — and
//! until then the prompts in flight stay where they are and the time out of
//! reach does not count against their timeouts.

use std::time::{Duration, Instant};

/// What the last scans said about the tmux server.
#[derive(Debug, Clone, Default)]
pub(super) struct Reach {
    /// The last scan got an answer (a missing server is an answer).
    pub reachable: bool,
    /// Why not, for `status` and waiting reasons.
    pub reason: Option<String>,
    /// Process id of the server that last listed panes.
    pub server_pid: Option<u32>,
    /// Since when a server not proven gone has not answered.
    pub outage_since: Option<Instant>,
}

impl Reach {
    /// The server answered: returns for how long it had not.
    pub fn answered(&mut self) -> Option<Duration> {
        self.reachable = true;
        self.reason = None;
        self.outage_since.take().map(|t| t.elapsed())
    }

    /// A scan got no answer, for `reason`. Returns whether the reason is
    /// new, so it is logged once rather than on every scan.
    pub fn no_answer(&mut self, reason: String) -> bool {
        self.outage_since.get_or_insert_with(Instant::now);
        let new = self.reason.as_deref() != Some(&reason);
        self.reason = Some(reason);
        new
    }
}

/// Whether tmux server process `pid` is still running. A zombie has exited;
/// a pid reused by a program other than tmux is not the server.
pub fn server_alive(pid: u32) -> bool {
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    if raw <= 0 {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // `pid (comm) state ...`; comm may hold spaces and parentheses.
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(head, rest)| {
            let state = rest.trim_start().chars().next();
            head.contains("(tmux") && !matches!(state, Some('Z' | 'X'))
        }),
        // No procfs: the signal check alone (EPERM: alive, someone else's).
        Err(_) => match nix::sys::signal::kill(nix::unistd::Pid::from_raw(raw), None) {
            Ok(()) | Err(nix::errno::Errno::EPERM) => true,
            Err(_) => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_running_tmux_counts_as_the_server() {
        // This test binary is alive but is not tmux.
        assert!(!server_alive(std::process::id()));
        assert!(!server_alive(0));
        assert!(!server_alive(u32::MAX));
    }

    #[test]
    fn an_outage_is_timed_from_its_first_silent_scan() {
        let mut r = Reach::default();
        assert!(r.no_answer("timed out".into()));
        let since = r.outage_since;
        assert!(!r.no_answer("timed out".into()));
        assert_eq!(r.outage_since, since);
        assert!(r.answered().is_some());
        assert!(r.answered().is_none());
        assert!(r.reachable && r.reason.is_none());
    }
}
