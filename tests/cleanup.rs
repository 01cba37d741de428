//! `assignerctl cleanup`: the original troubleshooting guide's scenario
//! against a real tmux server, dry run versus apply, `--retry-failed`,
//! `--verify-only`, and offline mode (`--db`) next to a running daemon.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use assigner::protocol::{NewPrompt, SessionInfo, SessionState};
use assigner::store::{Claim, SessionRow, Store};
use common::tmux::{AgentLog, TmuxServer};
use common::{TestDaemon, WAIT, wait_until};
use serde_json::Value;

const GUIDE_ERROR: &str = "Target session 'test-claude' not found in tmux";

fn queue(store: &mut Store, text: &str, target: Option<&str>) -> i64 {
    store
        .insert_prompt(&NewPrompt {
            text: text.into(),
            target: target.map(String::from),
            ..NewPrompt::default()
        })
        .unwrap()
}

fn failed(store: &mut Store, text: &str, target: Option<&str>, error: &str) -> i64 {
    let id = queue(store, text, target);
    store.fail(id, error).unwrap();
    id
}

fn session(pane: &str, name: &str, prompt: Option<i64>) -> SessionRow {
    SessionRow {
        info: SessionInfo {
            pane: pane.into(),
            name: name.into(),
            provider: "claude".into(),
            state: SessionState::Idle,
            rule: None,
            working_dir: None,
            branch: None,
            command: None,
            prompt,
            excluded: false,
            last_activity: None,
        },
        server_pid: None,
        session_name: name.into(),
        window: 0,
        index: 0,
        pane_pid: None,
    }
}

/// The guide's database: 15 prompts failed against the vanished
/// `test-claude`, its stale session row, and rows for two live agents.
struct Guide {
    server: TmuxServer,
    ids: Vec<i64>,
    texts: Vec<String>,
    logs: Vec<AgentLog>,
}

fn guide(db: &Path) -> Guide {
    let server = TmuxServer::new();
    let mut store = Store::open(db).unwrap();
    let mut logs = Vec::new();
    for name in ["claude-1", "claude-2"] {
        let (pane, log) = server.start_agent(name, &["--busy-ms", "100"]);
        store.upsert_session(&session(&pane, name, None)).unwrap();
        logs.push(log);
    }
    store
        .upsert_session(&session("%999", "test-claude", None))
        .unwrap();
    let texts: Vec<String> = (1..=15).map(|i| format!("guide prompt {i}")).collect();
    let ids = texts
        .iter()
        .map(|t| failed(&mut store, t, Some("test-claude"), GUIDE_ERROR))
        .collect();
    Guide {
        server,
        ids,
        texts,
        logs,
    }
}

fn offline(db: &Path, tmux: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--json", "cleanup", "--db"])
        .arg(db)
        .arg("--tmux-socket")
        .arg(tmux)
        .args(args)
        .output()
        .unwrap()
}

fn offline_ok(db: &Path, tmux: &Path, args: &[&str]) -> Value {
    let out = offline(db, tmux, args);
    assert!(
        out.status.success(),
        "cleanup {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["report"].clone()
}

fn db_session_names(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT name FROM sessions").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn events(store: &Store, id: i64) -> Vec<String> {
    store
        .history(id)
        .unwrap()
        .into_iter()
        .map(|h| h.event)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn guide_scenario_offline_dry_run_then_apply() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let g = guide(&db);
    let dry = offline_ok(&db, g.server.socket(), &[]);
    assert_eq!(dry["applied"], false);
    assert_eq!(strings(&dry["tmux_sessions"]), ["claude-1", "claude-2"]);
    assert_eq!(dry["stale_sessions"].as_array().unwrap().len(), 1);
    assert_eq!(dry["stale_sessions"][0]["name"], "test-claude");
    let groups = dry["failed_by_target"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["target"], "test-claude");
    assert_eq!(groups[0]["exists"], false);
    assert_eq!(groups[0]["prompts"].as_array().unwrap().len(), 15);
    assert_eq!(groups[0]["prompts"][0]["error"], GUIDE_ERROR);
    assert_eq!(dry["counts"]["failed"], 15);
    assert_eq!(dry["actions"].as_array().unwrap().len(), 16);
    // A dry run changes nothing.
    assert_eq!(offline_ok(&db, g.server.socket(), &["--dry-run"]), dry);

    let applied = offline_ok(&db, g.server.socket(), &["--apply"]);
    assert_eq!(applied["applied"], true);
    assert_eq!(
        applied["actions"], dry["actions"],
        "dry run and apply differ"
    );
    assert_eq!(applied["counts"]["failed"], 0);
    assert_eq!(applied["counts"]["pending"], 15);
    assert_eq!(
        strings(&applied["integrity"]),
        ["integrity_check: ok", "foreign_key_check: ok"]
    );
    assert_eq!(
        db_session_names(&db),
        BTreeSet::from(["claude-1".to_owned(), "claude-2".to_owned()])
    );
    let store = Store::open(&db).unwrap();
    for id in &g.ids {
        let p = store.prompt(*id).unwrap();
        assert_eq!((p.target, p.error, p.retry_count), (None, None, 0));
        assert_eq!(events(&store, *id).last().unwrap(), "reset-missing-target");
    }
    let again = offline_ok(&db, g.server.socket(), &[]);
    assert!(again["actions"].as_array().unwrap().is_empty(), "{again}");
}

/// Starts a daemon on the guide's database, serving the guide's tmux server.
fn guide_daemon() -> (TestDaemon, Guide) {
    let mut d = TestDaemon::unstarted(common::daemon::TEST_CONFIG, &[]);
    let g = guide(&d.db);
    d.tmux_socket = g.server.socket().to_owned();
    d.spawn();
    d.wait_ready();
    (d, g)
}

#[test]
fn guide_scenario_through_the_daemon_leaves_only_live_sessions() {
    let (d, g) = guide_daemon();
    let dry = d.ctl_json(&["cleanup"]);
    assert_eq!(dry["type"], "cleanup");
    let dry = &dry["report"];
    assert_eq!(dry["failed_by_target"][0]["exists"], false);
    assert_eq!(dry["counts"]["failed"], 15);
    // The engine may already have dropped the vanished pane on its own;
    // if not, cleanup reports it.
    for s in dry["stale_sessions"].as_array().unwrap() {
        assert_eq!(s["name"], "test-claude");
    }
    let applied = &d.ctl_json(&["cleanup", "--apply"])["report"];
    assert_eq!(applied["actions"], dry["actions"]);
    assert_eq!(applied["counts"]["failed"], 0);
    assert_eq!(applied["counts"]["pending"], 15);
    let names = db_session_names(&d.db);
    assert!(!names.contains("test-claude"), "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("claude-")), "{names:?}");
    let show = d.ctl_json(&["show", &g.ids[0].to_string()]);
    let history: Vec<&str> = show["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap())
        .collect();
    assert!(history.contains(&"reset-missing-target"), "{history:?}");
    assert!(
        d.logs().contains("cleanup: reset to pending"),
        "action not logged"
    );
}

#[test]
fn guide_prompts_are_delivered_to_the_live_agents_after_cleanup() {
    let (d, g) = guide_daemon();
    d.ctl_json(&["cleanup", "--apply"]);
    let done = wait_until(WAIT * 6, || {
        d.ctl_json(&["status"])["status"]["prompts"]["completed"] == 15
    });
    assert!(done, "not all delivered; log:\n{}", d.logs());
    let mut seen: Vec<String> = g.logs.iter().flat_map(AgentLog::submissions).collect();
    seen.sort();
    let mut want = g.texts.clone();
    want.sort();
    assert_eq!(seen, want, "each prompt exactly once");
    for log in &g.logs {
        assert!(log.violations().is_empty(), "{:?}", log.violations());
    }
}

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
    let worker = failed(
        &mut store,
        "worker wording",
        Some("old"),
        "tmux send-keys failed: can't find pane: old",
    );
    let crashed = failed(&mut store, "crashed", None, "agent crashed");
    let spent = failed(&mut store, "spent", None, "agent crashed");
    for _ in 0..3 {
        store.retry(spent, "test").unwrap();
        store.fail(spent, "agent crashed").unwrap();
    }
    drop(store);

    let plain = offline_ok(&db, &no_server, &[]);
    assert_eq!(plain["actions"].as_array().unwrap().len(), 2, "{plain}");
    let dry = offline_ok(&db, &no_server, &["--retry-failed"]);
    let actions = strings(&dry["actions"]);
    assert_eq!(actions.len(), 3, "{actions:?}");
    let has = |want: &str| actions.iter().filter(|a| a.contains(want)).count() == 1;
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
    assert!(dry["tmux_sessions"].as_array().unwrap().is_empty());

    let applied = offline_ok(&db, &no_server, &["--apply", "--retry-failed"]);
    assert_eq!(applied["actions"], dry["actions"]);
    let store = Store::open(&db).unwrap();
    let p = store.prompt(held).unwrap();
    assert_eq!(
        (p.status.as_str(), p.pane, p.retry_count),
        ("pending", None, 0)
    );
    assert!(events(&store, held).contains(&"requeued-from-stale-session".to_owned()));
    let p = store.prompt(worker).unwrap();
    assert_eq!(
        (p.status.as_str(), p.target, p.error),
        ("pending", None, None)
    );
    let p = store.prompt(crashed).unwrap();
    assert_eq!(
        (p.status.as_str(), p.retry_count, p.error),
        ("pending", 1, None)
    );
    assert_eq!(events(&store, crashed).last().unwrap(), "retried");
    assert_eq!(store.prompt(spent).unwrap().status.as_str(), "failed");
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
