//! The engine against real tmux and stand-in agents: dispatch, priority,
//! routing, exact targets, busy and approval panes, fidelity and
//! dependencies (hook completion: `engine_hooks.rs`).

use std::collections::HashSet;

use crate::common::{Fleet, WAIT, wait_until};
use assigner::protocol::PromptStatus;

#[test]
fn dispatch_across_several_agents() {
    let f = Fleet::with_agents(&["claude-1", "claude-2", "claude-3"]);
    let ids: Vec<i64> = (0..9).map(|i| f.d.send(&[&format!("task {i}")])).collect();
    for id in &ids {
        f.wait_status(*id, PromptStatus::Completed);
    }
    let received = f.all_received();
    let unique: HashSet<&String> = received.iter().collect();
    assert_eq!((received.len(), unique.len()), (9, 9), "{received:?}");
    for name in ["claude-1", "claude-2", "claude-3"] {
        assert!(!f.log(name).submissions().is_empty(), "{name} got nothing");
    }
    f.assert_no_violations();
    let shown = f.d.ctl_json(&["show", &ids[0].to_string()]);
    let events = f.d.history_events(ids[0]);
    assert_eq!(
        events,
        ["queued", "assigned", "pasted", "started", "completed"]
    );
    assert!(
        shown["prompt"]["response"]
            .as_str()
            .unwrap()
            .contains("task 0")
    );
    let status = f.d.ctl_json(&["status"]);
    assert_eq!(status["status"]["tmux"]["reachable"], true);
    // A pane's state follows its screen, read on the scan after its
    // prompt completed: all idle once each has been read again.
    let all_idle = wait_until(WAIT, || {
        f.d.ctl_json(&["status"])["status"]["sessions"]["idle"] == 3
    });
    assert!(all_idle, "{}", f.d.ctl_ok(&["sessions"]));
}

#[test]
fn priority_then_age_order() {
    let mut f = Fleet::with_agents(&[]);
    let low = f.d.send(&["low", "-p", "1"]);
    let high = f.d.send(&["high", "-p", "9"]);
    let mid_old = f.d.send(&["mid old", "-p", "5"]);
    let mid_new = f.d.send(&["mid new", "-p", "5"]);
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["show", &low.to_string()])["prompt"]["waiting_reason"]
            .as_str()
            .is_some_and(|r| r.contains("no tmux server"))
    });
    assert!(ok, "{}", f.d.ctl_ok(&["show", &low.to_string()]));
    f.add_agent("claude-1", &["--busy-ms", "50"]);
    for id in [low, high, mid_old, mid_new] {
        f.wait_status(id, PromptStatus::Completed);
    }
    assert_eq!(
        f.log("claude-1").submissions(),
        ["high", "mid old", "mid new", "low"]
    );
}

#[test]
fn target_provider_and_fallback_routing() {
    let f = Fleet::with_agents(&["claude-1", "codex-1"]);
    let to_codex = f.d.send(&["for codex", "--provider", "codex"]);
    let to_claude = f.d.send(&["for claude-1", "--target", "claude-1"]);
    let fallback = f.d.send(&[
        "gemini or codex",
        "--provider",
        "gemini",
        "--fallback",
        "codex",
    ]);
    let stuck = f.d.send(&["gemini only", "--provider", "gemini"]);
    for id in [to_codex, to_claude, fallback] {
        f.wait_status(id, PromptStatus::Completed);
    }
    assert_eq!(
        f.log("codex-1").submissions(),
        ["for codex", "gemini or codex"]
    );
    assert_eq!(f.log("claude-1").submissions(), ["for claude-1"]);
    assert_eq!(f.d.status_of(stuck), PromptStatus::Pending);
    let shown = f.d.ctl_json(&["show", &stuck.to_string()]);
    assert_eq!(
        shown["prompt"]["waiting_reason"],
        "waiting for an idle gemini session"
    );
    let sessions = f.d.ctl_json(&["sessions"]);
    let providers: HashSet<&str> = sessions["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers, HashSet::from(["claude", "codex"]));
}

#[test]
fn exact_names_never_reach_a_prefix_match() {
    let config = format!(
        "target_wait_minutes = 0\n{}",
        crate::common::daemon::TEST_CONFIG
    );
    let mut f = Fleet::new(&[], &[], &config);
    f.add_agent("dev2", &[]);
    let id = f.d.send(&["only for dev", "--target", "dev"]);
    f.wait_status(id, PromptStatus::Failed);
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(
        shown["prompt"]["error"],
        "target session 'dev' not found in tmux"
    );
    assert!(f.log("dev2").submissions().is_empty());
}

#[test]
fn missing_target_waits_with_a_visible_reason() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id =
        f.d.send(&["for a session that is not there", "--target", "test-claude"]);
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["show", &id.to_string()])["prompt"]["waiting_reason"]
            == "target session 'test-claude' not found in tmux"
    });
    assert!(ok, "{}", f.d.ctl_ok(&["show", &id.to_string()]));
    assert_eq!(f.d.status_of(id), PromptStatus::Pending);
    assert!(f.log("claude-1").submissions().is_empty());
}

#[test]
fn never_types_into_busy_or_approval_panes() {
    let f = Fleet::with_agents(&["claude-1", "claude-2"]);
    // claude-1 opens an approval dialog; claude-2 starts a long job.
    let pid = f.tmux.pane_pid(&f.panes["claude-1"]);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGUSR1,
    )
    .unwrap();
    f.wait_session_state("claude-1", "waiting_approval");
    let long = f.d.send(&["long job #busy=4000", "--target", "claude-2"]);
    f.wait_status(long, PromptStatus::InProgress);
    let waiting = f.d.send(&["must wait"]);
    let status = f.d.ctl_json(&["status"]);
    assert_eq!(
        status["status"]["waiting_for_human"],
        serde_json::json!(["claude-1"])
    );
    assert!(f.d.ctl_ok(&["status"]).contains("waiting for a human"));
    // Nothing is typed while both are unavailable; then claude-2 finishes.
    f.wait_status(waiting, PromptStatus::Completed);
    assert_eq!(
        f.log("claude-2").submissions(),
        ["long job #busy=4000", "must wait"]
    );
    assert!(f.log("claude-1").submissions().is_empty());
    f.assert_no_violations();
    let explained = f.d.ctl_ok(&["explain", "claude-1"]);
    assert!(
        explained.contains("waiting_approval") && explained.contains("Do you want to proceed"),
        "{explained}"
    );
}

#[test]
fn delivery_is_byte_exact() {
    let f = Fleet::with_agents(&["claude-1"]);
    let texts = [
        "line one\nline two\n\nline four",
        "unicode: héllo wörld — 日本語 🦀",
        "tabs\tin\tthe\ttext",
        "tmux words: Enter C-c Escape ;",
        "trailing semicolon;",
        "shell: $(rm -rf /) `id` && || ; | > < 'single' \"double\" \\back\\slash",
    ];
    let ids: Vec<i64> = texts.iter().map(|t| f.d.send(&[t])).collect();
    for id in &ids {
        f.wait_status(*id, PromptStatus::Completed);
    }
    assert_eq!(f.log("claude-1").submissions(), texts);
    f.assert_no_violations();
}

#[test]
fn an_enter_taken_by_a_file_picker_is_followed_by_one_rescue_enter() {
    let f = Fleet::new(
        &["claude-1"],
        &["--file-picker"],
        crate::common::daemon::TEST_CONFIG,
    );
    let text = "read the notes in @docs/notes.md";
    let id = f.d.send(&[text]);
    f.wait_status(id, PromptStatus::Completed);
    // The first Enter accepted the picker's path, the rescue Enter sent it.
    assert_eq!(f.log("claude-1").submissions(), [format!("{text} ")]);
    let events = f.d.history_events(id);
    assert_eq!(
        events.iter().filter(|e| *e == "rescue-enter").count(),
        1,
        "{events:?}"
    );
    f.assert_no_violations();
}

#[test]
fn dependencies_wait_and_fail_with_their_prerequisite() {
    let f = Fleet::with_agents(&["claude-1"]);
    let first = f.d.send(&["first #busy=1500"]);
    let second = f.d.send(&["second", "--after", &first.to_string()]);
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["show", &second.to_string()])["prompt"]["waiting_reason"]
            == format!("waiting for prompt {first} to complete")
    });
    assert!(ok);
    f.wait_status(second, PromptStatus::Completed);
    assert_eq!(
        f.log("claude-1").submissions(),
        ["first #busy=1500", "second"]
    );
    let doomed = f.d.send(&["never", "--target", "nowhere"]);
    let orphan = f.d.send(&["orphan", "--after", &doomed.to_string()]);
    f.d.ctl_ok(&["cancel", &doomed.to_string()]);
    f.wait_status(orphan, PromptStatus::Failed);
    let shown = f.d.ctl_json(&["show", &orphan.to_string()]);
    assert_eq!(
        shown["prompt"]["error"],
        format!("dependency prompt {doomed} cancelled")
    );
}
