//! A shell with bracketed paste turned off runs each line of a paste as it
//! arrives, before any Enter: a multi-line prompt never goes to a shell.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, TEST_CONFIG, WAIT, wait_until};

#[test]
fn a_multi_line_prompt_never_reaches_a_shell_without_bracketed_paste() {
    let f = Fleet::new(&[], &[], TEST_CONFIG);
    let pane = f
        .tmux
        .new_session("work-shell", &["bash", "--norc", "--noprofile"]);
    f.tmux.ok(&[
        "send-keys",
        "-t",
        &pane,
        "-l",
        "bind 'set enable-bracketed-paste off'",
    ]);
    f.tmux.ok(&["send-keys", "-t", &pane, "Enter"]);
    f.wait_session_state("work-shell", "idle");
    let dir = f.tmux.dir();
    let [first, second, single] = ["first", "second", "single"].map(|n| dir.join(n));
    let text = format!("touch {}\ntouch {}", first.display(), second.display());
    let id = f.d.send(&[&text, "--provider", "shell"]);
    f.wait_waiting_reason(id, "single-line");
    // A single-line prompt still goes to the shell, after the one held back.
    let later = f.d.send(&[
        &format!("touch {}", single.display()),
        "--provider",
        "shell",
    ]);
    f.wait_status(later, "completed");
    assert!(wait_until(WAIT, || single.exists()));
    assert_eq!(f.d.status_of(id), "pending");
    assert!(!first.exists() && !second.exists(), "a line ran early");
}
