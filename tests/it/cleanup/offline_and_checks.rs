//! Dry run versus `--apply --retry-failed`, offline mode next to a running
//! daemon, and `--verify-only` on healthy and garbage files.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use assigner::store::{Claim, Store};

use crate::cleanup::fixtures::*;
use crate::common::TestDaemon;
use crate::common::tmux::TmuxServer;

#[test]
fn dry_run_lists_exactly_what_apply_does_with_retry_failed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let no_server = dir.path().join("no-tmux");
    let mut store = Store::open(&db).unwrap();
    let held = queue(&mut store, "held by a vanished pane", None);
    let claim = Claim {
        pane: "%41".into(),
        session: "gone".into(),
    };
    store.claim(held, &claim).unwrap();
    store
        .upsert_session(&session("%41", "gone", Some(held)))
        .unwrap();
    // A stale row still naming a prompt that has since finished.
    let finished = queue(&mut store, "cancelled meanwhile", None);
    store.cancel(finished).unwrap();
    store
        .upsert_session(&session("%42", "gone-too", Some(finished)))
        .unwrap();
    let worker = failed(
        &mut store,
        "worker wording",
        Some("old"),
        "tmux send-keys failed: can't find pane: old",
    );
    let crashed = failed(&mut store, "crashed", None, "agent crashed");
    let unsure = failed(
        &mut store,
        "maybe delivered",
        None,
        &format!(
            "Enter was not taken: {}",
            assigner::protocol::MAYBE_DELIVERED
        ),
    );
    let spent = failed(&mut store, "spent", None, "agent crashed");
    for _ in 0..3 {
        store.retry(spent, "test").unwrap();
        store
            .fail(spent, assigner::model::FailureKind::Agent, "agent crashed")
            .unwrap();
    }
    drop(store);

    let plain = offline_ok(&db, &no_server, &[]);
    assert_eq!(plain["actions"].as_array().unwrap().len(), 3, "{plain}");
    let dry = offline_ok(&db, &no_server, &["--retry-failed"]);
    let actions = strings(&dry["actions"]);
    assert_eq!(actions.len(), 5, "{actions:?}");
    let has = |want: &str| actions.iter().filter(|a| a.contains(want)).count() == 1;
    assert!(has("remove stale session gone-too (%42)"), "{actions:?}");
    assert!(
        !actions
            .iter()
            .any(|a| a.contains(&format!("prompt {finished}"))),
        "{actions:?}"
    );
    assert!(
        has(&format!(
            "stale session gone (%41) and return prompt {held}"
        )),
        "{actions:?}"
    );
    assert!(has(&format!("reset prompt {worker} ")), "{actions:?}");
    assert!(
        has(&format!("retry prompt {crashed} (retry 1 of 3")),
        "{actions:?}"
    );
    assert!(
        has(&format!(
            "retry prompt {unsure} (retry 1 of 3; error cleared); its delivery was never confirmed"
        )),
        "{actions:?}"
    );
    assert!(!has(&format!(
        "retry prompt {crashed} (retry 1 of 3; error cleared); its"
    )));
    assert!(dry["tmux_sessions"].as_array().unwrap().is_empty());

    let applied = offline_ok(&db, &no_server, &["--apply", "--retry-failed"]);
    assert_eq!(applied["actions"], dry["actions"]);
    let store = Store::open(&db).unwrap();
    let p = store.prompt(held).unwrap().summary;
    assert_eq!(
        (p.status.as_str(), p.pane, p.retry_count),
        ("pending", None, 0)
    );
    assert!(events(&store, held).contains(&"requeued-from-stale-session".to_owned()));
    let p = store.prompt(worker).unwrap().summary;
    assert_eq!(
        (p.status.as_str(), p.routing.target, p.error),
        ("pending", None, None)
    );
    let p = store.prompt(crashed).unwrap().summary;
    assert_eq!(
        (p.status.as_str(), p.retry_count, p.error),
        ("pending", 1, None)
    );
    assert_eq!(events(&store, crashed).last().unwrap(), "retried");
    assert_eq!(
        store.prompt(spent).unwrap().summary.status.as_str(),
        "failed"
    );
    assert_eq!(
        store.prompt(finished).unwrap().summary.status.as_str(),
        "cancelled"
    );
    assert!(store.sessions().unwrap().is_empty());
}

#[test]
fn offline_apply_is_refused_while_a_daemon_holds_the_database() {
    let mut d = TestDaemon::start();
    let id = d.send(&["hello"]);
    let tmux = d.tmux_socket.clone();
    let out = offline(&d.db, &tmux, &["--apply"]);
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("in use by another process") && err.contains(&format!("pid {}", d.pid())),
        "{err}"
    );
    // Reading is fine meanwhile.
    let dry = offline_ok(&d.db, &tmux, &[]);
    assert_eq!(dry["counts"]["pending"], 1);
    // A second daemon on the same database is refused too.
    let second = Command::new(env!("CARGO_BIN_EXE_assignerd"))
        .arg("--config")
        .arg(&d.config)
        .arg("--db")
        .arg(&d.db)
        .arg("--socket")
        .arg(d.dir.path().join("second.sock"))
        .env_remove("NOTIFY_SOCKET")
        .env_remove("LISTEN_FDS")
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(69));
    assert!(String::from_utf8_lossy(&second.stderr).contains("in use by another process"));
    d.stop();
    let applied = offline_ok(&d.db, &tmux, &["--apply"]);
    assert_eq!(applied["applied"], true);
    assert_eq!(
        Store::open(&d.db)
            .unwrap()
            .prompt(id)
            .unwrap()
            .summary
            .status
            .as_str(),
        "pending"
    );
}

#[test]
fn verify_only_runs_both_checks_online_and_offline() {
    let mut d = TestDaemon::start();
    d.send(&["one"]);
    let online = &d.ctl_json(&["cleanup", "--verify-only"])["report"];
    assert_eq!(
        strings(&online["integrity"]),
        ["integrity_check: ok", "foreign_key_check: ok"]
    );
    assert_eq!(online["counts"]["pending"], 1);
    d.stop();
    let tmux = d.tmux_socket.clone();
    let offline_report = offline_ok(&d.db, &tmux, &["--verify-only"]);
    assert_eq!(offline_report["integrity"], online["integrity"]);

    let garbage = d.dir.path().join("garbage.db");
    std::fs::write(&garbage, vec![0x42; 4096]).unwrap();
    let out = offline(&garbage, &tmux, &["--verify-only"]);
    assert_eq!(out.status.code(), Some(65), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("could not run"));
    let out = offline(&garbage, &tmux, &[]);
    assert!(!out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a database"),
        "{out:?}"
    );
    let out = offline(&garbage, &tmux, &["--apply"]);
    assert_eq!(out.status.code(), Some(69), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is corrupt"),
        "{out:?}"
    );
    assert_eq!(
        std::fs::read(&garbage).unwrap(),
        vec![0x42; 4096],
        "offline cleanup changed a corrupt file"
    );
    let out = offline(&d.dir.path().join("absent.db"), &tmux, &[]);
    assert_eq!(out.status.code(), Some(66));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

/// Writes the user config of `home` (as [`offline_default`] sets it up)
/// naming `tmux` as the daemon's server.
fn daemon_config_names(home: &Path, tmux: &TmuxServer) {
    let config = home.join("config/assigner");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("assigner.toml"),
        format!("tmux_socket = {:?}\n", tmux.socket().to_str().unwrap()),
    )
    .unwrap();
}

/// `assignerctl cleanup --db` with no `--tmux-socket`, in a home of its own.
fn offline_default(home: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--json", "cleanup", "--db"])
        .arg(db)
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TMUX_TMPDIR", home.join("tmux-tmp"))
        .env_remove("ASSIGNER_CONFIG")
        .env_remove("ASSIGNER_TMUX_SOCKET")
        .output()
        .unwrap()
}

#[test]
fn offline_cleanup_asks_the_tmux_server_the_daemon_serves() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let tmux = TmuxServer::new();
    let pane = tmux.new_session("live", &["sleep", "600"]);
    let mut store = Store::open(&db).unwrap();
    let id = queue(&mut store, "running on a live pane", None);
    let claim = Claim {
        pane: pane.clone(),
        session: "live".into(),
    };
    store.claim(id, &claim).unwrap();
    store
        .upsert_session(&session(&pane, "live", Some(id)))
        .unwrap();
    drop(store);

    // No config and no server at tmux's default socket: every session
    // would look stale, so the dry run warns and --apply refuses.
    let dry = offline_default(dir.path(), &db, &[]);
    assert!(dry.status.success(), "{dry:?}");
    assert!(
        String::from_utf8_lossy(&dry.stderr).contains("no tmux server answers"),
        "{dry:?}"
    );
    let refused = offline_default(dir.path(), &db, &["--apply"]);
    assert_eq!(refused.status.code(), Some(69), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--tmux-socket PATH"));
    assert_eq!(db_session_names(&db), BTreeSet::from(["live".to_owned()]));

    // The config the daemon reads names the server: the pane is live.
    daemon_config_names(dir.path(), &tmux);
    let applied = offline_default(dir.path(), &db, &["--apply"]);
    assert!(applied.status.success(), "{applied:?}");
    let report: serde_json::Value = serde_json::from_slice(&applied.stdout).unwrap();
    assert!(
        report["report"]["stale_sessions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(
        store.prompt(id).unwrap().summary.status.as_str(),
        "assigned"
    );
}

#[test]
fn offline_apply_doubts_a_server_that_holds_none_of_the_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let tmux = TmuxServer::new();
    tmux.new_session("someone-else", &["sleep", "600"]);
    let mut store = Store::open(&db).unwrap();
    let mut row = session("%7", "agent", None);
    row.server_pid = Some(1);
    store.upsert_session(&row).unwrap();
    drop(store);
    daemon_config_names(dir.path(), &tmux);
    let refused = offline_default(dir.path(), &db, &["--apply"]);
    assert_eq!(refused.status.code(), Some(69), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("holds none of the sessions"),
        "{refused:?}"
    );
    assert_eq!(db_session_names(&db), BTreeSet::from(["agent".to_owned()]));
    // Named explicitly, the server is taken at its word.
    let applied = offline_ok(&db, tmux.socket(), &["--apply"]);
    assert_eq!(applied["stale_sessions"][0]["name"], "agent");
    assert!(db_session_names(&db).is_empty());
}
