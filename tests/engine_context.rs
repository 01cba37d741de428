//! Context preparation in plain shell panes: working dir, environment and
//! prerequisite commands run before the prompt, recorded in history; a
//! failing prerequisite fails the delivery cleanly.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::path::PathBuf;

use common::{Fleet, TEST_CONFIG, WAIT, wait_until};

fn shell_fleet() -> Fleet {
    let f = Fleet::new(&[], &[], TEST_CONFIG);
    f.tmux
        .new_session("work-shell", &["bash", "--norc", "--noprofile"]);
    f.wait_session_state("work-shell", "idle");
    f
}

#[test]
fn shell_pane_gets_workdir_env_and_prereqs() {
    let f = shell_fleet();
    let dir = f.tmux.dir().join("project");
    std::fs::create_dir(&dir).unwrap();
    let id = f.d.send(&[
        "echo \"$GREETING from $(pwd)\" > result.txt",
        "--provider",
        "shell",
        "--workdir",
        dir.to_str().unwrap(),
        "--env",
        "GREETING=hello there",
        "--prereq",
        "touch prereq-ran",
    ]);
    f.wait_status(id, "completed");
    let result = dir.join("result.txt");
    assert!(wait_until(WAIT, || result.exists()));
    assert_eq!(
        std::fs::read_to_string(&result).unwrap().trim(),
        format!("hello there from {}", dir.display())
    );
    assert!(dir.join("prereq-ran").exists());
    let events = f.d.history_events(id);
    assert!(events.iter().any(|e| e == "context-prepared"), "{events:?}");
}

#[test]
fn an_env_value_reaches_the_shell_as_one_literal_value() {
    let f = shell_fleet();
    let dir = f.tmux.dir().join("project");
    std::fs::create_dir(&dir).unwrap();
    // Quotes, substitutions, backslashes and `;`: typed unquoted, each
    // would run `touch`.
    let value = r#"it's "q" $(touch sub) `touch tick` \x\ ; touch semi '; touch end"#;
    let id = f.d.send(&[
        "printenv TRICKY > value.txt",
        "--provider",
        "shell",
        "--workdir",
        dir.to_str().unwrap(),
        "--env",
        &format!("TRICKY={value}"),
    ]);
    f.wait_status(id, "completed");
    let out = dir.join("value.txt");
    assert!(wait_until(WAIT, || out.exists()));
    assert!(wait_until(WAIT, || {
        std::fs::read_to_string(&out).is_ok_and(|s| s.ends_with('\n'))
    }));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), format!("{value}\n"));
    for marker in ["sub", "tick", "semi", "end"] {
        assert!(!dir.join(marker).exists(), "the value ran `touch {marker}`");
    }
    // A value that could end the command line or drive the pane (ESC, as
    // in the end of a bracketed paste, or a newline) never gets that far.
    for bad in ["\u{1b}[201~\u{3}touch PWNED", "a\ntouch PWNED"] {
        let out = f.d.ctl(&[
            "send",
            "x",
            "--provider",
            "shell",
            "--env",
            &format!("A={bad}"),
        ]);
        assert_eq!(out.status.code(), Some(64), "{bad:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("env value of A contains control character"),
            "{out:?}"
        );
    }
    assert_eq!(
        f.d.ctl_json(&["status"])["status"]["prompts"]["completed"],
        1
    );
}

#[test]
fn failing_prerequisite_fails_the_delivery() {
    let f = shell_fleet();
    let (id, marker) = send_touch(&f, "must-not-exist", "false");
    assert_failed_unrun(&f, id, &marker, 1);
}

/// The prompt failed at context preparation, and its `touch` never ran.
fn assert_failed_unrun(f: &Fleet, id: i64, marker: &std::path::Path, status: u8) {
    f.wait_status(id, "failed");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    let error = shown["prompt"]["error"].as_str().unwrap();
    assert!(
        error.starts_with(&format!("context preparation failed ({status})")),
        "{error}"
    );
    assert!(
        !marker.exists(),
        "the prompt ran although its prerequisite failed"
    );
}

/// Sends `touch NAME` to the shell pane with `prereq`; returns the id and
/// the file the prompt creates.
fn send_touch(f: &Fleet, name: &str, prereq: &str) -> (i64, PathBuf) {
    let file = f.tmux.dir().join(name);
    let id = f.d.send(&[
        &format!("touch {}", file.display()),
        "--provider",
        "shell",
        "--prereq",
        prereq,
        "--max-retries",
        "0",
    ]);
    (id, file)
}

#[test]
fn a_slow_prerequisite_is_waited_for_although_an_earlier_verdict_is_on_screen() {
    let f = shell_fleet();
    let (first, _) = send_touch(&f, "first", "true");
    f.wait_status(first, "completed");
    // The earlier delivery's verdict is still on screen while this one's
    // prerequisite runs: the prompt must wait for its own.
    let done = f.tmux.dir().join("prereq-done");
    let slow = format!("sleep 2 && touch {}", done.display());
    let (second, ran) = send_touch(&f, "second", &slow);
    let pasted = wait_until(WAIT, || {
        f.d.history_events(second).contains(&"pasted".to_owned())
    });
    assert!(pasted, "{:?}", f.d.history_events(second));
    assert!(
        done.exists(),
        "the prompt was pasted before its prerequisite finished"
    );
    f.wait_status(second, "completed");
    assert!(wait_until(WAIT, || ran.exists()));
}

#[test]
fn a_failing_prerequisite_after_a_succeeding_one_fails_the_delivery() {
    let f = shell_fleet();
    let (first, _) = send_touch(&f, "first", "true");
    f.wait_status(first, "completed");
    let (second, marker) = send_touch(&f, "must-not-exist", "sleep 1 && false");
    assert_failed_unrun(&f, second, &marker, 1);
}

#[test]
fn a_malformed_prerequisite_fails_at_once_and_leaves_the_shell_usable() {
    let f = shell_fleet();
    // An unbalanced quote: typed raw, it would leave the shell waiting for
    // the rest of the command, and the next prompt would be typed into it.
    let (bad, marker) = send_touch(&f, "must-not-exist", "echo \"unbalanced");
    assert_failed_unrun(&f, bad, &marker, 2);
    let (good, ran) = send_touch(&f, "after", "true");
    f.wait_status(good, "completed");
    assert!(wait_until(WAIT, || ran.exists()));
}

#[test]
fn agent_panes_record_that_context_was_not_applied() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id = f.d.send(&["with a workdir", "--workdir", "/tmp"]);
    f.wait_status(id, "completed");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    let skipped = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["event"] == "context-skipped");
    assert!(skipped, "{shown}");
}
