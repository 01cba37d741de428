//! Databases seeded through the library: prompts, failures, session rows
//! and the original guide's scenario, plus the offline `cleanup --db` call.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use assigner::model::FailureKind;
use assigner::protocol::{NewPrompt, SessionInfo, SessionState};
use assigner::store::{SessionRow, Store};
use serde_json::Value;

use crate::common::TestDaemon;
use crate::common::tmux::{AgentLog, TmuxServer};

pub const GUIDE_ERROR: &str = "Target session 'test-claude' not found in tmux";

pub fn queue(store: &mut Store, text: &str, target: Option<&str>) -> i64 {
    store
        .insert_prompt(&NewPrompt {
            text: text.into(),
            target: target.map(String::from),
            ..NewPrompt::default()
        })
        .unwrap()
}

/// A failed prompt as a daemon before failure kinds (or the original
/// worker, once imported) left it: its error text is all there is.
pub fn failed(store: &mut Store, text: &str, target: Option<&str>, error: &str) -> i64 {
    let id = failed_as(store, text, target, FailureKind::Agent, error);
    store
        .conn()
        .execute("UPDATE prompts SET failure_kind = NULL WHERE id = ?1", [id])
        .unwrap();
    id
}

/// A failed prompt with its kind recorded, as the daemon fails them now.
pub fn failed_as(
    store: &mut Store,
    text: &str,
    target: Option<&str>,
    kind: FailureKind,
    error: &str,
) -> i64 {
    let id = queue(store, text, target);
    store.fail(id, kind, error).unwrap();
    id
}

pub fn session(pane: &str, name: &str, prompt: Option<i64>) -> SessionRow {
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
pub struct Guide {
    pub server: TmuxServer,
    pub ids: Vec<i64>,
    pub texts: Vec<String>,
    pub logs: Vec<AgentLog>,
}

pub fn guide(db: &Path) -> Guide {
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

pub fn offline(db: &Path, tmux: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["--json", "cleanup", "--db"])
        .arg(db)
        .arg("--tmux-socket")
        .arg(tmux)
        .args(args)
        .output()
        .unwrap()
}

pub fn offline_ok(db: &Path, tmux: &Path, args: &[&str]) -> Value {
    let out = offline(db, tmux, args);
    assert!(
        out.status.success(),
        "cleanup {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["report"].clone()
}

pub fn db_session_names(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT name FROM sessions").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

pub fn events(store: &Store, id: i64) -> Vec<String> {
    store
        .history(id)
        .unwrap()
        .into_iter()
        .map(|h| h.event)
        .collect()
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Starts a daemon on the guide's database, serving the guide's tmux server.
pub fn guide_daemon() -> (TestDaemon, Guide) {
    let mut d = TestDaemon::builder().unstarted();
    let g = guide(&d.db);
    d.tmux_socket = g.server.socket().to_owned();
    d.spawn();
    d.wait_ready();
    (d, g)
}
