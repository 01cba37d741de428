//! Turning noisy per-scan verdicts into states worth acting on. A spinner
//! frame can be captured between redraws, and an agent pauses between tool
//! calls, so a new state must hold for a while before it is reported, and
//! the busy → idle transition (which completes a prompt) must hold longer,
//! with the screen unchanged, before anyone believes it.

use std::time::{Duration, Instant};

use super::Verdict;
use crate::protocol::SessionState;

/// A pane-local activity fingerprint (64-bit FNV-1a over the screen with
/// trailing spaces dropped). Stable across runs, unlike `DefaultHasher`, so
/// it can be logged and compared; tmux's `window_activity` cannot serve
/// because it is window-scoped.
pub fn fingerprint(screen: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for line in screen.lines() {
        for b in line.trim_end().bytes().chain(std::iter::once(b'\n')) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// A state the debouncer stands behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reported {
    /// The state.
    pub state: SessionState,
    /// The rule that decided it, for `explain`.
    pub rule: Option<String>,
    /// When it was first observed (not when it was confirmed).
    pub since: Instant,
}

#[derive(Debug, Clone)]
struct Candidate {
    state: SessionState,
    since: Instant,
    fingerprint: u64,
}

/// Per-pane debouncer. Feed it every verdict with the screen's
/// fingerprint and the observation time; it reports a state once it has
/// held for `settle` (or for `completion` when going from busy to idle,
/// during which any screen change restarts the clock). `Gone` is reported
/// at once: a vanished pane does not come back.
#[derive(Debug, Clone)]
pub struct Debouncer {
    settle: Duration,
    completion: Duration,
    reported: Option<Reported>,
    candidate: Option<Candidate>,
}

impl Debouncer {
    /// A debouncer with the given hold times.
    pub fn new(settle: Duration, completion: Duration) -> Self {
        Self {
            settle,
            completion,
            reported: None,
            candidate: None,
        }
    }

    /// The state currently reported, if any has been confirmed yet.
    pub fn reported(&self) -> Option<&Reported> {
        self.reported.as_ref()
    }

    /// A state seen but not yet confirmed, with how long it has held.
    pub fn pending(&self, now: Instant) -> Option<(SessionState, Duration)> {
        self.candidate
            .as_ref()
            .map(|c| (c.state, now.saturating_duration_since(c.since)))
    }

    /// Whether the state seen but not yet confirmed has held long enough
    /// that the next observation of the same screen confirms it. Until
    /// then, a screen known not to have changed need not be read again:
    /// the same screen would only be observed again.
    pub fn confirmable(&self, now: Instant) -> bool {
        self.candidate
            .as_ref()
            .is_some_and(|c| now.saturating_duration_since(c.since) >= self.hold(c.state))
    }

    /// How long a new `state` must hold: nothing for `Gone`, the
    /// completion debounce from busy to idle, the settle time otherwise.
    fn hold(&self, state: SessionState) -> Duration {
        match state {
            SessionState::Gone => Duration::ZERO,
            _ if self.completing(state) => self.completion,
            _ => self.settle,
        }
    }

    /// Whether a change to `state` is a completion: busy to idle, which
    /// holds for the completion debounce and on a still screen.
    fn completing(&self, state: SessionState) -> bool {
        let current = self.reported.as_ref().map(|r| r.state);
        current == Some(SessionState::Busy) && state == SessionState::Idle
    }

    /// Records one observation. Returns the newly reported state when this
    /// observation confirmed a change.
    pub fn observe(
        &mut self,
        verdict: &Verdict,
        fingerprint: u64,
        now: Instant,
    ) -> Option<&Reported> {
        let current = self.reported.as_ref().map(|r| r.state);
        if current == Some(verdict.state) {
            self.candidate = None;
            if let Some(r) = &mut self.reported {
                r.rule.clone_from(&verdict.rule);
            }
            return None;
        }
        let completing = self.completing(verdict.state);
        let restart = match &self.candidate {
            Some(c) => c.state != verdict.state || (completing && c.fingerprint != fingerprint),
            None => true,
        };
        if restart {
            self.candidate = Some(Candidate {
                state: verdict.state,
                since: now,
                fingerprint,
            });
        }
        let c = self.candidate.as_ref()?;
        if now.saturating_duration_since(c.since) < self.hold(verdict.state) {
            return None;
        }
        let c = self.candidate.take()?;
        self.reported = Some(Reported {
            state: c.state,
            rule: verdict.rule.clone(),
            since: c.since,
        });
        self.reported.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SessionState::*;

    fn v(state: SessionState) -> Verdict {
        Verdict {
            state,
            rule: Some(format!("{state}-rule")),
            matched: vec![],
            lines: vec![],
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn fingerprint_ignores_trailing_spaces_only() {
        assert_eq!(fingerprint("a  \nb"), fingerprint("a\nb\n"));
        assert_ne!(fingerprint("a\nb"), fingerprint("a\nc"));
        assert_eq!(fingerprint("x"), fingerprint("x"));
    }

    #[test]
    fn a_state_must_hold_for_settle() {
        let t0 = Instant::now();
        let mut d = Debouncer::new(ms(500), ms(3000));
        assert!(d.observe(&v(Idle), 1, t0).is_none());
        assert_eq!(d.pending(t0 + ms(100)), Some((Idle, ms(100))));
        assert!(d.observe(&v(Idle), 1, t0 + ms(400)).is_none());
        let r = d.observe(&v(Idle), 1, t0 + ms(500)).cloned().unwrap();
        assert_eq!(
            (r.state, r.since, r.rule.as_deref()),
            (Idle, t0, Some("idle-rule"))
        );
        assert!(
            d.observe(&v(Idle), 1, t0 + ms(600)).is_none(),
            "no repeat report"
        );
    }

    #[test]
    fn a_flicker_resets_the_clock() {
        let t0 = Instant::now();
        let mut d = Debouncer::new(ms(500), ms(3000));
        d.observe(&v(Busy), 1, t0);
        d.observe(&v(Busy), 1, t0 + ms(500));
        d.observe(&v(Idle), 2, t0 + ms(600));
        d.observe(&v(Busy), 3, t0 + ms(700)); // back to the reported state
        assert!(d.pending(t0 + ms(700)).is_none());
        assert!(d.observe(&v(Idle), 2, t0 + ms(800)).is_none());
        assert_eq!(d.reported().unwrap().state, Busy);
    }

    #[test]
    fn a_change_is_confirmable_once_it_has_held_as_long_as_the_next_look_needs() {
        let t0 = Instant::now();
        let mut d = Debouncer::new(ms(500), ms(3000));
        assert!(!d.confirmable(t0), "nothing pending");
        d.observe(&v(Busy), 1, t0);
        assert!(!d.confirmable(t0 + ms(499)));
        assert!(d.confirmable(t0 + ms(500)));
        assert_eq!(d.observe(&v(Busy), 1, t0 + ms(500)).unwrap().state, Busy);
        // Busy to idle holds for the completion debounce, not the settle.
        d.observe(&v(Idle), 2, t0 + ms(1000));
        assert!(!d.confirmable(t0 + ms(3999)));
        assert!(d.confirmable(t0 + ms(4000)));
        assert_eq!(d.observe(&v(Idle), 2, t0 + ms(4000)).unwrap().state, Idle);
        assert!(!d.confirmable(t0 + ms(9000)), "nothing pending");
    }

    #[test]
    fn completion_holds_longer_and_needs_a_still_screen() {
        let t0 = Instant::now();
        let mut d = Debouncer::new(ms(500), ms(3000));
        d.observe(&v(Busy), 1, t0);
        d.observe(&v(Busy), 1, t0 + ms(500));
        d.observe(&v(Idle), 2, t0 + ms(1000));
        assert!(
            d.observe(&v(Idle), 2, t0 + ms(2000)).is_none(),
            "settle is not enough"
        );
        assert!(
            d.observe(&v(Idle), 9, t0 + ms(3500)).is_none(),
            "screen changed: restart"
        );
        assert!(d.observe(&v(Idle), 9, t0 + ms(6000)).is_none());
        let r = d.observe(&v(Idle), 9, t0 + ms(6500)).cloned().unwrap();
        assert_eq!((r.state, r.since), (Idle, t0 + ms(3500)));
    }

    #[test]
    fn other_changes_use_settle_and_gone_is_immediate() {
        let t0 = Instant::now();
        let mut d = Debouncer::new(ms(200), ms(3000));
        d.observe(&v(Busy), 1, t0);
        d.observe(&v(Busy), 1, t0 + ms(200));
        d.observe(&v(WaitingApproval), 2, t0 + ms(300));
        assert_eq!(
            d.observe(&v(WaitingApproval), 3, t0 + ms(500))
                .unwrap()
                .state,
            WaitingApproval
        );
        assert_eq!(d.observe(&v(Gone), 0, t0 + ms(501)).unwrap().state, Gone);
    }
}
