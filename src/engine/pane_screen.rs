//! A tracked pane's screen reads (ARCHITECTURE.md, "The engine"): what a
//! capture records (the verdict into the debounce, the continuous-idle
//! clock, the rate-limit reset, a set-aside lifted once the screen
//! changed), and whether the pane needs the next one. A capture costs the
//! tmux server a round trip, so whether a screen may differ is judged from
//! tmux's own `window_activity` against the second of the last capture,
//! and a state still settling is read again only when that could confirm
//! or restart it.

use std::time::Instant;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::panes::Tracked;
use crate::detect::Verdict;
use crate::protocol::SessionState;

impl Tracked {
    /// Records a raw verdict; keeps the continuous-idle clock.
    pub fn observe(
        &mut self,
        verdict: Verdict,
        screen: String,
        fingerprint: u64,
        now: Instant,
    ) -> bool {
        let before = self.state();
        if self
            .set_aside
            .as_ref()
            .is_some_and(|a| a.screen != Some(fingerprint))
        {
            self.set_aside = None;
        }
        self.debounce.observe(&verdict, fingerprint, now);
        self.idle_since = match (verdict.state, self.idle_since) {
            (SessionState::Idle, Some((t, fp))) if fp == fingerprint => Some((t, fp)),
            (SessionState::Idle, _) => Some((now, fingerprint)),
            _ => None,
        };
        self.limit_reset = (verdict.state == SessionState::RateLimited).then(|| {
            let mut watch = self.limit_reset.take().unwrap_or_default();
            watch.observe(&screen, Timestamp::now(), &TimeZone::system());
            watch
        });
        self.last_verdict = Some(verdict);
        self.last_screen = screen;
        self.fingerprint = fingerprint;
        self.captured_at = Some(unix_secs());
        before != self.state()
    }

    /// Whether the screen may differ from the last capture. `window_activity`
    /// has one-second resolution, so output in the second of the capture or
    /// later may be missing from it, and 0 means tmux gave no time at all:
    /// both count as changed.
    pub fn may_have_changed(&self) -> bool {
        let activity = self.pane.activity;
        self.captured_at
            .is_none_or(|at| activity >= at || activity == 0)
    }

    /// Whether a state change is waiting to be confirmed by more captures.
    pub fn unsettled(&self, now: Instant) -> bool {
        self.debounce.pending(now).is_some()
    }

    /// Whether a state change waiting to be confirmed needs a capture now:
    /// the screen may have changed (which may restart its clock), or it
    /// has held long enough for the next look to confirm it. In between, an
    /// unchanged window would only show the same screen again, so a pane
    /// settling costs a capture or two instead of one every fast poll.
    pub fn settling_look_due(&self, now: Instant) -> bool {
        self.unsettled(now) && (self.may_have_changed() || self.debounce.confirmable(now))
    }
}

/// The wall-clock second now: the resolution of tmux's `window_activity`,
/// which a capture's second is compared with.
pub(super) fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::tmux::Pane;

    fn tracked(activity: u64) -> Tracked {
        let pane = Pane {
            id: "%1".into(),
            activity,
            ..Pane::default()
        };
        Tracked::new(pane, 1, Duration::ZERO, Duration::ZERO)
    }

    #[test]
    fn output_in_the_second_of_a_capture_counts_as_a_change() {
        let mut t = tracked(1_000);
        assert!(t.may_have_changed(), "never captured");
        // Captured in the same second as the last output: what came later
        // in that second may be missing from the capture.
        t.captured_at = Some(1_000);
        assert!(t.may_have_changed());
        // Captured after it: unchanged until the window is active again.
        t.captured_at = Some(1_001);
        assert!(!t.may_have_changed());
        t.pane.activity = 1_005;
        assert!(t.may_have_changed());
    }

    #[test]
    fn a_window_without_an_activity_time_is_always_read() {
        let mut t = tracked(0);
        t.captured_at = Some(1_000);
        assert!(t.may_have_changed());
    }
}
