//! Database corruption found at start-up (real pages overwritten, or a file
//! that is no database at all): the broken file is moved aside, readable
//! rows are salvaged with their ids and history, and the administrator is
//! told.

use std::path::{Path, PathBuf};

use crate::common::{NotifyListener, TestDaemon, WAIT, wait_until};
use assigner::store::{Claim, Store};

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
