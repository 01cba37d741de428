//! A restart during context preparation in a shell pane: the shell may
//! have run the prerequisites, so recovery never types them again.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::path::PathBuf;

use common::{Fleet, TEST_CONFIG, WAIT, wait_until};

/// A shell pane given prompt `touch DIR/prompt-ran` whose prerequisite
/// holds until the daemon was killed (-9) and then leaves a line in
/// `DIR/ran` for each run; returns when the preparation has finished with
/// no daemon running: the fleet, the pane, the prompt's id and DIR.
fn kill_9_during_preparation() -> (Fleet, String, i64, PathBuf) {
    let mut f = Fleet::new(&[], &[], TEST_CONFIG);
    let pane = f
        .tmux
        .new_session("work-shell", &["bash", "--norc", "--noprofile"]);
    f.wait_session_state("work-shell", "idle");
    let dir = f.tmux.dir().to_owned();
    let [started, go, ran, prompt_ran] =
        ["started", "go", "ran", "prompt-ran"].map(|n| dir.join(n));
    let prereq = format!(
        "touch {started}; while [ ! -e {go} ]; do sleep 0.05; done; echo ran >> {ran}",
        started = started.display(),
        go = go.display(),
        ran = ran.display()
    );
    let id = f.d.send(&[
        &format!("touch {}", prompt_ran.display()),
        "--provider",
        "shell",
        "--prereq",
        &prereq,
    ]);
    assert!(wait_until(WAIT, || started.exists()), "{}", f.d.logs());
    f.d.kill9();
    std::fs::write(&go, "").unwrap();
    let done = wait_until(WAIT, || f.tmux.capture(&pane).contains("assigner-prep-ok-"));
    assert!(done, "{}", f.tmux.capture(&pane));
    (f, pane, id, dir)
}

#[test]
fn a_preparation_cut_off_by_kill_9_is_never_run_again() {
    // The shell is idle again when the next daemon looks.
    let (mut f, _, id, dir) = kill_9_during_preparation();
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "failed");
    let error = f.prompt_field(id, "error");
    assert!(
        error.contains("during context preparation") && error.contains("may have run"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(dir.join("ran")).unwrap(), "ran\n");
    assert!(!dir.join("prompt-ran").exists(), "the prompt ran after all");
}

/// The earlier run prepared the context, pasted the command and died
/// before it recorded the paste. The prompt still fails (its preparation
/// ran), but its command is not left waiting on the shell's command line,
/// where it kept the pane from reading idle and every later prompt out.
#[test]
fn a_command_left_unsent_after_its_preparation_is_cleared() {
    let (mut f, pane, id, dir) = kill_9_during_preparation();
    // What the earlier run pasted just before it died.
    let command = format!("touch {}", dir.join("prompt-ran").display());
    f.tmux.ok(&["send-keys", "-t", &pane, "-l", &command]);
    assert!(wait_until(WAIT, || f
        .tmux
        .capture(&pane)
        .contains(&command)));
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "failed");
    let later_ran = dir.join("later-ran");
    let later = f.d.send(&[
        &format!("touch {}", later_ran.display()),
        "--provider",
        "shell",
    ]);
    f.wait_status(later, "completed");
    assert!(later_ran.exists());
    assert!(
        !dir.join("prompt-ran").exists(),
        "the failed prompt ran after all"
    );
    assert_eq!(std::fs::read_to_string(dir.join("ran")).unwrap(), "ran\n");
}
