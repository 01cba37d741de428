//! Storage that fails under a running daemon: the database file removed.
//! Sends are refused with the reason, `status` and `STATUS=` show it, and
//! the log says it once.

mod common;

use common::{NotifyListener, TEST_CONFIG, TestDaemon, WAIT, wait_until};

/// A daemon reporting to a `$NOTIFY_SOCKET` stand-in.
fn daemon_with_notify(d: &mut TestDaemon) -> NotifyListener {
    let path = d.dir.path().join("notify.sock");
    let systemd = NotifyListener::bind(&path);
    d.set_env("NOTIFY_SOCKET", path.to_str().unwrap());
    systemd
}

/// Whether a `STATUS=` line containing `needle` arrives.
fn status_says(systemd: &mut NotifyListener, needle: &str) -> bool {
    wait_until(WAIT, || {
        systemd.drain();
        systemd.seen.iter().any(|m| {
            m.lines()
                .any(|l| l.starts_with("STATUS=") && l.contains(needle))
        })
    })
}

fn notices(d: &TestDaemon) -> String {
    d.ctl_json(&["status"])["status"]["notices"].to_string()
}

/// How many log lines contain `needle`.
fn logged(d: &TestDaemon, needle: &str) -> usize {
    d.logs().lines().filter(|l| l.contains(needle)).count()
}

#[test]
fn a_database_removed_under_the_daemon_stops_sends_and_says_why() {
    let mut d = TestDaemon::unstarted(TEST_CONFIG, &[]);
    let mut systemd = daemon_with_notify(&mut d);
    d.spawn();
    d.wait_ready();
    let id = d.send(&["acknowledged before the removal"]);
    std::fs::remove_file(&d.db).unwrap();

    const WHY: &str = "was removed while the daemon runs";
    for _ in 0..3 {
        let out = d.ctl(&["send", "must not be acknowledged"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(69), "{err}");
        assert!(err.contains(WHY) && err.contains("(unavailable)"), "{err}");
    }
    assert!(notices(&d).contains(WHY), "{}", notices(&d));
    assert!(status_says(&mut systemd, WHY), "{:?}", systemd.seen);
    assert_eq!(logged(&d, WHY), 1, "{}", d.logs());
    // What the open file holds can still be read, and saved before the
    // restart that would start an empty database.
    assert_eq!(d.status_of(id), "pending");
    let rescue = d.dir.path().join("rescue.db");
    d.ctl_ok(&["backup", rescue.to_str().unwrap()]);
    let saved = assigner::store::Store::open(&rescue).unwrap();
    assert_eq!(
        saved.prompt(id).unwrap().text,
        "acknowledged before the removal"
    );
}
