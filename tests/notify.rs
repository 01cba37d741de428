//! The sd_notify protocol without systemd: a datagram socket stands in for
//! `$NOTIFY_SOCKET` and records what the daemon says, and when.

mod common;

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use common::{TEST_CONFIG, TestDaemon, WAIT, wait_until};
use nix::sys::signal::Signal;

/// Collects notification datagrams.
struct Listener {
    sock: UnixDatagram,
    seen: Vec<String>,
}

impl Listener {
    fn bind(path: &std::path::Path) -> Self {
        let sock = UnixDatagram::bind(path).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        Self {
            sock,
            seen: Vec::new(),
        }
    }

    fn drain(&mut self) {
        let mut buf = [0u8; 4096];
        while let Ok(n) = self.sock.recv(&mut buf) {
            self.seen
                .push(String::from_utf8_lossy(&buf[..n]).into_owned());
        }
    }

    fn wait_for(&mut self, needle: &str) -> bool {
        wait_until(WAIT, || {
            self.drain();
            self.seen
                .iter()
                .any(|m| m.lines().any(|l| l.starts_with(needle)))
        })
    }

    fn count(&self, needle: &str) -> usize {
        self.seen
            .iter()
            .filter(|m| m.lines().any(|l| l == needle))
            .count()
    }
}

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
    std::fs::write(&d.config, "exclude = [\"coordinator\"]\n").unwrap();
    d.signal(Signal::SIGHUP);
    assert!(wait_until(WAIT, || d
        .logs()
        .contains("configuration reloaded")));
    assert_eq!(d.stop().code(), Some(0));
}
