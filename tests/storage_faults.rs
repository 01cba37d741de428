//! Storage that fails under a running daemon: the database file removed,
//! the disk full. Sends are refused with the reason, `status` and
//! `STATUS=` show it, and the log says it once.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::disk::{SmallDisk, fill};
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

/// Every send is refused as unavailable saying `why` (and `also`), and
/// both `status` and `STATUS=` show `why`.
fn sends_refused_and_shown(d: &TestDaemon, systemd: &mut NotifyListener, why: &str, also: &str) {
    for _ in 0..3 {
        let out = d.ctl(&["send", "must not be acknowledged"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(69), "{err}");
        assert!(
            err.contains(why) && err.contains(also) && err.contains("(unavailable)"),
            "{err}"
        );
    }
    assert!(notices(d).contains(why), "{}", notices(d));
    assert!(status_says(systemd, why), "{:?}", systemd.seen);
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
    sends_refused_and_shown(&d, &mut systemd, WHY, "assignerctl backup");
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

#[test]
fn a_full_disk_refuses_sends_once_logged_and_recovers_by_itself() {
    let mut d = TestDaemon::unstarted(TEST_CONFIG, &[]);
    let Some(_disk) = SmallDisk::mount(d.db.parent().unwrap(), "8m") else {
        return;
    };
    let mut systemd = daemon_with_notify(&mut d);
    d.spawn();
    d.wait_ready();
    let before = d.send(&["queued before the disk filled"]);
    let filler = d.db.parent().unwrap().join("filler");
    fill(&filler);

    const WHY: &str = "is full";
    sends_refused_and_shown(&d, &mut systemd, WHY, "space is freed");
    assert_eq!(logged(&d, "ERROR"), 1, "{}", d.logs());

    std::fs::remove_file(&filler).unwrap();
    let mut after = None;
    let resumed = wait_until(WAIT, || {
        let out = d.ctl(&["send", "after space returned"]);
        after = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<i64>()
            .ok();
        out.status.success()
    });
    assert!(resumed, "{}", d.logs());
    assert!(after.unwrap() > before);
    assert!(!notices(&d).contains(WHY), "{}", notices(&d));
    assert_eq!(logged(&d, "can be written again"), 1, "{}", d.logs());
    assert_eq!(logged(&d, "ERROR"), 1, "{}", d.logs());
}
