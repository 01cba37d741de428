//! `assignerctl import-legacy` of a database built from the original
//! worker's schema: each row's status, routing, context and history,
//! including rows with missing, malformed or mistyped metadata, imported
//! once and only once.

use std::collections::BTreeMap;
use std::path::Path;

use super::support::{import, show};
use crate::common::TestDaemon;
use serde_json::json;

/// The original worker's tables.
const LEGACY_SCHEMA: &str = "
CREATE TABLE prompts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    content TEXT NOT NULL,
    source TEXT DEFAULT 'cli',
    priority INTEGER DEFAULT 0,
    status TEXT DEFAULT 'pending',
    assigned_session TEXT,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    assigned_at TIMESTAMP,
    completed_at TIMESTAMP,
    response TEXT,
    error TEXT,
    metadata TEXT,
    target_session TEXT,
    target_provider TEXT,
    retry_count INTEGER DEFAULT 0,
    max_retries INTEGER DEFAULT 3,
    timeout_minutes INTEGER DEFAULT 30
);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, name TEXT, provider TEXT, status TEXT,
    last_activity TIMESTAMP, current_prompt_id INTEGER
);
CREATE TABLE assignment_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT, prompt_id INTEGER, session_id TEXT,
    assigned_at TIMESTAMP, completed_at TIMESTAMP, status TEXT, notes TEXT
);
";

const FULL_METADATA: &str = r#"{"working_dir":"/srv/app","env_vars":{"RUST_LOG":"debug","PORT":8080},
 "prerequisites":["git pull"],"git_branch":"feature/x","preferred_providers":["claude"],
 "fallback_providers":["codex","gemini"],"allow_fallback":true,"ticket":"OPS-7"}"#;

/// Builds the legacy database; returns legacy id → content.
fn legacy_db(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(LEGACY_SCHEMA).unwrap();
    let rows: [(&str, &str, Option<&str>, &str); 8] = [
        (
            "routed",
            "pending",
            Some(FULL_METADATA),
            "target_session = 'claude-1', priority = 8",
        ),
        (
            "was assigned",
            "assigned",
            None,
            "assigned_session = 'claude-2', assigned_at = '2024-05-01 10:00:00'",
        ),
        (
            "was running",
            "in_progress",
            Some("{oops"),
            "assigned_session = 'claude-1'",
        ),
        (
            "finished",
            "completed",
            Some("{}"),
            "response = 'all done', completed_at = '2024-05-01T11:00:00'",
        ),
        (
            "broke",
            "failed",
            Some("[1, 2]"),
            "error = 'tmux send-keys failed: can''t find pane: test-claude', retry_count = 2",
        ),
        ("", "pending", None, "priority = 1"),
        ("odd status", "paused", None, "priority = 1"),
        (
            "mistyped",
            "pending",
            Some(r#"{"env_vars":["A"],"prerequisites":"make, make test","allow_fallback":"yes"}"#),
            "priority = 42, max_retries = 4294967295, timeout_minutes = 100000",
        ),
    ];
    for (content, status, meta, extra) in rows {
        conn.execute(
            "INSERT INTO prompts (content, status, metadata, created_at) VALUES (?1, ?2, ?3, '2024-05-01 09:30:00')",
            rusqlite::params![content, status, meta],
        )
        .unwrap();
        conn.execute_batch(&format!(
            "UPDATE prompts SET {extra} WHERE id = last_insert_rowid()"
        ))
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO assignment_history (prompt_id, session_id, assigned_at, completed_at, status, notes) VALUES
            (4, 'claude-1', '2024-05-01 10:30:00', NULL, 'assigned', NULL),
            (4, 'claude-1', '2024-05-01 10:30:00', '2024-05-01 11:00:00', 'completed', 'ok');
         INSERT INTO sessions (id, name, provider, status) VALUES ('s1', 'claude-1', 'claude', 'idle');",
    )
    .unwrap();
}

#[test]
fn imports_status_routing_context_and_history_once() {
    let d = TestDaemon::start();
    let legacy = d.dir.path().join("worker.db");
    legacy_db(&legacy);
    let before = std::fs::read(&legacy).unwrap();
    let report = import(&d, &legacy);
    let map: BTreeMap<i64, i64> = report["imported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_i64().unwrap(), p[1].as_i64().unwrap()))
        .collect();
    assert_eq!(
        map.keys().copied().collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 8],
        "{report}"
    );
    let skipped = report["skipped"].to_string();
    assert!(
        skipped.contains("prompt is empty") && skipped.contains("unknown status 'paused'"),
        "{skipped}"
    );
    assert!(
        report["notes"][0]
            .as_str()
            .unwrap()
            .contains("1 legacy session"),
        "{report}"
    );
    assert_eq!(
        std::fs::read(&legacy).unwrap(),
        before,
        "the legacy file was modified"
    );

    let (p, events) = show(&d, map[&1]);
    assert_eq!(
        (
            p["status"].as_str(),
            p["target"].as_str(),
            p["priority"].as_u64()
        ),
        (Some("pending"), Some("claude-1"), Some(8))
    );
    assert_eq!(p["working_dir"], "/srv/app");
    assert_eq!(p["env"], json!({"PORT": "8080", "RUST_LOG": "debug"}));
    assert_eq!(
        (p["prereqs"].clone(), p["branch"].clone()),
        (json!(["git pull"]), json!("feature/x"))
    );
    assert_eq!(
        (
            p["providers"].clone(),
            p["fallback"].clone(),
            p["allow_fallback"].clone()
        ),
        (json!(["claude"]), json!([]), json!(true))
    );
    // The original worker tried fallback providers only after a
    // target_provider; without one they never routed, and the history says
    // they were dropped (assignerctl(1), ROUTING).
    let v = d.ctl_json(&["show", &map[&1].to_string()]);
    let imported = v["history"][0]["detail"].as_str().unwrap();
    assert!(
        imported.contains("fallback_providers codex,gemini dropped"),
        "{imported}"
    );
    assert_eq!(p["metadata"], json!({"ticket": "OPS-7"}));
    assert_eq!(p["timeout_minutes"], 30);
    assert_eq!(p["created_at"], "2024-05-01T09:30:00.000Z");
    assert_eq!(events, ["imported"]);

    for old in [2, 3] {
        let (p, events) = show(&d, map[&old]);
        assert_eq!(
            (p["status"].as_str(), p["session"].as_str()),
            (Some("pending"), None)
        );
        assert_eq!(events, ["imported", "requeued"]);
    }
    let (p, _) = show(&d, map[&3]);
    assert_eq!(p["metadata"], json!({"legacy_metadata": "{oops"}));
    let v = d.ctl_json(&["show", &map[&3].to_string()]);
    assert!(
        v["history"][1]["detail"]
            .as_str()
            .unwrap()
            .contains("was in_progress"),
        "{v}"
    );

    let (p, events) = show(&d, map[&4]);
    assert_eq!(
        (p["status"].as_str(), p["response"].as_str()),
        (Some("completed"), Some("all done"))
    );
    assert_eq!(p["finished_at"], "2024-05-01T11:00:00.000Z");
    assert_eq!(events, ["legacy-assigned", "legacy-completed", "imported"]);
    let (p, _) = show(&d, map[&5]);
    assert_eq!(
        (p["status"].as_str(), p["retry_count"].as_u64()),
        (Some("failed"), Some(2))
    );
    assert!(p["error"].as_str().unwrap().contains("can't find pane"));
    let (p, events) = show(&d, map[&8]);
    assert_eq!(
        (p["priority"].as_u64(), p["allow_fallback"].clone()),
        (Some(10), json!(true))
    );
    // Limits out of the protocol's ranges are brought inside them.
    assert_eq!(
        (p["max_retries"].as_u64(), p["timeout_minutes"].as_u64()),
        (Some(20), Some(1440))
    );
    assert_eq!(p["prereqs"], json!(["make", "make test"]));
    let v = d.ctl_json(&["show", &map[&8].to_string()]);
    assert!(
        v["history"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("env_vars"),
        "{events:?}"
    );

    // Twice imports nothing twice.
    let again = import(&d, &legacy);
    assert_eq!(again["imported"], json!([]));
    assert_eq!(again["skipped"].as_array().unwrap().len(), 8);
    assert!(
        again["skipped"]
            .to_string()
            .contains("already imported as prompt")
    );
    let text = d.ctl_ok(&["import-legacy", legacy.to_str().unwrap()]);
    assert!(
        text.starts_with("imported 0 prompt(s), skipped 8\n"),
        "{text}"
    );
    assert_eq!(d.ctl_json(&["status"])["status"]["prompts"]["pending"], 4);

    // Clearing the imported finished prompts does not let them come back.
    d.ctl_ok(&["clear"]);
    let after_clear = import(&d, &legacy);
    assert_eq!(after_clear["imported"], json!([]), "{after_clear}");
    assert!(
        after_clear["skipped"].to_string().contains("since cleared"),
        "{after_clear}"
    );
}
