//! Bounded polling for tests: wait for a condition instead of sleeping.

use std::time::{Duration, Instant};

/// Default bound for conditions that should hold within a moment. Generous,
/// because CI machines are noisy; a passing test never waits this long.
pub const WAIT: Duration = Duration::from_secs(20);

/// Polls `cond` every few milliseconds until it returns true or `timeout`
/// passes. Returns whether it became true.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(2);
    loop {
        if cond() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Like [`wait_until`], but returns the first `Some` value, or panics with
/// `what` when the timeout passes.
pub fn wait_for<T>(timeout: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let mut found = None;
    let ok = wait_until(timeout, || {
        found = probe();
        found.is_some()
    });
    match (ok, found) {
        (true, Some(v)) => v,
        _ => panic!("timed out after {timeout:?} waiting for {what}"),
    }
}
