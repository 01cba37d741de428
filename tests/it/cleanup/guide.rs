//! The original troubleshooting guide's scenario: 15 prompts failed against
//! a vanished session, offline and through the daemon, then delivered.

use std::collections::BTreeSet;

use assigner::store::Store;

use crate::cleanup::fixtures::*;
use crate::common::tmux::AgentLog;
use crate::common::{WAIT, wait_until};

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
        let p = store.prompt(*id).unwrap().summary;
        assert_eq!((p.routing.target, p.error, p.retry_count), (None, None, 0));
        assert_eq!(events(&store, *id).last().unwrap(), "reset-missing-target");
    }
    let again = offline_ok(&db, g.server.socket(), &[]);
    assert!(again["actions"].as_array().unwrap().is_empty(), "{again}");
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
