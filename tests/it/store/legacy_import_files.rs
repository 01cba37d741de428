//! `assignerctl import-legacy` given files other than a full database of the
//! original worker: files that are not such a database are refused with a
//! clear error, and databases of older worker versions, without the routing
//! columns, still import.

use super::support::{import, show};
use crate::common::TestDaemon;

#[test]
fn files_that_are_not_legacy_databases_are_refused_clearly() {
    let d = TestDaemon::start();
    let cases = [
        (
            "text.db",
            Some(b"this is not sqlite at all, just words".repeat(200)),
            65,
            "not a readable SQLite database",
        ),
        ("absent.db", None, 66, "does not exist"),
    ];
    for (name, content, code, message) in cases {
        let path = d.dir.path().join(name);
        if let Some(c) = content {
            std::fs::write(&path, c).unwrap();
        }
        let out = d.ctl(&["import-legacy", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(code), "{name}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(message),
            "{name}: {out:?}"
        );
    }
    let other = d.dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (body TEXT)")
        .unwrap();
    let out = d.ctl(&["import-legacy", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a database of the original worker"));
    // The daemon is unharmed and imported nothing.
    assert_eq!(d.ctl_json(&["status"])["status"]["prompts"]["pending"], 0);
}

#[test]
fn old_worker_versions_without_routing_columns_import() {
    let d = TestDaemon::start();
    let legacy = d.dir.path().join("old.db");
    rusqlite::Connection::open(&legacy)
        .unwrap()
        .execute_batch(
            "CREATE TABLE prompts (id INTEGER PRIMARY KEY, content TEXT, status TEXT, created_at TEXT);
             INSERT INTO prompts VALUES (7, 'from an old worker', 'pending', 'not a date');",
        )
        .unwrap();
    let report = import(&d, &legacy);
    assert_eq!(report["imported"][0][0], 7);
    let (p, _) = show(&d, report["imported"][0][1].as_i64().unwrap());
    assert_eq!(
        (p["priority"].as_u64(), p["max_retries"].as_u64()),
        (Some(5), Some(3))
    );
    assert!(p["created_at"].as_str().unwrap().ends_with('Z'));
}
