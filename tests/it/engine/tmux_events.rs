//! tmux's own notifications drive observation in control mode: a session
//! killed while its agent works is seen at once, not at the next periodic
//! scan (set here to ten minutes, so only the event path can see it).

use crate::common::{Fleet, WAIT, wait_until};
use assigner::protocol::PromptStatus;

/// Agents busy far longer than a test, watched over control mode, with the
/// periodic scan set to ten minutes once they are known.
fn slow_scan_fleet(names: &[&str]) -> Fleet {
    let f = Fleet::new(names, &["--busy-ms", "600000"], &control_mode());
    let path = || f.d.ctl_json(&["status"])["status"]["tmux"]["path"].clone();
    assert!(wait_until(WAIT, || path() == "control mode"), "{}", path());
    // The periodic scan found the agents; from now on it runs every ten
    // minutes (after the one already due).
    let slow = control_mode().replace("scan_interval_ms = 100", "scan_interval_ms = 600000");
    std::fs::write(&f.d.config, slow).unwrap();
    assert_eq!(f.d.ctl_ok(&["reload"]), "configuration reloaded\n");
    f
}

/// The test config with control mode on even when the suite runs on the
/// process path: what these tests watch are its events.
pub(super) fn control_mode() -> String {
    format!("tmux_control_mode = true\n{}", crate::common::TEST_CONFIG)
}

/// Reads the database, never the daemon: a request wakes the engine, and
/// on the process-per-call path its step would list the panes without
/// tmux saying anything.
struct Db(rusqlite::Connection);

impl Db {
    fn open(f: &Fleet) -> Self {
        Self(rusqlite::Connection::open(&f.d.db).unwrap())
    }

    fn state(&self, session: &str) -> String {
        self.0
            .query_row(
                "SELECT state FROM sessions WHERE session_name = ?1",
                [session],
                |r| r.get::<_, String>(0),
            )
            .unwrap_or_default()
    }

    fn status(&self, id: i64) -> String {
        self.0
            .query_row("SELECT status FROM prompts WHERE id = ?1", [id], |r| {
                r.get::<_, String>(0)
            })
            .unwrap()
    }
}

/// Sends a prompt to `target` and waits until its agent's busy state is
/// stored: from then on nothing moves, and the engine sleeps until the
/// next scan or event.
fn hold(f: &Fleet, db: &Db, target: &str) -> i64 {
    let id =
        f.d.send(&["held by a session about to die", "--target", target]);
    f.wait_status(id, PromptStatus::InProgress);
    assert!(
        wait_until(WAIT, || db.state(target) == "busy"),
        "{}",
        db.state(target)
    );
    id
}

fn assert_requeued(f: &Fleet, db: &Db, id: i64) {
    assert!(
        wait_until(WAIT, || db.status(id) == "pending"),
        "{}",
        db.status(id)
    );
    assert!(
        f.d.history_events(id)
            .contains(&"requeued-from-stale-session".to_owned())
    );
}

#[test]
fn a_killed_session_is_retired_by_its_event_long_before_any_scan() {
    let f = slow_scan_fleet(&["claude-1", "claude-2"]);
    let db = Db::open(&f);
    let id = hold(&f, &db, "claude-2");
    f.tmux.kill_session("claude-2");
    assert_requeued(&f, &db, id);
}

/// The control client is attached to one of the agents' sessions; killing
/// that session ends it. The next client must be attached at once, or the
/// events of every other session go unheard until the periodic scan.
#[test]
fn killing_the_control_clients_session_does_not_deafen_the_engine() {
    let f = slow_scan_fleet(&["claude-1", "claude-2", "claude-3"]);
    let db = Db::open(&f);
    let attached = || f.tmux.control_session();
    let first = attached().expect("a control client");
    let target = ["claude-1", "claude-2", "claude-3"]
        .into_iter()
        .find(|s| *s != first)
        .unwrap();
    let id = hold(&f, &db, target);
    f.tmux.kill_session(&first);
    // The client of another session, not the old one gone for good.
    assert!(
        wait_until(WAIT, || attached().is_some_and(|s| s != first)),
        "no control client attached again: {:?}",
        attached()
    );
    f.tmux.kill_session(target);
    assert_requeued(&f, &db, id);
}

/// Killing the control client's session twice in a row: the second client
/// ends too soon after the first for a client that merely failed, but it
/// ended with its session, so the third attaches at once all the same.
#[test]
fn the_control_clients_session_killed_twice_in_a_row_does_not_deafen_it() {
    let names = ["claude-1", "claude-2", "claude-3", "claude-4"];
    let f = slow_scan_fleet(&names);
    let db = Db::open(&f);
    let attached = || f.tmux.control_session();
    let first = attached().expect("a control client");
    let id = hold(&f, &db, "claude-4");
    assert_ne!(
        first, "claude-4",
        "the client attaches to the first session"
    );
    f.tmux.kill_session(&first);
    let next = |gone: &[&str]| {
        let ok = wait_until(WAIT, || {
            attached().is_some_and(|s| !gone.contains(&s.as_str()))
        });
        assert!(ok, "no control client attached again: {:?}", attached());
        attached().unwrap()
    };
    let second = next(&[&first]);
    assert_ne!(
        second, "claude-4",
        "the client attaches to the first session"
    );
    f.tmux.kill_session(&second);
    next(&[&first, &second]);
    f.tmux.kill_session("claude-4");
    assert_requeued(&f, &db, id);
}

/// What the periodic scan finds that no event reported is counted in
/// `status`: none for a killed session (tmux reports it), one for a pane
/// split off in a session the control client is not attached to (tmux
/// 3.3a tells a control client of layout changes in its own session only).
#[test]
fn status_counts_what_the_scan_found_and_the_events_missed() {
    let f = Fleet::new(&["claude-1", "claude-2", "claude-3"], &[], &control_mode());
    let status = || f.d.ctl_json(&["status"])["status"]["tmux"].clone();
    assert!(
        wait_until(WAIT, || status()["path"] == "control mode"),
        "{}",
        status()
    );
    let attached = f.tmux.control_session().expect("a control client");
    let attached = attached.as_str();
    let others: Vec<&str> = ["claude-1", "claude-2", "claude-3"]
        .into_iter()
        .filter(|s| *s != attached)
        .collect();
    f.tmux.kill_session(others[0]);
    let count = |n: usize| {
        f.d.ctl_json(&["sessions"])["sessions"]
            .as_array()
            .map(Vec::len)
            == Some(n)
    };
    assert!(wait_until(WAIT, || count(2)));
    assert_eq!(status()["missed_by_events"], 0, "{}", status());
    f.tmux.ok(&["split-window", "-d", "-t", others[1], "cat"]);
    assert!(wait_until(WAIT, || count(3)));
    assert!(
        wait_until(WAIT, || status()["missed_by_events"] == 1),
        "{}",
        status()
    );
}
