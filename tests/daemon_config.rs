//! assignerd's configuration at start-up: strict config errors with the key
//! and line, flags over environment over config, the log level, and errors
//! that reach the journal before logging is set up, and the `reload` request.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::process::{Command, Stdio};

use common::{TestDaemon, daemon_exit};

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
fn flags_override_environment() {
    let dir = tempfile::tempdir().unwrap();
    let flag_sock = dir.path().join("flag.sock");
    let env_sock = dir.path().join("env.sock");
    let child = common::ChildGuard(
        Command::new(env!("CARGO_BIN_EXE_assignerd"))
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
            .unwrap(),
    );
    let ok = common::wait_until(common::WAIT, || flag_sock.exists());
    drop(child);
    assert!(ok, "flag socket not used");
    assert!(!env_sock.exists());
    assert!(dir.path().join("env.db").exists(), "ASSIGNER_DB ignored");
}

#[test]
fn a_reload_request_answers_once_the_new_config_applies() {
    let f = common::Fleet::with_agents(&["claude-1"]);
    let excluded = || {
        f.d.ctl_json(&["sessions"])["sessions"][0]["excluded"]
            .as_bool()
            .unwrap_or(false)
    };
    assert!(common::wait_until(common::WAIT, || f
        .d
        .ctl_json(&["sessions"])["sessions"]
        .as_array()
        .is_some_and(|s| s.len() == 1)));
    assert!(!excluded());
    std::fs::write(
        &f.d.config,
        format!("exclude = [\"claude-1\"]\n{}", common::TEST_CONFIG),
    )
    .unwrap();
    assert_eq!(f.d.ctl_ok(&["reload"]), "configuration reloaded\n");
    // No waiting: the answer means the change is in effect.
    assert!(excluded(), "{}", f.d.ctl_ok(&["sessions"]));

    std::fs::write(&f.d.config, "exclude = [\"claude-1\"\n").unwrap();
    let out = f.d.ctl(&["reload"]);
    assert_eq!(out.status.code(), Some(65), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("new config refused") && err.contains("line"),
        "{err}"
    );
    assert!(excluded(), "the refused config replaced the running one");
}

#[test]
fn bad_pools_are_refused_naming_the_pool_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("pools.toml");
    let pool = "[pools.claude]\nprovider = \"claude\"\ncommand = [\"claude\"]\n";
    for (extra, says) in [
        ("comand = [\"x\"]\n", "line 4"),
        ("restart = \"sometimes\"\n", "on-failure"),
        ("worktree = true\n", "pools.claude.worktree_dir"),
        ("count = 500\n", "pools.claude.count"),
        (
            "[pools.other]\nprovider = \"codex\"\ncommand = [\"codex\"]\nsession = \"claude-{n}\"\n",
            "pools.other.session",
        ),
    ] {
        std::fs::write(&cfg, format!("{pool}{extra}")).unwrap();
        let (code, err) = daemon_exit(&["--check-config", "--config", cfg.to_str().unwrap()], &[]);
        assert_eq!(code, Some(78), "{extra}: {err}");
        assert!(err.contains(says), "{extra}: {err}");
        let out = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
            .args(["validate", "--config", cfg.to_str().unwrap()])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(78), "{extra}: {err}");
        assert!(err.contains(says), "{extra}: {err}");
    }
    std::fs::write(
        &cfg,
        pool.replace("\"claude\"\ncommand", "\"claud\"\ncommand"),
    )
    .unwrap();
    let (_, err) = daemon_exit(&["--check-config", "--config", cfg.to_str().unwrap()], &[]);
    assert!(err.contains("'claud' is not a known provider"), "{err}");
    std::fs::write(&cfg, pool).unwrap();
    let (code, out) = daemon_exit(&["--check-config", "--config", cfg.to_str().unwrap()], &[]);
    assert_eq!(code, Some(0), "{out}");
}
