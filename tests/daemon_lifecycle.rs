//! assignerd start-up, refusal and shutdown behaviour.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixListener;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use common::TestDaemon;

fn daemon_exit(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_assignerd"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove("NOTIFY_SOCKET")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sigterm_and_sigint_exit_zero_and_remove_only_its_socket() {
    let mut d = TestDaemon::start();
    d.send(&["survives the restart"]);
    let status = d.stop();
    assert_eq!(status.code(), Some(0), "{}", d.logs());
    assert!(!d.socket.exists(), "socket left behind");
    d.spawn();
    d.wait_ready();
    assert_eq!(d.status_of(1), "pending");
    // SIGINT (Ctrl-C in the foreground) is the same orderly stop.
    d.signal(nix::sys::signal::Signal::SIGINT);
    assert_eq!(d.wait_exit().code(), Some(0), "{}", d.logs());
    assert!(!d.socket.exists(), "socket left behind after SIGINT");
}

#[test]
fn refuses_a_second_daemon_and_replaces_a_stale_socket() {
    let mut d = TestDaemon::start();
    let out = Command::new(env!("CARGO_BIN_EXE_assignerd"))
        .args([
            "--config",
            "/dev/null",
            "--socket",
            d.socket.to_str().unwrap(),
            "--db",
        ])
        .arg(d.dir.path().join("other.db"))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(69));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already listening"));
    assert!(
        d.ctl(&["status"]).status.success(),
        "first daemon disturbed"
    );

    // A socket file left by a crash: nobody answers, so it is replaced.
    d.kill9();
    assert!(d.socket.exists());
    d.spawn();
    d.wait_ready();
    assert!(d.ctl(&["status"]).status.success());

    // A regular file at the socket path is not ours to delete.
    d.stop();
    std::fs::write(&d.socket, "precious").unwrap();
    let out = d.command().stderr(Stdio::piped()).output().unwrap();
    assert_eq!(out.status.code(), Some(73));
    assert_eq!(std::fs::read_to_string(&d.socket).unwrap(), "precious");
}

#[test]
fn config_errors_exit_78_with_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "log_level = \"info\"\nscan_interval = 5\n").unwrap();
    let (code, err) = daemon_exit(&["--config", cfg.to_str().unwrap()], &[]);
    assert_eq!(code, Some(78));
    assert!(
        err.contains("scan_interval") && err.contains("line 2"),
        "{err}"
    );
    let (code, err) = daemon_exit(&[], &[("ASSIGNER_CONFIG", "/nonexistent/assigner.toml")]);
    assert_eq!(code, Some(78));
    assert!(err.contains("/nonexistent/assigner.toml"), "{err}");
    std::fs::write(&cfg, "allowed_group = \"no-such-group-here\"\n").unwrap();
    let sock = dir.path().join("s.sock");
    let db = dir.path().join("a.db");
    let (code, _) = daemon_exit(
        &[
            "--config",
            cfg.to_str().unwrap(),
            "--socket",
            sock.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, Some(78));
    // --check-config resolves the group too, so a typo cannot pass the
    // check and then keep the next restart down.
    let (code, err) = daemon_exit(&["--check-config", "--config", cfg.to_str().unwrap()], &[]);
    assert_eq!(code, Some(78), "{err}");
    assert!(
        err.contains("allowed_group") && err.contains("no-such-group-here"),
        "{err}"
    );
    let (code, out) = daemon_exit(&["--check-config", "--config", "/dev/null"], &[]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn startup_errors_reach_the_journal_as_errors() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "scan_interval = 5\n").unwrap();
    // Stands in for systemd's journal stream: JOURNAL_STREAM names the
    // device and inode of whatever stderr is.
    let stderr_path = dir.path().join("stderr");
    let stderr = std::fs::File::create(&stderr_path).unwrap();
    let meta = stderr.metadata().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_assignerd"))
        .args(["--config", cfg.to_str().unwrap()])
        .env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()))
        .env_remove("NOTIFY_SOCKET")
        .stdin(Stdio::null())
        .stderr(stderr)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(78));
    let err = std::fs::read_to_string(&stderr_path).unwrap();
    assert!(err.starts_with("<3>assignerd: "), "{err:?}");
    // Anywhere else the line stays plain.
    let (_, err) = daemon_exit(&["--config", cfg.to_str().unwrap()], &[]);
    assert!(err.starts_with("assignerd: "), "{err:?}");
}

#[test]
fn log_level_is_checked_and_the_flag_beats_rust_log() {
    let (code, err) = daemon_exit(
        &[
            "--check-config",
            "--config",
            "/dev/null",
            "--log-level",
            "verbose",
        ],
        &[],
    );
    assert_eq!(code, Some(78), "{err}");
    assert!(
        err.contains("--log-level") && err.contains("'verbose'"),
        "{err}"
    );
    let (code, err) = daemon_exit(
        &["--check-config", "--config", "/dev/null"],
        &[("RUST_LOG", "assigner=loud")],
    );
    assert_eq!(code, Some(78), "{err}");
    assert!(err.contains("RUST_LOG"), "{err}");

    // Flag over RUST_LOG over the config file. No tmux server runs here,
    // which the daemon reports as a warning: that line shows the filter.
    let config = format!("log_level = \"error\"\n{}", common::TEST_CONFIG);
    let mut d = TestDaemon::unstarted(&config, &[("RUST_LOG", "info")]);
    d.extra_args = vec!["--log-level".into(), "warn".into()];
    d.spawn();
    d.wait_ready();
    d.send(&["logged quietly"]);
    assert!(
        common::wait_until(common::WAIT, || d.logs().contains(" WARN ")),
        "{}",
        d.logs()
    );
    assert_eq!(d.stop().code(), Some(0));
    assert!(!d.logs().contains(" INFO "), "{}", d.logs());
    d.extra_args.clear();
    d.spawn();
    d.wait_ready();
    assert!(
        common::wait_until(common::WAIT, || d.logs().contains(" INFO ")),
        "RUST_LOG=info did not win over the config's log_level:\n{}",
        d.logs()
    );
}

#[test]
fn unusable_database_exits_74_and_foreign_file_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("s.sock");
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let db = blocker.join("assigner.db");
    let (code, err) = daemon_exit(
        &[
            "--config",
            "/dev/null",
            "--socket",
            sock.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, Some(74), "{err}");
    assert!(err.contains("cannot open the database"), "{err}");
    assert!(!sock.exists(), "socket bound before the database opened");
}

#[test]
fn flags_override_environment() {
    let dir = tempfile::tempdir().unwrap();
    let flag_sock = dir.path().join("flag.sock");
    let env_sock = dir.path().join("env.sock");
    let mut child = Command::new(env!("CARGO_BIN_EXE_assignerd"))
        .args([
            "--config",
            "/dev/null",
            "--socket",
            flag_sock.to_str().unwrap(),
        ])
        .env("ASSIGNER_SOCKET", &env_sock)
        .env("ASSIGNER_DB", dir.path().join("env.db"))
        .env("ASSIGNER_TMUX_SOCKET", dir.path().join("tmux.sock"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ok = common::wait_until(common::WAIT, || flag_sock.exists());
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok, "flag socket not used");
    assert!(!env_sock.exists());
    assert!(dir.path().join("env.db").exists(), "ASSIGNER_DB ignored");
}

#[test]
fn peers_of_other_users_are_forbidden() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!(
            "NOTE: peer-credential refusal needs root to run a client as another uid; checked in CI"
        );
        return;
    }
    let d = TestDaemon::start();
    // Let the stranger reach the socket, so that only SO_PEERCRED stops it.
    std::fs::set_permissions(d.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&d.socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--socket", d.socket.to_str().unwrap(), "status"])
        .uid(65534)
        .gid(65534)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(77),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("uid 65534"));
    assert!(d.logs().contains("refused connection"));
    assert!(d.ctl(&["status"]).status.success());
}

#[test]
fn socket_activation_takes_fd_3_and_never_unlinks_it() {
    let dir = tempfile::tempdir().unwrap();
    let sock = dir.path().join("activated.sock");
    let listener = UnixListener::bind(&sock).unwrap();
    drop(listener); // leaves the file; systemd-socket-activate binds anew
    std::fs::remove_file(&sock).unwrap();
    let Ok(mut child) = Command::new("systemd-socket-activate")
        .arg("-l")
        .arg(&sock)
        .arg(env!("CARGO_BIN_EXE_assignerd"))
        .args(["--config", "/dev/null", "--db"])
        .arg(dir.path().join("a.db"))
        .arg("--socket")
        .arg(dir.path().join("unused.sock"))
        .stderr(Stdio::null())
        .spawn()
    else {
        panic!("systemd-socket-activate is missing: install the systemd package");
    };
    assert!(common::wait_until(common::WAIT, || sock.exists()));
    let out = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--socket", sock.to_str().unwrap(), "--json", "status"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !dir.path().join("unused.sock").exists(),
        "bound its own socket despite LISTEN_FDS"
    );
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(sock.exists(), "unlinked the socket it was handed");
}

#[test]
fn missing_tmux_is_a_normal_state_with_a_reason() {
    let d = TestDaemon::start_with(common::TEST_CONFIG, &[("PATH", "/nonexistent")]);
    let id = d.send(&["waits for tmux"]);
    let reason = |d: &TestDaemon| {
        d.ctl_json(&["status"])["status"]["tmux"]["reason"]
            .as_str()
            .map(str::to_owned)
    };
    assert!(
        common::wait_until(common::WAIT, || reason(&d)
            .is_some_and(|r| r.contains("not installed"))),
        "{:?}",
        reason(&d)
    );
    assert_eq!(
        d.ctl_json(&["status"])["status"]["tmux"]["reachable"],
        false
    );
    let waiting = || {
        d.ctl_json(&["show", &id.to_string()])["prompt"]["waiting_reason"]
            .as_str()
            .map(str::to_owned)
    };
    assert!(
        common::wait_until(common::WAIT, || waiting()
            .is_some_and(|w| w.contains("not installed"))),
        "{:?}",
        waiting()
    );
    assert_eq!(d.status_of(id), "pending");
}

/// Sets or clears the immutable attribute; `false` when the file system or
/// the user cannot (then the test says so and checks nothing).
fn chattr(flag: &str, path: &std::path::Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn sqlite_write_failure_is_an_error_and_nothing_is_half_written() {
    let d = TestDaemon::start();
    d.send(&["before the failure"]);
    let wal = d.db.with_extension("db-wal");
    if !chattr("+i", &wal) {
        eprintln!(
            "NOTE: cannot make {} immutable (needs root on ext4); write-failure test not run here",
            wal.display()
        );
        return;
    }
    let out = d.ctl(&["send", "during the failure"]);
    chattr("-i", &wal);
    assert_eq!(
        out.status.code(),
        Some(70),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("database error") && err.contains("(internal)"),
        "{err}"
    );
    // The daemon is still up, and the failed prompt left no trace.
    let id = d.send(&["after the failure"]);
    let listed = d.ctl_json(&["prompts"]);
    let texts: Vec<&str> = listed["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["preview"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["after the failure", "before the failure"]);
    assert_eq!(d.history_events(id), ["queued"]);
}
