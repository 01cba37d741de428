//! `wait ID…` and `send --wait`: the response on stdout, the outcome in
//! the exit status (assignerctl(1), EXIT STATUS), across a daemon restart.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Background, Fleet, WAIT, wait_until};

/// Exit statuses documented in assignerctl(1).
const FAILED: i32 = 80;
const CANCELLED: i32 = 81;
const TIMED_OUT: i32 = 82;

/// How many streams (`watch stream open`, `follow stream open`) the daemon
/// has opened so far: a client counted here has read its first answer.
fn opened(f: &Fleet, what: &str) -> usize {
    f.d.logs().matches(what).count()
}

#[test]
fn send_wait_prints_the_response_and_exits_0() {
    let f = Fleet::with_agents(&["claude-1"]);
    let out = f.d.ctl(&[
        "send",
        "--wait",
        "--provider",
        "claude",
        "answer me #busy=300",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("⏺ Done (prompt 1)"), "{stdout}");
    assert!(!stdout.trim().starts_with('1'), "the id is not the answer");
    let shown = f.d.ctl_json(&["show", "1"]);
    assert_eq!(
        shown["prompt"]["response"].as_str().map(str::trim_end),
        Some(stdout.trim_end())
    );
}

#[test]
fn a_failed_prompt_exits_80_and_json_prints_its_final_record() {
    let f = Fleet::with_agents(&["claude-1"]);
    let out =
        f.d.ctl(&["--json", "send", "--wait", "it breaks #apierror #busy=100"]);
    assert_eq!(out.status.code(), Some(FAILED), "{out:?}");
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["type"], "prompt");
    assert_eq!(record["prompt"]["status"], "failed");
    assert!(
        record["prompt"]["error"]
            .as_str()
            .unwrap()
            .contains("API Error: 500"),
        "{record}"
    );
}

#[test]
fn a_cancelled_prompt_exits_81_and_each_prompt_gets_a_header() {
    let f = Fleet::with_agents(&["claude-1"]);
    let done = f.d.send(&["quick one #busy=100"]);
    f.wait_status(done, "completed");
    let ghost = f.d.send(&["--target", "ghost", "never delivered"]);
    let before = opened(&f, "watch stream open");
    let mut wait = Background::start(&f.d, &["wait", &done.to_string(), &ghost.to_string()]);
    assert!(wait_until(WAIT, || opened(&f, "watch stream open") > before));
    assert!(!wait.exited(), "{}", wait.stderr());
    f.d.ctl_ok(&["cancel", &ghost.to_string()]);
    assert_eq!(wait.exit_code(WAIT), Some(CANCELLED), "{}", wait.stderr());
    let stdout = wait.stdout();
    let first = stdout.find(&format!("==> prompt {done}: completed <=="));
    let second = stdout.find(&format!("==> prompt {ghost}: cancelled <=="));
    assert!(first.is_some() && first < second, "{stdout}");
    assert!(stdout.contains("⏺ Done (prompt 1)"), "{stdout}");
    assert!(wait.stderr().contains("cancelled"), "{}", wait.stderr());
}

#[test]
fn a_deadline_that_passes_exits_82_and_leaves_the_prompt_queued() {
    let f = Fleet::with_agents(&[]);
    let out = f.d.ctl(&[
        "send",
        "--wait",
        "--wait-timeout",
        "1",
        "--target",
        "ghost",
        "nobody takes this",
    ]);
    assert_eq!(out.status.code(), Some(TIMED_OUT), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("prompt 1 has not ended"));
    assert_eq!(f.d.status_of(1), "pending");
    let out = f.d.ctl(&["wait", "--timeout", "1", "1"]);
    assert_eq!(out.status.code(), Some(TIMED_OUT), "{out:?}");
    assert_eq!(f.d.status_of(1), "pending");
}

#[test]
fn wait_on_a_prompt_that_does_not_exist_exits_66() {
    let f = Fleet::with_agents(&[]);
    let out = f.d.ctl(&["wait", "99"]);
    assert_eq!(out.status.code(), Some(66), "{out:?}");
}

#[test]
fn wait_carries_on_across_a_daemon_restart() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let id = f.d.send(&["a long one across a restart #busy=4000"]);
    f.wait_status(id, "in_progress");
    let before = opened(&f, "watch stream open");
    let mut wait = Background::start(&f.d, &["wait", &id.to_string()]);
    assert!(wait_until(WAIT, || opened(&f, "watch stream open") > before));
    f.d.kill9();
    f.d.spawn();
    f.d.wait_ready();
    assert_eq!(wait.exit_code(WAIT), Some(0), "{}", wait.stderr());
    assert!(
        wait.stdout().contains("⏺ Done (prompt 1)"),
        "{}",
        wait.stdout()
    );
    let stderr = wait.stderr();
    assert!(stderr.contains("reconnecting"), "{stderr}");
    assert!(stderr.contains("reconnected"), "{stderr}");
    assert_eq!(f.log("claude-1").submissions().len(), 1);
}
