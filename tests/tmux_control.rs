//! The control-mode client against real tmux servers: pipelined replies,
//! captures that hold framing lookalikes, errors, notifications, a server
//! killed mid-request, a large capture, and buffer text byte for byte.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

#[path = "common/tmux.rs"]
mod tmux_server;
#[path = "common/wait.rs"]
#[expect(dead_code, reason = "shared helpers; this suite needs two of them")]
mod wait;

use assigner::tmux::control::{Control, Notification};
use assigner::tmux::{Tmux, TmuxError};
use tmux_server::TmuxServer;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A control client attached to session `s` of `server`.
async fn connect(server: &TmuxServer) -> (Control, tokio::sync::mpsc::Receiver<Notification>) {
    Control::connect(&Tmux::new(server.socket()), "s")
        .await
        .expect("control client")
}

/// A server with session `s` whose pane prints `text` and then waits.
fn server_showing(text: &str) -> (TmuxServer, String) {
    let server = TmuxServer::new();
    let script = format!("printf '%s' '{}'; sleep 600", text.replace('\'', "'\\''"));
    let pane = server.new_session("s", &["sh", "-c", &script]);
    (server, pane)
}

#[test]
fn pipelined_requests_each_get_their_own_reply() {
    let (server, _) = server_showing("");
    let rt = rt();
    rt.block_on(async {
        let (control, _events) = connect(&server).await;
        let control = std::sync::Arc::new(control);
        let mut asks = tokio::task::JoinSet::new();
        for i in 0..50 {
            let control = control.clone();
            asks.spawn(async move {
                let format = format!("reply {i} #{{session_name}}");
                (
                    i,
                    control.command(&["display-message", "-p", &format]).await,
                )
            });
        }
        let mut seen = 0;
        while let Some(done) = asks.join_next().await {
            let (i, reply) = done.unwrap();
            assert_eq!(reply.unwrap(), [format!("reply {i} s")]);
            seen += 1;
        }
        assert_eq!(seen, 50);
    });
}

#[test]
fn a_capture_holding_framing_lookalikes_reads_as_the_fork_path_reads_it() {
    let tricky = "%begin 1 2 1\n%end 1795963105 9999 1\n%error 1 2 1\n%window-add @9\n%exit\n%sessions-changed\nlast line";
    let (server, pane) = server_showing(tricky);
    let tmux = Tmux::new(server.socket());
    let rt = rt();
    let shown = wait::wait_until(wait::WAIT, || {
        rt.block_on(tmux.capture(&pane, 40))
            .is_ok_and(|s| s.contains("last line"))
    });
    assert!(shown);
    rt.block_on(async {
        let (control, mut events) = Control::connect(&tmux, "s").await.unwrap();
        let expected = tmux.capture(&pane, 40).await.unwrap();
        assert_eq!(control.capture(&pane, 40).await.unwrap(), expected);
        // And the connection is still in step after it.
        let pid = control
            .command(&["display-message", "-p", "#{pid}"])
            .await
            .unwrap();
        assert_eq!(pid.len(), 1);
        while let Ok(n) = events.try_recv() {
            assert!(
                matches!(n, Notification::Other(_)),
                "a notification was invented: {n:?}"
            );
        }
    });
}

#[test]
fn errors_are_classified_as_the_fork_path_does() {
    let (server, _) = server_showing("");
    let rt = rt();
    rt.block_on(async {
        let (control, _events) = connect(&server).await;
        let gone = control.capture("%999", 40).await;
        assert!(matches!(gone, Err(TmuxError::PaneGone { .. })), "{gone:?}");
        let bad = control.command(&["no-such-command"]).await;
        assert!(matches!(bad, Err(TmuxError::Failed { .. })), "{bad:?}");
        assert!(control.command(&["list-sessions"]).await.is_ok());
    });
}

#[test]
fn attaching_neither_resizes_the_window_nor_needs_more_than_a_session() {
    let (server, _) = server_showing("");
    let rt = rt();
    let size = || {
        server.ok(&[
            "display-message",
            "-p",
            "-t",
            "s",
            "#{window_width}x#{window_height}",
        ])
    };
    let before = size();
    rt.block_on(async {
        let tmux = Tmux::new(server.socket());
        let (_control, _events) = Control::connect(&tmux, "s").await.unwrap();
        assert_eq!(size(), before);
        let missing = Control::connect(&tmux, "no-such-session").await;
        assert!(missing.is_err());
    });
}

#[test]
fn structure_changes_arrive_as_notifications() {
    let (server, _) = server_showing("");
    let rt = rt();
    rt.block_on(async {
        let (control, mut events) = connect(&server).await;
        server.new_session("other", &["sleep", "600"]);
        expect(&mut events, |n| *n == Notification::SessionsChanged).await;
        let window = control
            .command(&[
                "new-window",
                "-d",
                "-P",
                "-F",
                "#{window_id}",
                "-t",
                "=s:",
                "sleep 600",
            ])
            .await
            .unwrap();
        let window = window.last().cloned().unwrap();
        expect(&mut events, |n| {
            *n == Notification::WindowAdd(window.clone())
        })
        .await;
        server.ok(&["kill-window", "-t", &window]);
        // tmux unlinks a killed window before it closes it.
        expect(&mut events, |n| {
            *n == Notification::WindowClose(window.clone())
                || *n == Notification::UnlinkedWindowClose(window.clone())
        })
        .await;
        server.kill_session("other");
        expect(&mut events, |n| *n == Notification::SessionsChanged).await;
    });
}

#[test]
fn a_server_killed_mid_request_fails_the_request_and_ends_the_events() {
    let (server, _) = server_showing("");
    let rt = rt();
    rt.block_on(async {
        let (control, mut events) = connect(&server).await;
        // Asked while the server is stopped, so that the request is surely
        // in flight when the server dies.
        let pid: i32 = control
            .command(&["display-message", "-p", "#{pid}"])
            .await
            .unwrap()[0]
            .parse()
            .unwrap();
        let pid = nix::unistd::Pid::from_raw(pid);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGSTOP).unwrap();
        let asked = control.command(&["list-sessions"]);
        let kill = async {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
        };
        let (r, ()) = tokio::join!(asked, kill);
        assert!(matches!(r, Err(TmuxError::NoServer { .. })), "{r:?}");
        expect(&mut events, |n| matches!(n, Notification::Exit(_))).await;
        let after = control.command(&["list-sessions"]).await;
        assert!(after.is_err(), "{after:?}");
    });
}

#[test]
fn a_capture_of_a_megabyte_comes_whole() {
    let server = TmuxServer::new();
    server.new_session("s", &["sleep", "600"]);
    server.ok(&["set-option", "-g", "history-limit", "50000"]);
    let script = "i=0; while [ $i -lt 20000 ]; do printf '%05d %s\\n' $i 'abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz'; i=$((i+1)); done; echo END; sleep 600";
    let pane = server.ok(&[
        "new-window",
        "-d",
        "-P",
        "-F",
        "#{pane_id}",
        "-t",
        "=s:",
        script,
    ]);
    let done = wait::wait_until(wait::WAIT, || server.capture(&pane).contains("END"));
    assert!(done);
    let rt = rt();
    rt.block_on(async {
        let (control, _events) = connect(&server).await;
        let lines = control
            .content(&["capture-pane", "-p", "-S", "-", "-t", &pane])
            .await
            .unwrap();
        let numbered: Vec<&String> = lines
            .iter()
            .filter(|l| l.len() > 6 && l[..5].bytes().all(|b| b.is_ascii_digit()))
            .collect();
        assert_eq!(numbered.len(), 20000);
        assert!(numbered[19999].starts_with("19999 "));
        let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        assert!(bytes > 1 << 20, "{bytes} bytes");
    });
}

#[test]
fn buffer_text_arrives_byte_for_byte() {
    let (server, _) = server_showing("");
    let mut hard: Vec<String> = vec![
        "line one\nline two\n  indented three".into(),
        "naïve café ✓ — \"quoted\" and 'single' $(not run) `nor this`;".into(),
        "tab\there; trailing semicolon;".into(),
        "$HOME ~user #{pane_id} \\ \\\\ {braces} ;; \\;".into(),
        "x".repeat(3000),
        (0x09u8..0x7f).map(char::from).collect(),
        [
            '\u{80}',
            '\u{7ff}',
            '\u{800}',
            '\u{ffff}',
            '\u{10000}',
            '\u{10ffff}',
            '😀',
            '\u{a0}',
        ]
        .iter()
        .collect(),
    ];
    hard.push(hard.concat());
    let rt = rt();
    rt.block_on(async {
        let tmux = Tmux::new(server.socket());
        let (control, _events) = Control::connect(&tmux, "s").await.unwrap();
        for text in &hard {
            control.set_buffer("probe", text.as_bytes()).await.unwrap();
            let back = std::process::Command::new("tmux")
                .arg("-S")
                .arg(server.socket())
                .args(["save-buffer", "-b", "probe", "-"])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&back.stdout), *text);
        }
    });
}

/// Waits for a notification matching `want`, skipping others.
async fn expect(
    events: &mut tokio::sync::mpsc::Receiver<Notification>,
    want: impl Fn(&Notification) -> bool,
) {
    let found = tokio::time::timeout(wait::WAIT, async {
        while let Some(n) = events.recv().await {
            if want(&n) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "the notification never came");
}
