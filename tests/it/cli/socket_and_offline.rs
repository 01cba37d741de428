//! `assignerctl` before any request: how it finds the daemon's socket
//! (`--socket`, `$ASSIGNER_SOCKET`, the user socket, then the system one)
//! and says so when nothing answers, and the commands that need no daemon
//! (`validate`, `completions`).

use std::process::Command;

use super::stderr;
use crate::common::TestDaemon;

#[test]
fn unreachable_daemon_names_the_socket_and_how_to_start_it() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("nothing.sock");
    let out = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--socket", sock.to_str().unwrap(), "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69));
    let err = stderr(&out);
    assert!(
        err.contains(sock.to_str().unwrap()) && err.contains("systemctl"),
        "{err}"
    );
    // $ASSIGNER_SOCKET is honoured when --socket is absent.
    let out = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .env("ASSIGNER_SOCKET", &sock)
        .arg("status")
        .output()
        .unwrap();
    assert!(stderr(&out).contains(sock.to_str().unwrap()));
}

#[test]
fn without_flag_or_variable_the_user_socket_comes_before_the_system_one() {
    let d = TestDaemon::start();
    let runtime = tempfile::tempdir().unwrap();
    let ctl = || {
        Command::new(env!("CARGO_BIN_EXE_assignerctl"))
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env_remove("ASSIGNER_SOCKET")
            .args(["--json", "status"])
            .output()
            .unwrap()
    };
    if !std::path::Path::new("/run/assigner/control.sock").exists() {
        let out = ctl();
        assert_eq!(out.status.code(), Some(69), "{out:?}");
        assert!(
            stderr(&out).contains("/run/assigner/control.sock"),
            "{out:?}"
        );
    }
    std::fs::create_dir(runtime.path().join("assigner")).unwrap();
    std::os::unix::fs::symlink(&d.socket, runtime.path().join("assigner/control.sock")).unwrap();
    let out = ctl();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "status", "{v}");
}

#[test]
fn validate_and_completions_work_offline() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "scan_interval_ms = 500\nexclude = [\"coordinator\"]\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "scan_interval_ms = 500\n\n[delivery]\nsettle_msec = 3\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_assignerctl"))
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        run(&["validate", "--config", good.to_str().unwrap()])
            .status
            .success()
    );
    let out = run(&["validate", "--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(78));
    let err = stderr(&out);
    assert!(
        err.contains("settle_msec") && err.contains("line 4"),
        "{err}"
    );
    let group = dir.path().join("group.toml");
    std::fs::write(&group, "allowed_group = \"no-such-group-here\"\n").unwrap();
    let out = run(&["validate", "--config", group.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(78));
    let err = stderr(&out);
    assert!(err.contains("no-such-group-here"), "{err}");
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success() && out.stdout.len() > 500, "{shell}");
    }
}
