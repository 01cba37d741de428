//! The tmux server itself: one that stays up with no sessions left (the
//! system service's `tmux -D`, or `exit-empty off`) is a server with no
//! panes, not a failed scan.

mod common;

use common::Fleet;

#[test]
fn the_last_session_on_a_server_that_stays_up_is_retired_at_once() {
    let f = Fleet::new(&["claude-1"], &["--busy-ms", "600000"], common::TEST_CONFIG);
    f.tmux.ok(&["set-option", "-g", "exit-empty", "off"]);
    let id = f.d.send(&["was running when its session was killed"]);
    f.wait_status(id, "in_progress");
    f.tmux.kill_session("claude-1");
    // Back in the queue now, not after the prompt's 30-minute timeout.
    f.wait_status(id, "pending");
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
