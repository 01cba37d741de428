//! An agent that echoes its input below the input box, which itself stays
//! empty: an empty box is then no sign that a pasted prompt was submitted.
//! An Enter the agent missed is pressed again rather than the prompt taken
//! for submitted; a restart between paste and Enter must not mark the
//! prompt completed, and the next prompt must not be pasted on top of the
//! text left there (the agent would take both as one).
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, TEST_CONFIG};

#[test]
fn a_missed_enter_is_pressed_again_although_the_box_reads_empty() {
    let f = Fleet::new(
        &["claude-1"],
        &["--echo-below", "--ignore-enters", "1"],
        TEST_CONFIG,
    );
    let id = f.d.send(&["refactor the parser module"]);
    f.wait_status(id, "completed");
    assert_eq!(
        f.log("claude-1").submissions(),
        ["refactor the parser module"]
    );
    assert!(f.d.history_events(id).contains(&"rescue-enter".to_owned()));
    f.assert_no_violations();
}

#[test]
fn a_paste_cut_off_by_kill_9_is_neither_completed_nor_fused_with_the_next() {
    // A long settle holds the delivery between its paste and its Enter.
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 3000\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let mut f = Fleet::new(&["claude-1"], &["--echo-below"], config);
    let pane = f.panes["claude-1"].clone();
    let first = f.d.send(&["first prompt, pasted only"]);
    // Shown below the box, which reads empty.
    f.kill9_after_paste(first, "claude-1", "  first prompt, pasted only");
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(first, "failed");
    let error = f.prompt_field(first, "error");
    assert!(error.contains("may have it"), "{error}");

    // The text is still in the agent's input: nothing more is pasted there.
    let second = f.d.send(&["second prompt"]);
    f.wait_waiting_reason(second, "below its input box");
    assert!(f.log("claude-1").submissions().is_empty());

    // Once a person clears it, the next prompt goes alone.
    f.tmux.ok(&["send-keys", "-t", &pane, "C-u"]);
    f.wait_status(second, "completed");
    assert_eq!(f.log("claude-1").submissions(), ["second prompt"]);
    f.assert_no_violations();
}
