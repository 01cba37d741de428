//! `assignerctl` gives up on a daemon that does not answer: a socket
//! nobody accepts on, or a stopped daemon, ends in exit 69 naming the
//! socket instead of a client (or an agent hook) waiting for ever.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{ChildGuard, TestDaemon, WAIT, wait_until};
use nix::sys::signal::Signal;

/// Runs `assignerctl` with `args`, failing the test (and killing it) if it
/// has not exited within [`WAIT`]; returns its exit code and stderr.
fn ctl_bounded(socket: &Path, args: &[&str]) -> (Option<i32>, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .arg("--socket")
        .arg(socket)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut guard = ChildGuard(child);
    let mut status = None;
    let exited = wait_until(WAIT, || {
        status = guard.0.try_wait().unwrap();
        status.is_some()
    });
    assert!(
        exited,
        "assignerctl {args:?} is still waiting for an answer"
    );
    let mut stderr = String::new();
    guard
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.unwrap().code(), stderr)
}

fn assert_gave_up((code, stderr): (Option<i32>, String), socket: &Path) {
    assert_eq!(code, Some(69), "{stderr}");
    assert!(
        stderr.contains(socket.to_str().unwrap()) && stderr.contains("did not answer within"),
        "{stderr}"
    );
    // Only the handshake was under way: nothing to be carried out later.
    assert!(!stderr.contains("may still be carried out"), "{stderr}");
}

#[test]
fn a_socket_nobody_answers_on_times_out_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("silent.sock");
    // Listening, so connecting succeeds, but nothing ever accepts.
    let _listener = UnixListener::bind(&socket).unwrap();
    let out = ctl_bounded(&socket, &["--request-timeout", "1", "status"]);
    assert_gave_up(out, &socket);
}

#[test]
fn a_stopped_daemon_times_out_a_hook_and_a_watch_by_default() {
    let d = TestDaemon::start();
    d.signal(Signal::SIGSTOP);
    // The default deadline, as an agent hook would run it.
    let out = ctl_bounded(&d.socket, &["complete", "--pane", "%1"]);
    assert_gave_up(out, &d.socket);
    let out = ctl_bounded(&d.socket, &["--request-timeout", "1", "watch"]);
    assert_gave_up(out, &d.socket);
    d.signal(Signal::SIGCONT);
    // Once it runs again it answers as usual.
    assert_eq!(d.ctl_json(&["status"])["status"]["prompts"]["pending"], 0);
}

#[test]
fn a_request_sent_but_not_answered_may_still_be_carried_out() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("slow.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    // Answers the handshake, then reads the request and never answers it.
    let server = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        (&stream)
            .write_all(b"{\"ok\":true,\"type\":\"hello\",\"version\":1,\"daemon\":\"slow\"}\n")
            .unwrap();
        line.clear();
        reader.read_line(&mut line).unwrap();
        // Until the client hangs up.
        let _ = reader.read_line(&mut String::new());
        line
    });
    let (code, stderr) = ctl_bounded(&socket, &["--request-timeout", "1", "send", "hello"]);
    assert_eq!(code, Some(69), "{stderr}");
    assert!(stderr.contains("may still be carried out"), "{stderr}");
    assert!(server.join().unwrap().contains("\"send\""));
}
