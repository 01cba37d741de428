//! The tmux server itself: one that stays up with no sessions left (the
//! system service's `tmux -D`, or `exit-empty off`) is a server with no
//! panes, not a failed scan.

use crate::common::{Fleet, WAIT, wait_until};
use assigner::protocol::PromptStatus;

#[test]
fn the_last_session_on_a_server_that_stays_up_is_retired_at_once() {
    let f = Fleet::new(
        &["claude-1"],
        &["--busy-ms", "600000"],
        crate::common::TEST_CONFIG,
    );
    f.tmux.ok(&["set-option", "-g", "exit-empty", "off"]);
    let id = f.d.send(&["was running when its session was killed"]);
    f.wait_status(id, PromptStatus::InProgress);
    f.tmux.kill_session("claude-1");
    // Back in the queue now, not after the prompt's 30-minute timeout.
    f.wait_status(id, PromptStatus::Pending);
    assert!(
        f.d.history_events(id)
            .contains(&"requeued-from-stale-session".to_owned())
    );
    let sessions = f.d.ctl_json(&["sessions"]);
    assert_eq!(sessions["sessions"], serde_json::json!([]), "{sessions}");
    let logs = f.d.logs();
    assert!(!logs.contains("scan failed"), "{logs}");
    assert!(logs.contains("the pane vanished"), "{logs}");
}

/// With a process per call (control mode off, or its client gone), a
/// socket moved away makes every call fail for a while.
#[test]
fn a_socket_out_of_reach_for_a_while_is_not_a_dead_server() {
    let config = format!("tmux_control_mode = false\n{}", crate::common::TEST_CONFIG);
    let f = Fleet::new(&["claude-1", "claude-2"], &["--busy-ms", "3000"], &config);
    let first = f.d.send(&["first task", "--target", "claude-1"]);
    let second = f.d.send(&["second task", "--target", "claude-2"]);
    f.wait_status(first, PromptStatus::InProgress);
    f.wait_status(second, PromptStatus::InProgress);
    let socket = f.tmux.socket().to_owned();
    let away = socket.with_extension("away");
    std::fs::rename(&socket, &away).unwrap();
    let reachable = || f.d.ctl_json(&["status"])["status"]["tmux"]["reachable"].clone();
    let out = wait_until(WAIT, || reachable() == false);
    assert!(out, "{}", f.d.ctl_ok(&["status"]));
    assert_eq!(f.d.status_of(first), PromptStatus::InProgress);
    assert_eq!(f.d.status_of(second), PromptStatus::InProgress);
    std::fs::rename(&away, &socket).unwrap();
    assert!(wait_until(WAIT, || reachable() == true));
    f.wait_status(first, PromptStatus::Completed);
    f.wait_status(second, PromptStatus::Completed);
    assert_eq!(f.log("claude-1").submissions(), ["first task"]);
    assert_eq!(f.log("claude-2").submissions(), ["second task"]);
    for id in [first, second] {
        let events = f.d.history_events(id);
        assert!(
            !events.iter().any(|e| e.starts_with("requeued")),
            "{events:?}"
        );
    }
    f.assert_no_violations();
}

/// The control-mode client keeps its connection when the socket file is
/// moved away: the daemon goes on as if nothing happened.
#[test]
fn a_socket_moved_away_does_not_disturb_control_mode() {
    let f = Fleet::new(
        &["claude-1"],
        &["--busy-ms", "1500"],
        &super::tmux_events::control_mode(),
    );
    let path = || f.d.ctl_json(&["status"])["status"]["tmux"]["path"].clone();
    assert!(wait_until(WAIT, || path() == "control mode"), "{}", path());
    let first = f.d.send(&["sent before the move", "--target", "claude-1"]);
    f.wait_status(first, PromptStatus::InProgress);
    let socket = f.tmux.socket().to_owned();
    let away = socket.with_extension("away");
    std::fs::rename(&socket, &away).unwrap();
    let second =
        f.d.send(&["sent while the socket is away", "--target", "claude-1"]);
    f.wait_status(first, PromptStatus::Completed);
    f.wait_status(second, PromptStatus::Completed);
    std::fs::rename(&away, &socket).unwrap();
    assert_eq!(
        f.log("claude-1").submissions(),
        ["sent before the move", "sent while the socket is away"]
    );
    f.assert_no_violations();
}

/// `cleanup --apply` while the server's socket is out of reach would take
/// every session for stale and hand their prompts to other agents: it is
/// refused, and the prompts stay where they are (a chaos seed found this).
#[test]
fn cleanup_apply_is_refused_while_the_server_is_out_of_reach() {
    let f = Fleet::new(
        &["claude-1"],
        &["--busy-ms", "3000"],
        crate::common::TEST_CONFIG,
    );
    let id = f.d.send(&["long task", "--target", "claude-1"]);
    f.wait_status(id, PromptStatus::InProgress);
    let socket = f.tmux.socket().to_owned();
    let away = socket.with_extension("away");
    std::fs::rename(&socket, &away).unwrap();
    let out = f.d.ctl(&["cleanup", "--apply"]);
    std::fs::rename(&away, &socket).unwrap();
    assert_eq!(out.status.code(), Some(69), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("still runs but does not answer"), "{said}");
    f.wait_status(id, PromptStatus::Completed);
    assert_eq!(f.log("claude-1").submissions(), ["long task"]);
    f.assert_no_violations();
}

/// The socket moved away between paste and Enter: the Enter finds no
/// server, yet the server and the agent carry on. The delivery waits for
/// the server to answer again and decides from the pane, instead of
/// failing the prompt as unreadable with its text left in the input box,
/// where it kept every later prompt out of that agent (a chaos seed
/// stalled all four agents so).
#[test]
fn a_socket_moved_away_before_the_enter_leaves_no_text_behind() {
    // A long settle holds the delivery between its paste and its Enter.
    // A process per call: a control-mode client keeps its connection
    // when the socket file moves.
    let config = "tmux_control_mode = false\nscan_interval_ms = 100\n[delivery]\nsettle_ms = 1500\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let f = Fleet::new(&["claude-1"], &[], config);
    let id = f.d.send(&["moved-socket task #busy=200"]);
    let (socket, away) = socket_away_after_paste(&f, id);
    std::fs::rename(&away, &socket).unwrap();
    f.wait_status(id, PromptStatus::Completed);
    let next = f.d.send(&["the next task #busy=100"]);
    f.wait_status(next, PromptStatus::Completed);
    assert_eq!(
        f.log("claude-1").submissions(),
        ["moved-socket task #busy=200", "the next task #busy=100"]
    );
    f.assert_no_violations();
}

/// The same after a shell pane's context preparation: the command is
/// cleared from the shell's line unsent, but the prompt is not sent again,
/// since that would run its preparation a second time (a chaos seed ran a
/// prerequisite twice so).
#[test]
fn a_delivery_taken_back_after_its_preparation_is_not_sent_again() {
    // A process per call: a control-mode client keeps its connection
    // when the socket file moves.
    let config = "tmux_control_mode = false\nscan_interval_ms = 100\n[delivery]\nsettle_ms = 1500\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let f = Fleet::new(&[], &[], config);
    f.tmux
        .new_session("work-shell", &["bash", "--norc", "--noprofile"]);
    f.wait_session_state("work-shell", "idle");
    let dir = f.tmux.dir().to_owned();
    let [prepared, ran] = ["prepared", "ran"].map(|n| dir.join(n));
    let id = f.d.send(&[
        &format!("touch {}", ran.display()),
        "--provider",
        "shell",
        "--prereq",
        &format!("echo once >> {}", prepared.display()),
    ]);
    let (socket, away) = socket_away_after_paste(&f, id);
    std::fs::rename(&away, &socket).unwrap();
    let ended = || ["failed", "completed"].contains(&f.d.status_of(id).as_str());
    assert!(wait_until(WAIT, ended));
    f.wait_session_state("work-shell", "idle");
    let events = f.d.history_events(id);
    assert!(!events.contains(&"retried".to_owned()), "{events:?}");
    assert_eq!(f.d.status_of(id), PromptStatus::Failed);
    assert!(f.prompt_field(id, "error").contains("never run twice"));
    assert_eq!(std::fs::read_to_string(&prepared).unwrap(), "once\n");
    assert!(!ran.exists(), "the command ran although it was taken back");
}

/// Moves the tmux socket away once prompt `id` is pasted (the settle holds
/// its Enter back), and waits until the delivery meets the server out of
/// reach. Returns the socket and where it went.
fn socket_away_after_paste(f: &Fleet, id: i64) -> (std::path::PathBuf, std::path::PathBuf) {
    let pasted = || f.d.history_events(id).contains(&"pasted".to_owned());
    assert!(wait_until(WAIT, pasted), "{:?}", f.d.history_events(id));
    let socket = f.tmux.socket().to_owned();
    let away = socket.with_extension("away");
    std::fs::rename(&socket, &away).unwrap();
    let met = || {
        let events = f.d.history_events(id);
        events.contains(&"tmux-unreachable".to_owned()) || events.contains(&"failed".to_owned())
    };
    assert!(wait_until(WAIT, met), "{:?}", f.d.history_events(id));
    (socket, away)
}
