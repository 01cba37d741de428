//! The engine skips assignment passes while neither the database nor any
//! pane changed (src/engine/queue.rs). Every way a prompt can come back to
//! the queue must therefore be seen: each path here enqueues a prompt while
//! the only agent sits idle and nothing else moves, and the prompt must
//! reach it.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::path::Path;

use common::Fleet;
use common::TEST_CONFIG;

/// Waits until `id` completed and `claude-1` received `text`, once.
fn delivered(f: &Fleet, id: i64, text: &str) {
    f.wait_status(id, "completed");
    let got = f.log("claude-1").submissions();
    assert_eq!(
        got.iter().filter(|t| *t == text).count(),
        1,
        "{text:?} not received once: {got:?}"
    );
    f.wait_session_state("claude-1", "idle");
}

/// A database of the original worker holding one pending prompt.
fn legacy_db(path: &Path, text: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE prompts (id INTEGER PRIMARY KEY AUTOINCREMENT, content TEXT NOT NULL,
           status TEXT, metadata TEXT, target_session TEXT);
         CREATE TABLE sessions (id TEXT PRIMARY KEY, name TEXT, provider TEXT, status TEXT);",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO prompts (content, status) VALUES (?1, 'pending')",
        [text],
    )
    .unwrap();
}

#[test]
fn every_way_back_to_the_queue_reaches_an_idle_agent() {
    // A missing target fails at once, so `reassign` and `cleanup` have
    // something to put back.
    let config = format!("target_wait_minutes = 0\n{TEST_CONFIG}");
    let mut f = Fleet::new(&[], &[], &config);
    // Cancelled before any agent existed: `retry` brings it back later.
    let cancelled = f.d.send(&["retried after a cancel"]);
    f.d.ctl_ok(&["cancel", &cancelled.to_string()]);
    f.add_agent("claude-1", &[]);

    let id = f.d.send(&["plain send"]);
    delivered(&f, id, "plain send");

    f.d.ctl_ok(&["retry", &cancelled.to_string()]);
    delivered(&f, cancelled, "retried after a cancel");

    let id = f.d.send(&["reassigned", "--target", "nowhere"]);
    f.wait_status(id, "failed");
    f.d.ctl_ok(&["reassign", &id.to_string()]);
    delivered(&f, id, "reassigned");

    let id = f.d.send(&["reset by cleanup", "--target", "gone"]);
    f.wait_status(id, "failed");
    f.d.ctl_ok(&["cleanup", "--apply"]);
    delivered(&f, id, "reset by cleanup");

    let legacy = f.tmux.dir().join("legacy.db");
    legacy_db(&legacy, "imported");
    let report = f.d.ctl_json(&["import-legacy", legacy.to_str().unwrap()]);
    let id = report["report"]["imported"][0][1]
        .as_i64()
        .unwrap_or_else(|| panic!("{report}"));
    delivered(&f, id, "imported");

    // Requeued when the pane working on it vanishes, at no retry cost:
    // the codex agent holds its prompt until its pane is killed.
    f.add_agent("codex-1", &["--busy-ms", "600000"]);
    let id = f.d.send(&[
        "requeued from a vanished pane",
        "--provider",
        "codex",
        "--allow-fallback",
    ]);
    f.wait_status(id, "in_progress");
    assert_eq!(f.prompt_field(id, "session"), "codex-1");
    f.tmux.kill_session("codex-1");
    delivered(&f, id, "requeued from a vanished pane");
    f.assert_no_violations();
}
