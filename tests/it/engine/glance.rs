//! A scan glances at the panes and takes the full listing only when the
//! glance shows a change (ARCHITECTURE.md, "The engine"): an idle fleet
//! costs the tmux server a few numbers per pane, and what changes is still
//! seen.

use crate::common::{TestDaemon, TmuxServer, WAIT, wait_until};

/// The `tmux` part of `status`: (full listings, glances).
fn scans(d: &TestDaemon) -> (u64, u64) {
    let status = d.ctl_json(&["status"]);
    let tmux = &status["status"]["tmux"];
    let count = |k: &str| {
        tmux[k]
            .as_u64()
            .unwrap_or_else(|| panic!("no {k}: {status}"))
    };
    (count("listings"), count("glances"))
}

/// Waits for `more` glances from now on; returns the full listings taken
/// meanwhile.
fn listings_during_glances(d: &TestDaemon, more: u64) -> u64 {
    let (listings, glances) = scans(d);
    let ok = wait_until(WAIT, || scans(d).1 >= glances + more);
    assert!(ok, "no glances: {:?}; log:\n{}", scans(d), d.logs());
    scans(d).0 - listings
}

/// The foreground command `sessions` shows for `session`.
fn command(d: &TestDaemon, session: &str) -> String {
    let out = d.ctl_json(&["sessions"]);
    out["sessions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == session)
        .and_then(|s| s["command"].as_str())
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn an_unchanged_fleet_is_glanced_at_not_listed() {
    let tmux = TmuxServer::new();
    for name in ["quiet-1", "quiet-2", "quiet-3"] {
        tmux.new_session(name, &["cat"]);
    }
    let d = TestDaemon::builder().tmux(tmux.socket()).start();
    assert!(wait_until(WAIT, || command(&d, "quiet-3") == "cat"));
    // The first listings see every pane new.
    listings_during_glances(&d, 5);
    // Twenty scans at 100 ms: without glances each would be a full
    // listing. The backstop's full listing (every 30 s) may fall in the
    // window once.
    let listed = listings_during_glances(&d, 20);
    assert!(listed <= 1, "{listed} full listings in 20 scans");
}

#[test]
fn output_has_the_pane_listed_again_and_its_new_command_is_seen() {
    let tmux = TmuxServer::new();
    tmux.new_session("quiet", &["cat"]);
    let shell = tmux.new_session("shell", &["sh"]);
    let d = TestDaemon::builder().tmux(tmux.socket()).start();
    assert!(wait_until(WAIT, || command(&d, "shell") == "sh"));
    // No window renamed after the new command: in control mode that is
    // a notification, which would have everything listed.
    tmux.ok(&["set-option", "-w", "-t", &shell, "automatic-rename", "off"]);
    listings_during_glances(&d, 5);
    // The typed command echoes (output), then replaces the shell.
    tmux.ok(&["send-keys", "-t", &shell, "exec sleep 600", "Enter"]);
    let seen = wait_until(WAIT, || command(&d, "shell") == "sleep");
    assert!(seen, "{}", d.ctl_json(&["sessions"]));
    let logs = d.logs();
    assert!(logs.contains("listed only the panes with output"), "{logs}");
    // What the glance saw moving was listed; the fleet goes on being
    // glanced at.
    let listed = listings_during_glances(&d, 20);
    assert!(listed <= 1, "{listed} full listings in 20 scans");
}

#[test]
fn a_pane_that_dies_under_remain_on_exit_is_retired() {
    let tmux = TmuxServer::new();
    tmux.new_session("quiet", &["cat"]);
    let doomed = tmux.new_session("doomed", &["sleep", "600"]);
    tmux.ok(&["set-option", "-w", "-t", &doomed, "remain-on-exit", "on"]);
    let d = TestDaemon::builder().tmux(tmux.socket()).start();
    assert!(wait_until(WAIT, || command(&d, "doomed") == "sleep"));
    listings_during_glances(&d, 5);
    // A death without output, and no notification in tmux 3.3: only the
    // glance's `pane_dead` shows it.
    let pid = tmux.pane_pid(&doomed);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    let gone = wait_until(WAIT, || command(&d, "doomed").is_empty());
    assert!(gone, "{}", d.ctl_json(&["sessions"]));
}
