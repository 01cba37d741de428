//! tmux's own notifications drive observation in control mode: a session
//! killed while its agent works is seen at once, not at the next periodic
//! scan (set here to ten minutes, so only the event path can see it).

mod common;

use common::{Fleet, WAIT, wait_until};

#[test]
fn a_killed_session_is_retired_by_its_event_long_before_any_scan() {
    let f = Fleet::new(
        &["claude-1", "claude-2"],
        &["--busy-ms", "600000"],
        common::TEST_CONFIG,
    );
    let path = || f.d.ctl_json(&["status"])["status"]["tmux"]["path"].clone();
    assert!(wait_until(WAIT, || path() == "control mode"), "{}", path());
    // The periodic scan found the agents; from now on it runs every ten
    // minutes (after the one already due).
    let slow = common::TEST_CONFIG.replace("scan_interval_ms = 100", "scan_interval_ms = 600000");
    std::fs::write(&f.d.config, slow).unwrap();
    assert_eq!(f.d.ctl_ok(&["reload"]), "configuration reloaded\n");
    let id =
        f.d.send(&["held by the session about to die", "--target", "claude-2"]);
    f.wait_status(id, "in_progress");
    // From here on read from the database, never asked of the daemon: a
    // request wakes the engine, whose step would see the pane gone without
    // tmux saying so. Once the agent's busy state is confirmed and stored,
    // nothing moves and the engine sleeps until the next scan or event.
    let db = rusqlite::Connection::open(&f.d.db).unwrap();
    let state = || {
        db.query_row(
            "SELECT state FROM sessions WHERE session_name = 'claude-2'",
            [],
            |r| r.get::<_, String>(0),
        )
        .unwrap_or_default()
    };
    assert!(wait_until(WAIT, || state() == "busy"), "{}", state());
    f.tmux.kill_session("claude-2");
    let status = || {
        db.query_row("SELECT status FROM prompts WHERE id = ?1", [id], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
    };
    assert!(wait_until(WAIT, || status() == "pending"), "{}", status());
    assert!(
        f.d.history_events(id)
            .contains(&"requeued-from-stale-session".to_owned())
    );
}
