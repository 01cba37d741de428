//! Screens that say less than they seem to: what a restarted daemon reads
//! on screens it did not see being typed, and an agent idle again after its
//! model API failed. A restarted daemon did not see what was typed:
//! the prompts an earlier run sent are still echoed there, and a quoted
//! status phrase in them must not hold a pane busy or in a dialog.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::Fleet;

#[test]
fn a_quoted_status_phrase_typed_before_a_restart_decides_nothing() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let quoted = f.d.send(&["say 'esc to interrupt' back to me #busy=200"]);
    f.wait_status(quoted, "completed");
    f.d.kill9();
    f.d.spawn();
    f.d.wait_ready();
    f.wait_session_state("claude-1", "idle");
    let next = f.d.send(&["the next prompt #busy=100"]);
    f.wait_status(next, "completed");
    assert_eq!(f.log("claude-1").submissions().len(), 2);
    f.assert_no_violations();
}

/// An agent whose model API failed the prompt is idle again, but did not do
/// the work: the prompt fails with the agent's error line as its reason.
#[test]
fn an_api_error_fails_the_prompt_with_the_error_and_leaves_the_pane_idle() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id =
        f.d.send(&["this one meets a server error #apierror #busy=100"]);
    f.wait_status(id, "failed");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    let error = shown["prompt"]["error"].as_str().unwrap();
    assert!(error.contains("API Error: 500"), "{error}");
    f.wait_session_state("claude-1", "idle");
    let next = f.d.send(&["the next one works #busy=100"]);
    f.wait_status(next, "completed");
    f.assert_no_violations();
}

/// The earlier run pressed Enter and died before it could record that. An
/// agent slow to redraw still shows the text in its input box when the
/// restarted daemon first looks: the box must hold it for the verify time
/// before recovery presses Enter, or the Enter lands in a working agent.
#[test]
fn an_enter_pressed_just_before_a_crash_is_not_pressed_again() {
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 1500\nverify_ms = 2500\ncompletion_debounce_ms = 300\n";
    let mut f = Fleet::new(&["claude-1"], &["--slow-redraw", "1200"], config);
    let text = "entered just before the crash #busy=3000";
    let id = f.d.send(&[text]);
    f.kill9_after_paste(id, "claude-1", "entered just before");
    let pane = f.panes["claude-1"].clone();
    f.tmux.ok(&["send-keys", "-t", &pane, "Enter"]);
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "completed");
    let events = f.d.history_events(id);
    assert!(events.contains(&"recovered".to_owned()), "{events:?}");
    assert_eq!(f.log("claude-1").submissions(), [text]);
    f.assert_no_violations();
}

/// The earlier run pasted and died before its Enter; recovery presses
/// Enter, which an agent slow to start reading ignores. Idle with the text
/// still in its box, it has not taken the prompt: recovery must not count
/// it submitted (it would complete unsent), but press Enter once more, as
/// a delivery does.
#[test]
fn an_enter_the_agent_ignored_during_recovery_is_pressed_once_more() {
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 3000\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let mut f = Fleet::new(&["claude-1"], &["--ignore-enters", "1"], config);
    let text = "pasted before the crash #busy=300";
    let id = f.d.send(&[text]);
    f.kill9_after_paste(id, "claude-1", "pasted before the crash");
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "completed");
    assert_eq!(f.log("claude-1").submissions(), [text]);
    f.assert_no_violations();
}
