//! A pane in tmux copy mode takes keys for the mode, not for its program:
//! an Enter there is swallowed. Such a pane gets no prompt until it leaves
//! the mode, and people are told why.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::Fleet;

#[test]
fn a_pane_in_copy_mode_waits_and_gets_the_prompt_once_it_leaves() {
    let f = Fleet::with_agents(&["claude-1"]);
    let pane = f.panes["claude-1"].clone();
    f.tmux.ok(&["copy-mode", "-t", &pane]);
    let id = f.d.send(&["refactor the parser module"]);
    f.wait_waiting_reason(id, "copy mode");
    assert_eq!(f.d.status_of(id), "pending");
    let sessions = f.d.ctl_json(&["sessions"]);
    let rule = sessions["sessions"][0]["rule"].as_str().unwrap_or_default();
    assert!(rule.contains("copy mode"), "{sessions}");
    let explained = f.d.ctl_json(&["explain", "claude-1"]);
    assert!(explained.to_string().contains("copy mode"), "{explained}");
    assert!(f.log("claude-1").submissions().is_empty());

    f.tmux.ok(&["send-keys", "-t", &pane, "-X", "cancel"]);
    f.wait_status(id, "completed");
    assert_eq!(
        f.log("claude-1").submissions(),
        ["refactor the parser module"]
    );
    f.assert_no_violations();
}

#[test]
fn a_paste_left_by_kill_9_in_a_pane_now_in_copy_mode_is_not_entered() {
    // A long settle holds the delivery between its paste and its Enter.
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 3000\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let mut f = Fleet::new(&["claude-1"], &[], config);
    let pane = f.panes["claude-1"].clone();
    let id = f.d.send(&["refactor the parser module"]);
    f.kill9_after_paste(id, "claude-1", "> refactor the parser module");
    f.tmux.ok(&["copy-mode", "-t", &pane]);
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "failed");
    let error = f.prompt_field(id, "error");
    assert!(error.contains("copy mode"), "{error}");
    assert!(f.log("claude-1").submissions().is_empty());
}
