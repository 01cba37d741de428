//! Online backup under load: the copy is consistent and a daemon started on
//! it restores the queue; an existing file is never overwritten.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::common::{TestDaemon, WAIT, wait_until};
use rusqlite::Connection;

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
