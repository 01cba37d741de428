//! Per-prompt timeouts: the prompt fails with "timed out after N min", the
//! agent is interrupted, and the prompt is retried on a different session
//! while retries remain, but only once the agent has let go of it: one that
//! keeps working may still have it, and its prompt is not run twice.
//! Timeouts are whole minutes, so this test takes one.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::time::Duration;

use common::Fleet;

#[test]
fn timeout_fails_interrupts_and_retries_elsewhere_only_once_let_go() {
    let mut f = Fleet::new(
        &["claude-1", "slow-claude"],
        &["--busy-ms", "600000"],
        common::daemon::TEST_CONFIG,
    );
    let final_fail = f.d.send(&[
        "no retries left",
        "--timeout",
        "1",
        "--max-retries",
        "0",
        "--target",
        "slow-claude",
    ]);
    f.wait_status(final_fail, "in_progress");
    f.add_agent(
        "stubborn-claude",
        &["--busy-ms", "600000", "--ignore-escape"],
    );
    let held = f.d.send(&[
        "still held",
        "--timeout",
        "1",
        "--max-retries",
        "1",
        "--target",
        "stubborn-claude",
    ]);
    f.wait_status(held, "in_progress");
    let retried =
        f.d.send(&["retry me elsewhere", "--timeout", "1", "--max-retries", "1"]);
    f.wait_status(retried, "in_progress");
    assert_eq!(f.log("claude-1").submissions(), ["retry me elsewhere"]);
    f.add_agent("claude-2", &[]);
    let limit = Duration::from_secs(150);
    f.wait_status_within(final_fail, "failed", limit);
    let shown = f.d.ctl_json(&["show", &final_fail.to_string()]);
    assert_eq!(shown["prompt"]["error"], "timed out after 1 min");
    f.wait_status_within(retried, "completed", limit);
    let shown = f.d.ctl_json(&["show", &retried.to_string()]);
    assert_eq!(shown["prompt"]["retry_count"], 1);
    assert_eq!(
        shown["prompt"]["session"], "claude-2",
        "retried on the same session"
    );
    let events = f.d.history_events(retried);
    assert!(
        events.windows(2).any(|w| w == ["failed", "retried"]),
        "{events:?}"
    );
    f.wait_status_within(held, "failed", limit);
    let shown = f.d.ctl_json(&["show", &held.to_string()]);
    let error = shown["prompt"]["error"].as_str().unwrap();
    assert!(
        error.starts_with("timed out after 1 min") && error.contains("may have it"),
        "{error}\n{}",
        f.d.logs()
    );
    assert_eq!(shown["prompt"]["retry_count"], 0, "{shown}");
    assert!(!f.d.history_events(held).contains(&"retried".to_owned()));
    let stubborn = f.log("stubborn-claude");
    assert_eq!(stubborn.submissions(), ["still held"]);
    assert!(
        stubborn
            .entries()
            .iter()
            .any(|e| e.get("ignored").is_some()),
        "the stubborn agent was not interrupted"
    );
    let interrupted = f
        .log("claude-1")
        .entries()
        .iter()
        .any(|e| e.get("interrupt").is_some());
    assert!(interrupted, "the timed-out agent was not interrupted");
}
