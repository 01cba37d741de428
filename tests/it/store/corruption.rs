//! Database corruption at start-up (real pages overwritten), online backup
//! under load, and retention pruning.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::common::daemon::TEST_CONFIG;
use crate::common::{NotifyListener, TestDaemon, WAIT, wait_until};
use assigner::protocol::PromptStatus;
use assigner::store::{Claim, Store};
use rusqlite::Connection;

const MARKER: &str = "salvage-marker-";
const PROMPTS: usize = 300;

/// Files in the database directory whose name contains `part` (SQLite's
/// `-wal`/`-shm` companions only when `part` asks for them).
fn files_like(dir: &Path, part: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains(part)
                && (part.starts_with('-') || !name.ends_with("-wal") && !name.ends_with("-shm"))
        })
        .collect()
}

/// Overwrites the middle table-leaf page that holds prompt text (page
/// type 0x0D plus the marker) with garbage; returns its page number.
fn corrupt_a_prompts_page(db: &Path) -> usize {
    let page_size = crate::common::pages::checkpointed_page_size(db);
    assert!(
        files_like(db.parent().unwrap(), "-wal").is_empty(),
        "WAL left behind"
    );
    let mut bytes = std::fs::read(db).unwrap();
    let leaves: Vec<usize> = (1..bytes.len() / page_size)
        .filter(|&i| {
            let page = &bytes[i * page_size..(i + 1) * page_size];
            page[0] == 0x0D && page.windows(MARKER.len()).any(|w| w == MARKER.as_bytes())
        })
        .collect();
    assert!(
        leaves.len() > 4,
        "expected many prompt pages, found {leaves:?}"
    );
    let victim = leaves[leaves.len() / 2];
    bytes[victim * page_size..(victim + 1) * page_size].fill(0xA5);
    std::fs::write(db, bytes).unwrap();
    victim + 1
}

#[test]
fn corrupt_pages_are_moved_aside_and_readable_rows_salvaged() {
    let mut d = TestDaemon::start();
    let mut c = d.raw();
    let pad = "x".repeat(300);
    for i in 0..PROMPTS {
        let v = c.call(&format!(
            r#"{{"type":"send","prompt":{{"text":"{MARKER}{i:04} {pad}"}}}}"#
        ));
        assert_eq!(v["ok"], true, "{v}");
    }
    drop(c);
    d.stop();
    // Two prompts in flight when the file broke.
    let mut store = Store::open(&d.db).unwrap();
    for id in [1, i64::try_from(PROMPTS).unwrap()] {
        let claim = Claim {
            pane: "%1".into(),
            session: "agent".into(),
        };
        store.claim(id, &claim).unwrap();
    }
    drop(store);
    let page = corrupt_a_prompts_page(&d.db);

    // systemd's status line tells the administrator too.
    let notify = d.dir.path().join("notify.sock");
    let mut systemd = NotifyListener::bind(&notify);
    d.set_env("NOTIFY_SOCKET", notify.to_str().unwrap());
    d.spawn();
    d.wait_ready();
    let status = d.ctl_json(&["status"])["status"].clone();
    let notices = status["notices"].to_string();
    assert!(notices.contains("database was corrupt"), "{status}");
    let told = wait_until(WAIT, || {
        systemd.drain();
        systemd.seen.iter().any(|m| {
            m.lines()
                .any(|l| l.starts_with("STATUS=") && l.contains("corrupt"))
        })
    });
    assert!(told, "{:?}", systemd.seen);
    let state_dir = d.db.parent().unwrap().to_owned();
    let moved = files_like(&state_dir, "assigner.db.corrupt-");
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(
        notices.contains(&moved[0].display().to_string()),
        "{notices}"
    );
    let logs = d.logs();
    assert!(logs.contains("the database is corrupt"), "{logs}");

    let prompts = &status["prompts"];
    let kept = prompts["pending"].as_u64().unwrap();
    assert_eq!(
        prompts["assigned"], 0,
        "restart recovery requeues in-flight prompts whose pane is gone"
    );
    assert!(kept < PROMPTS as u64, "page {page} held no prompts?");
    assert!(kept > PROMPTS as u64 / 2, "only {kept} salvaged");
    assert!(
        notices.contains(&format!("salvaged {kept} prompt(s)")),
        "{notices}"
    );
    // Salvaged prompts keep their ids and text and record the recovery.
    let listed = d.ctl_json(&["prompts", "--limit", "1000"]);
    let ids: Vec<i64> = listed["prompts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let id = ids[ids.len() / 2];
    let shown = d.ctl_json(&["show", &id.to_string()]);
    assert!(
        shown["prompt"]["text"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{MARKER}{:04}", id - 1))
    );
    let events = &d.history_events(id);
    assert_eq!(
        events.first().map(String::as_str),
        Some("queued"),
        "{events:?}"
    );
    assert_eq!(
        events.last().map(String::as_str),
        Some("recovered"),
        "{events:?}"
    );
    // Salvage kept the in-flight prompt as it was; recovery then found its
    // pane gone, as after any restart.
    if ids.contains(&1) {
        let show = d.ctl_json(&["show", "1"]);
        let history = show["history"].as_array().unwrap();
        let [.., salvaged, resolved] = history.as_slice() else {
            panic!("{show}");
        };
        assert!(
            salvaged["detail"]
                .as_str()
                .unwrap()
                .contains("it was assigned, and restart recovery resolves it"),
            "{salvaged}"
        );
        assert_eq!(resolved["event"], "requeued-from-stale-session", "{show}");
    }
    // Lost ids are not reused, and the rebuilt file is sound.
    assert!(d.send(&["after recovery"]) > i64::try_from(PROMPTS).unwrap());
    let verify = d.ctl_json(&["cleanup", "--verify-only"]);
    assert_eq!(verify["report"]["integrity"][0], "integrity_check: ok");
    // A restart finds a healthy database and no new notice.
    d.stop();
    d.spawn();
    d.wait_ready();
    assert_eq!(
        d.ctl_json(&["status"])["status"]["notices"],
        serde_json::json!([])
    );
    assert_eq!(files_like(&state_dir, "assigner.db.corrupt-").len(), 1);
}

#[test]
fn a_file_that_is_not_a_database_is_kept_aside_not_replaced() {
    let mut d = TestDaemon::builder().unstarted();
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&d.db, &garbage).unwrap();
    d.spawn();
    d.wait_ready();
    let status = d.ctl_json(&["status"]);
    assert!(
        status["status"]["notices"][0]
            .as_str()
            .unwrap()
            .contains("its table definitions could not be read"),
        "{status}"
    );
    let moved = files_like(d.db.parent().unwrap(), "assigner.db.corrupt-");
    assert_eq!(std::fs::read(&moved[0]).unwrap(), garbage);
    assert_eq!(d.send(&["works"]), 1);
}

#[test]
fn backup_under_load_is_consistent_and_restores() {
    let d = TestDaemon::start();
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let writer = {
        let (stop, sent, mut c) = (Arc::clone(&stop), Arc::clone(&sent), d.raw());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let n = sent.load(Ordering::Relaxed);
                let v = c.call(&format!(
                    r#"{{"type":"send","prompt":{{"text":"load {n}"}}}}"#
                ));
                assert_eq!(v["ok"], true, "{v}");
                sent.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    assert!(wait_until(WAIT, || sent.load(Ordering::Relaxed) >= 50));
    let copy = d.dir.path().join("backup.db");
    let before = sent.load(Ordering::Relaxed);
    let out = d.ctl_ok(&["backup", copy.to_str().unwrap()]);
    assert!(out.contains("backup written"), "{out}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the daemon's group may read the copy");
    assert!(
        wait_until(WAIT, || sent.load(Ordering::Relaxed) >= before + 20),
        "load stopped during the backup"
    );
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    let total = sent.load(Ordering::Relaxed);

    let conn = Connection::open(&copy).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let n: u64 = conn
        .query_row("SELECT count(*) FROM prompts", [], |r| r.get(0))
        .unwrap();
    assert!(n >= before && n <= total, "{before} <= {n} <= {total}");
    drop(conn);
    // Restoring means starting a daemon on the copy.
    let mut restored = TestDaemon::builder().unstarted();
    std::fs::copy(&copy, &restored.db).unwrap();
    restored.spawn();
    restored.wait_ready();
    assert_eq!(
        restored.ctl_json(&["status"])["status"]["prompts"]["pending"],
        n
    );
    assert_eq!(
        restored.ctl_json(&["cleanup", "--verify-only"])["report"]["integrity"][0],
        "integrity_check: ok"
    );

    // An existing file is never overwritten; an impossible path is an error.
    assert_eq!(
        d.ctl(&["backup", copy.to_str().unwrap()]).status.code(),
        Some(75)
    );
    let bad = d.dir.path().join("no/such/dir/b.db");
    let out = d.ctl(&["backup", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot create"));
}

/// How a test prompt finished.
#[derive(Clone, Copy)]
enum End {
    Completed,
    Cancelled,
    Failed,
}

/// Queues and finishes a prompt, then back-dates its finish by `days`.
fn finished(store: &mut Store, text: &str, end: End, days: u32) -> i64 {
    let id = store
        .insert_prompt(&assigner::protocol::NewPrompt {
            text: text.into(),
            ..Default::default()
        })
        .unwrap();
    if let End::Cancelled = end {
        store.cancel(id).unwrap();
    } else if let End::Failed = end {
        store
            .fail(id, assigner::model::FailureKind::Agent, "agent crashed")
            .unwrap();
    } else {
        store
            .claim(
                id,
                &Claim {
                    pane: "%1".into(),
                    session: "a".into(),
                },
            )
            .unwrap();
        store.complete(id, Some("done"), "test").unwrap();
    }
    store
        .conn()
        .execute(
            "UPDATE prompts SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now', ?2) WHERE id = ?1",
            rusqlite::params![id, format!("-{days} days")],
        )
        .unwrap();
    id
}

#[test]
fn retention_days_prunes_old_finished_prompts_at_start_and_on_reload() {
    let mut d = TestDaemon::builder()
        .config(&format!("retention_days = 4\n{TEST_CONFIG}"))
        .unstarted();
    let mut store = Store::open(&d.db).unwrap();
    let three_days = finished(&mut store, "three days done", End::Completed, 3);
    let old_cancelled = finished(&mut store, "old cancelled", End::Cancelled, 5);
    let old_failed = finished(&mut store, "old failed", End::Failed, 5);
    let recent = finished(&mut store, "recent", End::Completed, 1);
    let pending = store
        .insert_prompt(&assigner::protocol::NewPrompt {
            text: "waiting".into(),
            ..Default::default()
        })
        .unwrap();
    drop(store);
    d.spawn();
    d.wait_ready();
    assert_eq!(
        d.ctl(&["show", &old_cancelled.to_string()]).status.code(),
        Some(66)
    );
    assert!(d.logs().contains("pruned finished prompts"));
    assert_eq!(d.status_of(three_days), PromptStatus::Completed);
    // Failed prompts are kept for cleanup and retry.
    assert_eq!(d.status_of(old_failed), PromptStatus::Failed);
    // A shorter retention applies as soon as the config is reloaded.
    std::fs::write(&d.config, format!("retention_days = 2\n{TEST_CONFIG}")).unwrap();
    d.signal(nix::sys::signal::Signal::SIGHUP);
    let pruned = wait_until(WAIT, || {
        d.ctl(&["show", &three_days.to_string()]).status.code() == Some(66)
    });
    assert!(
        pruned,
        "reload did not apply the new retention:\n{}",
        d.logs()
    );
    assert_eq!(d.status_of(recent), PromptStatus::Completed);
    assert_eq!(d.status_of(pending), PromptStatus::Pending);
    // `clear` without --days removes every finished prompt.
    assert_eq!(d.ctl_ok(&["clear"]), "deleted 1 finished prompt(s)\n");
    assert_eq!(d.status_of(pending), PromptStatus::Pending);
    assert_eq!(d.status_of(old_failed), PromptStatus::Failed);
}
