//! The tmux driver against real tmux servers (one private server per
//! test): snapshot fields, error classification, exact targeting and
//! byte-exact delivery into the stand-in agent.

use crate::common::tmux as tmux_server;
use crate::common::wait;

use assigner::detect::Profiles;
use assigner::protocol::SessionState;
use assigner::tmux::{Tmux, TmuxError, exact_session_target};
use tmux_server::TmuxServer;
use wait::{WAIT, wait_for, wait_until};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Waits until the stand-in in `pane` shows an idle claude screen.
fn wait_idle(rt: &tokio::runtime::Runtime, tmux: &Tmux, pane: &str) {
    let profiles = Profiles::builtin();
    let idle = wait_until(WAIT, || {
        let screen = rt.block_on(tmux.capture(pane, 40)).unwrap_or_default();
        profiles.classify("claude", &screen).state == SessionState::Idle
    });
    assert!(idle, "pane {pane} never became idle");
}

#[test]
fn snapshot_lists_every_pane_with_its_fields() {
    let server = TmuxServer::new();
    let a = server.new_session("alpha", &["sleep", "600"]);
    let b0 = server.new_session("be ta", &["sleep", "600"]);
    let b1 = server.ok(&[
        "split-window",
        "-d",
        "-P",
        "-F",
        "#{pane_id}",
        "-t",
        "=be ta:",
        "sleep",
        "601",
    ]);
    let rt = rt();
    let snap = rt.block_on(Tmux::new(server.socket()).snapshot()).unwrap();
    assert!(snap.server_pid > 0);
    assert_eq!(snap.panes.len(), 3);
    let pa = snap.pane(&a).unwrap();
    assert_eq!(
        (pa.session.as_str(), pa.session_panes, pa.command.as_str()),
        ("alpha", 1, "sleep")
    );
    assert_eq!((pa.width, pa.height, pa.dead), (120, 40, false));
    assert_eq!(i32::try_from(pa.pid).unwrap(), server.pane_pid(&a));
    assert!(!pa.path.is_empty());
    assert_eq!(pa.display_name(), "alpha");
    let (p0, p1) = (snap.pane(&b0).unwrap(), snap.pane(&b1).unwrap());
    assert_eq!((p0.session_panes, p1.session_panes), (2, 2));
    assert_eq!(p0.window, p1.window);
    assert_ne!(p0.index, p1.index);
    assert_eq!(
        p1.display_name(),
        format!("be ta:{}.{}", p1.window, p1.index)
    );
}

#[test]
fn one_pane_is_read_alone_on_both_paths() {
    let server = TmuxServer::new();
    let a = server.new_session("alpha", &["sleep", "600"]);
    let b = server.new_session("beta", &["sleep", "601"]);
    server.ok(&["copy-mode", "-t", &b]);
    let rt = rt();
    for control in [false, true] {
        let tmux = Tmux::new(server.socket()).with_control_mode(control);
        let snap = rt.block_on(tmux.snapshot()).unwrap();
        assert_eq!(tmux.events_live(), control, "control mode {control}");
        let pa = rt.block_on(tmux.pane(&a)).unwrap().expect("alpha's pane");
        let listed = snap.pane(&a).unwrap();
        assert_eq!(
            (&pa.session, pa.pid, pa.in_mode, pa.history_mark()),
            (&listed.session, listed.pid, false, listed.history_mark()),
        );
        let pb = rt.block_on(tmux.pane(&b)).unwrap().expect("beta's pane");
        assert!(pb.in_mode, "copy mode shows");
        // A pane that never was, or is gone, is none: not an error.
        assert_eq!(rt.block_on(tmux.pane("%999")).unwrap(), None);
    }
    let tmux = Tmux::new(server.socket());
    server.kill_session("beta");
    assert_eq!(rt.block_on(tmux.pane(&b)).unwrap(), None);
}

#[test]
fn errors_are_classified() {
    let rt = rt();
    let server = TmuxServer::new();
    let err = rt
        .block_on(Tmux::new(server.socket()).snapshot())
        .unwrap_err();
    assert!(
        matches!(err, TmuxError::NoServer { ref socket } if socket == server.socket()),
        "{err:?}"
    );

    let missing = Tmux::new(server.socket()).with_binary(server.dir().join("no-tmux-here"));
    assert!(matches!(
        rt.block_on(missing.snapshot()),
        Err(TmuxError::NotInstalled)
    ));

    let pane = server.new_session("s", &["sleep", "600"]);
    let tmux = Tmux::new(server.socket());
    let gone = rt.block_on(tmux.capture("%999", 10)).unwrap_err();
    assert!(
        matches!(gone, TmuxError::PaneGone { ref pane } if pane == "%999"),
        "{gone:?}"
    );
    server.new_session("keep", &["sleep", "600"]);
    server.kill_session("s");
    assert!(matches!(
        rt.block_on(tmux.paste(&pane, "x")),
        Err(TmuxError::PaneGone { .. })
    ));
    assert!(matches!(
        rt.block_on(tmux.send_enter(&pane)),
        Err(TmuxError::PaneGone { .. })
    ));
    assert!(matches!(
        rt.block_on(tmux.send_keys("%0", &["a;"])),
        Err(TmuxError::InvalidKey { .. })
    ));
    // A failed paste leaves no buffer behind.
    assert_eq!(server.ok(&["list-buffers"]), "");
}

#[test]
fn paste_and_enter_deliver_byte_exact() {
    let server = TmuxServer::new();
    let (pane, log) = server.start_agent("claude-1", &["--busy-ms", "30"]);
    let rt = rt();
    let tmux = Tmux::new(server.socket());
    let big: String = (0..1000)
        .map(|i| format!("{i:04} {}\n", "x".repeat(95)))
        .collect();
    let texts = [
        "first line\nsecond line\n\nfourth after a blank",
        "emoji 🎉🚀 and CJK 你好世界 and é",
        "tabs\there\t\tand there",
        "Enter",
        "C-c",
        "ends with a semicolon;",
        "$(rm -rf /) `uptime` ${HOME}",
        r#"quotes "double" 'single' and \backslash\ \n not a newline"#,
        "  leading and trailing spaces  ",
        big.as_str(),
    ];
    for (i, text) in texts.iter().enumerate() {
        wait_idle(&rt, &tmux, &pane);
        rt.block_on(tmux.paste(&pane, text)).unwrap();
        rt.block_on(tmux.send_enter(&pane)).unwrap();
        let got = wait_for(WAIT, "submission", || log.submissions().get(i).cloned());
        assert_eq!(&got, text, "text #{i} changed in delivery");
    }
    assert_eq!(log.submissions().len(), texts.len());
    assert_eq!(log.violations(), Vec::<serde_json::Value>::new());
}

#[test]
fn exact_session_target_never_prefix_matches() {
    let server = TmuxServer::new();
    let (_, log2) = server.start_agent("dev2", &[]);
    let rt = rt();
    let tmux = Tmux::new(server.socket());
    let target = exact_session_target("dev");
    assert!(matches!(
        rt.block_on(tmux.paste(&target, "hi")),
        Err(TmuxError::PaneGone { .. })
    ));
    let (pane, log) = server.start_agent("dev", &[]);
    wait_idle(&rt, &tmux, &pane);
    rt.block_on(tmux.paste(&target, "for dev")).unwrap();
    rt.block_on(tmux.send_enter(&target)).unwrap();
    assert_eq!(
        wait_for(WAIT, "dev's submission", || log
            .submissions()
            .first()
            .cloned()),
        "for dev"
    );
    assert!(
        log2.entries().is_empty(),
        "dev2 received {:?}",
        log2.entries()
    );
}

#[test]
fn capture_since_returns_what_came_after_the_mark() {
    let server = TmuxServer::new();
    let pane = server.new_session("sh", &["sh", "-c", "seq 1 60; exec cat"]);
    let rt = rt();
    let tmux = Tmux::new(server.socket());
    assert!(wait_until(WAIT, || server.capture(&pane).contains("60")));
    let mark = rt
        .block_on(tmux.snapshot())
        .unwrap()
        .pane(&pane)
        .unwrap()
        .history_mark();
    rt.block_on(tmux.paste(&pane, "after the mark\n")).unwrap();
    let since = wait_for(WAIT, "echo", || {
        let t = rt.block_on(tmux.capture_since(&pane, mark)).unwrap();
        (t.matches("after the mark").count() == 2).then_some(t)
    });
    assert!(!since.contains("60"), "{since:?}");
    let bottom = rt.block_on(tmux.capture(&pane, 3)).unwrap();
    assert_eq!(bottom.lines().count(), 3);
    assert!(bottom.ends_with("after the mark"), "{bottom:?}");
}

/// A signal meant for the daemon's process group (Ctrl-C in its terminal)
/// must not reach a tmux call in flight: each runs in a group of its own.
#[test]
fn tmux_calls_run_in_a_process_group_of_their_own() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("groups");
    let fake = dir.path().join("tmux");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\necho \"$$ $(cut -d' ' -f5 /proc/$$/stat)\" > {}\n",
            report.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let tmux = Tmux::new(dir.path().join("sock")).with_binary(&fake);
    let _ = rt().block_on(tmux.capture("%0", 1));
    let line = std::fs::read_to_string(&report).unwrap();
    let (pid, pgid) = line.trim().split_once(' ').unwrap();
    assert_eq!(pid, pgid, "the tmux call leads a process group of its own");
    let ours = nix::unistd::getpgrp().as_raw().to_string();
    assert_ne!(pgid, ours);
}
