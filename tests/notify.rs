//! The sd_notify protocol without systemd: a datagram socket stands in for
//! `$NOTIFY_SOCKET` and records what the daemon says, and when.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use common::{NotifyListener as Listener, TEST_CONFIG, TestDaemon, WAIT, wait_until};
use nix::sys::signal::Signal;

#[test]
fn ready_status_watchdog_reload_and_stop() {
    let dir = tempfile::tempdir().unwrap();
    let notify = dir.path().join("notify.sock");
    let mut l = Listener::bind(&notify);
    let mut d = TestDaemon::unstarted(
        TEST_CONFIG,
        &[
            ("NOTIFY_SOCKET", notify.to_str().unwrap()),
            ("WATCHDOG_USEC", "400000"),
        ],
    );
    d.spawn();
    d.wait_ready();
    assert!(l.wait_for("READY=1"), "{:?}", l.seen);
    let ready = l
        .seen
        .iter()
        .find(|m| m.contains("READY=1"))
        .unwrap()
        .clone();
    assert!(
        ready.contains("STATUS="),
        "READY comes with a status line: {ready}"
    );

    // Watchdog pings keep coming from the loop while it is healthy.
    assert!(wait_until(WAIT, || {
        l.drain();
        l.count("WATCHDOG=1") >= 3
    }));

    // STATUS= follows the queue.
    d.send(&["counted in the status line"]);
    assert!(l.wait_for("STATUS=1 pending"), "{:?}", l.seen);

    d.signal(Signal::SIGHUP);
    assert!(l.wait_for("RELOADING=1"), "{:?}", l.seen);
    let reload = l
        .seen
        .iter()
        .find(|m| m.contains("RELOADING=1"))
        .unwrap()
        .clone();
    assert!(reload.contains("MONOTONIC_USEC="), "{reload}");
    let reloading_at = l
        .seen
        .iter()
        .position(|m| m.contains("RELOADING=1"))
        .unwrap();
    assert!(
        wait_until(WAIT, || {
            l.drain();
            l.seen[reloading_at..]
                .iter()
                .any(|m| m.lines().any(|x| x == "READY=1"))
        }),
        "no READY=1 after the reload: {:?}",
        l.seen
    );

    let status = d.stop();
    assert_eq!(status.code(), Some(0));
    assert!(l.wait_for("STOPPING=1"), "{:?}", l.seen);
}

#[test]
fn invalid_config_on_reload_is_refused_and_kept() {
    let mut d = TestDaemon::start();
    std::fs::write(&d.config, "scan_interval_ms = \"fast\"\n").unwrap();
    d.signal(Signal::SIGHUP);
    assert!(
        wait_until(WAIT, || d.logs().contains("new config refused")),
        "{}",
        d.logs()
    );
    assert!(
        d.ctl(&["status"]).status.success(),
        "daemon went down on a bad reload"
    );
    // A group that does not exist is refused on reload, as at start.
    std::fs::write(&d.config, "allowed_group = \"no-such-group-here\"\n").unwrap();
    d.signal(Signal::SIGHUP);
    assert!(
        wait_until(WAIT, || d.logs().contains("no-such-group-here")),
        "{}",
        d.logs()
    );
    assert_eq!(
        d.logs().matches("new config refused").count(),
        2,
        "{}",
        d.logs()
    );
    assert!(d.ctl(&["status"]).status.success());
    std::fs::write(&d.config, "exclude = [\"coordinator\"]\n").unwrap();
    d.signal(Signal::SIGHUP);
    assert!(wait_until(WAIT, || d
        .logs()
        .contains("configuration reloaded")));
    assert_eq!(d.stop().code(), Some(0));
}

/// After `READY=1` that ends a reload, the new connection limit, idle
/// timeout and (as root) allowed group already hold for the next client.
#[test]
fn reload_applies_admission_settings_before_ready() {
    let dir = tempfile::tempdir().unwrap();
    let notify = dir.path().join("notify.sock");
    let mut l = Listener::bind(&notify);
    let mut d = TestDaemon::unstarted(TEST_CONFIG, &[("NOTIFY_SOCKET", notify.to_str().unwrap())]);
    d.spawn();
    d.wait_ready();
    let mut held = d.raw();
    assert_eq!(held.call(r#"{"type":"status"}"#)["ok"], true);

    let group = nix::unistd::Group::from_gid(65534.into())
        .ok()
        .flatten()
        .map(|g| g.name);
    // Top-level keys before TEST_CONFIG, which ends in a table.
    let mut config = format!("max_connections = 1\nidle_timeout_secs = 1\n{TEST_CONFIG}");
    if let Some(g) = &group {
        config = format!("allowed_group = \"{g}\"\n{config}");
    }
    std::fs::write(&d.config, config).unwrap();
    reload_and_wait(&d, &mut l);

    // The held client keeps its slot; once the reserved ones are taken
    // too, the next one is refused.
    let mut reserved: Vec<_> = (0..common::reserved_slots_for_me())
        .map(|_| {
            let mut c = d.raw();
            assert_eq!(c.call(r#"{"type":"status"}"#)["ok"], true);
            c
        })
        .collect();
    let mut second = d.raw();
    let refused = second.read();
    assert_eq!(common::error_kind(&refused), "unavailable", "{refused}");
    // The held client is still served; once it falls silent again, the
    // new 1 s idle timeout applies to it.
    assert_eq!(held.call(r#"{"type":"status"}"#)["ok"], true);
    assert!(held.closed(), "idle timeout not applied by the reload");
    for c in &mut reserved {
        assert!(c.closed(), "idle timeout not applied by the reload");
    }
    let mut silent = d.raw();
    assert!(silent.closed(), "a new silent client was not disconnected");

    if nix::unistd::Uid::effective().is_root() && group.is_some() {
        // The socket the daemon bound itself is opened to the group.
        let mode = std::fs::metadata(&d.socket).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o660);
        std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_assignerctl"))
            .args(["--socket", d.socket.to_str().unwrap(), "status"])
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "a member of allowed_group was refused after the reload: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(d.stop().code(), Some(0));
}

/// Sends SIGHUP and waits for the `READY=1` that concludes it.
fn reload_and_wait(d: &TestDaemon, l: &mut Listener) {
    l.drain();
    let before = l.seen.len();
    d.signal(Signal::SIGHUP);
    assert!(
        wait_until(WAIT, || {
            l.drain();
            let after = &l.seen[before..];
            after
                .iter()
                .position(|m| m.contains("RELOADING=1"))
                .is_some_and(|i| after[i..].iter().any(|m| m.lines().any(|x| x == "READY=1")))
        }),
        "no RELOADING=1 then READY=1: {:?}",
        l.seen
    );
}
