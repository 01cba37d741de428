//! The guide's whole scenario from the original worker's database: import,
//! dry run, apply, retry-failed. All 15 failed prompts and the one the
//! stale session held reach the two live Claude agents, each exactly once,
//! including those whose metadata names fallback providers but no primary
//! one.

use std::path::Path;

use crate::cleanup::fixtures::GUIDE_ERROR;
use crate::common::TestDaemon;
use crate::common::tmux::{AgentLog, TmuxServer};
use crate::common::{WAIT, wait_until};

/// The original worker's wording of a missing pane.
const WORKER_ERROR: &str = "tmux send-keys failed: can't find pane: test-claude";
/// Metadata the original worker's fallback-only prompts carried.
const FALLBACK_ONLY: &str =
    r#"{"git_branch": "main", "prefer_context_match": true, "fallback_providers": ["codex"]}"#;

/// Builds the legacy database; returns the texts it holds.
fn legacy_db(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE prompts (id INTEGER PRIMARY KEY AUTOINCREMENT, content TEXT NOT NULL,
           status TEXT, assigned_session TEXT, error TEXT, metadata TEXT,
           target_session TEXT, target_provider TEXT, retry_count INTEGER DEFAULT 0,
           max_retries INTEGER DEFAULT 3);
         CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT, provider TEXT, status TEXT,
           current_prompt_id INTEGER);",
    )
    .unwrap();
    let mut texts = Vec::new();
    for i in 1..=15 {
        let text = format!("guide prompt {i}");
        // 13 failed against the vanished session (both wordings), two for
        // another reason that only --retry-failed requeues.
        let (target, error) = match i {
            14 | 15 => (None, "agent stopped responding"),
            n if n % 4 == 0 => (Some("test-claude"), WORKER_ERROR),
            _ => (Some("test-claude"), GUIDE_ERROR),
        };
        let metadata = [3, 8, 14].contains(&i).then_some(FALLBACK_ONLY);
        conn.execute(
            "INSERT INTO prompts (content, status, error, metadata, target_session)
             VALUES (?1, 'failed', ?2, ?3, ?4)",
            rusqlite::params![text, error, metadata, target],
        )
        .unwrap();
        texts.push(text);
    }
    let held = "the prompt test-claude held".to_owned();
    conn.execute(
        "INSERT INTO prompts (content, status, assigned_session, metadata)
         VALUES (?1, 'in_progress', 'test-claude', ?2)",
        rusqlite::params![held, FALLBACK_ONLY],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO sessions VALUES ('test-claude', 'test-claude', 'claude', 'busy', 16)",
        [],
    )
    .unwrap();
    texts.push(held);
    texts
}

#[test]
fn guide_scenario_from_the_legacy_database_delivers_every_prompt_once() {
    let server = TmuxServer::new();
    let logs: Vec<AgentLog> = ["claude-1", "claude-2"]
        .iter()
        .map(|name| server.start_agent(name, &["--busy-ms", "100"]).1)
        .collect();
    let d = TestDaemon::builder().tmux(server.socket()).start();
    let legacy = d.dir.path().join("worker.db");
    let texts = legacy_db(&legacy);

    let import = &d.ctl_json(&["import-legacy", legacy.to_str().unwrap()])["report"];
    assert_eq!(import["imported"].as_array().unwrap().len(), 16, "{import}");
    let dry = &d.ctl_json(&["cleanup"])["report"];
    assert_eq!(dry["applied"], false);
    let groups = dry["failed_by_target"].as_array().unwrap();
    let missing = groups
        .iter()
        .find(|g| g["target"] == "test-claude")
        .unwrap();
    assert_eq!(missing["exists"], false);
    assert_eq!(missing["prompts"].as_array().unwrap().len(), 13);
    assert_eq!(dry["actions"].as_array().unwrap().len(), 13, "{dry}");
    d.ctl_json(&["cleanup", "--apply"]);
    let retried = &d.ctl_json(&["cleanup", "--apply", "--retry-failed"])["report"];
    assert_eq!(retried["actions"].as_array().unwrap().len(), 2, "{retried}");

    let done = wait_until(WAIT * 6, || {
        d.ctl_json(&["status"])["status"]["prompts"]["completed"] == 16
    });
    let status = d.ctl_json(&["status"]);
    assert!(done, "not all delivered: {status}\nlog:\n{}", d.logs());
    let mut seen: Vec<String> = logs.iter().flat_map(AgentLog::submissions).collect();
    seen.sort();
    let mut want = texts;
    want.sort();
    assert_eq!(seen, want, "each prompt exactly once");
    for log in &logs {
        assert!(log.violations().is_empty(), "{:?}", log.violations());
    }
    assert_eq!(status["status"]["unroutable"], 0);
}

#[test]
fn cleanup_and_status_show_a_prompt_no_tracked_session_can_take() {
    let server = TmuxServer::new();
    let _agent = server.start_agent("claude-1", &[]);
    let d = TestDaemon::builder().tmux(server.socket()).start();
    wait_until(WAIT, || {
        d.ctl_json(&["status"])["status"]["sessions"]["idle"] == 1
    });
    let id = d.send(&["for codex only", "--provider", "codex"]);
    let lost = d.send(&["for a session never seen", "--target", "nowhere"]);
    let dry = &d.ctl_json(&["cleanup"])["report"];
    let listed = dry["unroutable"].as_array().unwrap();
    assert_eq!(listed.len(), 2, "{dry}");
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["reason"], "no tracked session runs codex");
    assert_eq!(listed[1]["id"], lost);
    assert_eq!(
        listed[1]["reason"],
        "its target session 'nowhere' is not tracked"
    );
    assert_eq!(d.ctl_json(&["status"])["status"]["unroutable"], 2);
    let text = d.ctl_ok(&["cleanup"]);
    assert!(
        text.contains(
            "pending prompts no tracked session can take:\n  1: no tracked session runs codex"
        ),
        "{text}"
    );
    assert!(
        d.ctl_ok(&["status"])
            .contains("unroutable: 2 pending prompt(s)")
    );
}
