//! The driver's control client ends when the session it is attached to is
//! killed. Calls made as it ends must still get their answer (a command the
//! client never took whole is run as a process instead), and the next scan
//! attaches a new client to a session that remains.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

#[path = "common/tmux.rs"]
mod tmux_server;
#[path = "common/wait.rs"]
#[expect(dead_code, reason = "shared helpers; this suite needs two of them")]
mod wait;

use assigner::tmux::Tmux;
use tmux_server::TmuxServer;

/// Scans racing the kill of the client's session: each is answered, over
/// the ending client or by a process, and none reports an error.
fn scans_across_the_kill(
    rt: &tokio::runtime::Runtime,
    tmux: &Tmux,
    server: &TmuxServer,
    left: usize,
) {
    let attached = server.control_session().expect("a control client");
    let scans: Vec<_> = (0..20)
        .map(|_| {
            let t = tmux.clone();
            rt.spawn(async move { t.snapshot().await })
        })
        .collect();
    server.kill_session(&attached);
    for scan in scans {
        let snap = rt.block_on(scan).expect("scan task");
        assert!(snap.is_ok(), "a scan failed as the client ended: {snap:?}");
    }
    let snap = rt.block_on(tmux.snapshot()).expect("scan after the kill");
    assert_eq!(snap.panes.len(), left);
}

#[test]
fn killing_the_attached_session_neither_fails_a_scan_nor_ends_control_mode() {
    let server = TmuxServer::new();
    for name in ["s1", "s2", "s3"] {
        server.new_session(name, &["sleep", "600"]);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let tmux = Tmux::new(server.socket()).with_control_mode(true);
    rt.block_on(tmux.snapshot()).expect("first scan");
    assert_eq!(tmux.path(), "control mode");
    // The first client to end is replaced by the next scan.
    scans_across_the_kill(&rt, &tmux, &server, 2);
    assert!(
        server.control_session().is_some(),
        "not attached again at once"
    );
    assert_eq!(tmux.path(), "control mode");
    // A second end so soon: calls go by process for a pause, then a scan
    // attaches again.
    scans_across_the_kill(&rt, &tmux, &server, 1);
    let attached = wait::wait_until(wait::WAIT, || {
        rt.block_on(tmux.snapshot()).is_ok() && server.control_session().is_some()
    });
    assert!(attached, "control mode never came back");
}
