//! The database lock: one daemon per database file whatever path names
//! it, and a lock file that cannot be turned against another file.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{TestDaemon, exit_of};

/// A second `assignerd` on `db`, with its own socket; run to its exit.
fn second_daemon(d: &TestDaemon, db: &Path) -> (Option<i32>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_assignerd"));
    cmd.arg("--config")
        .arg(&d.config)
        .arg("--db")
        .arg(db)
        .arg("--socket")
        .arg(d.dir.path().join("second.sock"))
        .arg("--tmux-socket")
        .arg(&d.tmux_socket)
        .env_remove("NOTIFY_SOCKET")
        .env_remove("LISTEN_FDS");
    exit_of(cmd)
}

#[test]
fn a_second_daemon_through_a_symlinked_db_path_is_refused() {
    let d = TestDaemon::start();
    let id = d.send(&["only one daemon may deliver this"]);
    let dir_link = d.dir.path().join("state-link");
    std::os::unix::fs::symlink(d.db.parent().unwrap(), &dir_link).unwrap();
    let file_link = d.dir.path().join("db-link");
    std::os::unix::fs::symlink(&d.db, &file_link).unwrap();
    let dotted = d.db.parent().unwrap().join("../state/assigner.db");
    for db in [dir_link.join("assigner.db"), file_link, dotted] {
        let (code, err) = second_daemon(&d, &db);
        assert_eq!(code, Some(69), "{}: {err}", db.display());
        assert!(
            err.contains("in use by another process") && err.contains(&format!("pid {}", d.pid())),
            "{err}"
        );
        assert!(!d.dir.path().join("second.sock").exists());
    }
    assert_eq!(d.status_of(id), "pending", "first daemon disturbed");
}

/// `<db>.lock` planted as a link to a file the caller must not write.
fn plant_lock_link(db: &Path) -> std::path::PathBuf {
    let target = db.parent().unwrap().join("precious");
    std::fs::write(&target, "not a lock\n").unwrap();
    let mut lock = db.as_os_str().to_owned();
    lock.push(".lock");
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    target
}

#[test]
fn a_lock_file_planted_as_a_link_is_refused_by_daemon_and_cleanup() {
    let mut d = TestDaemon::unstarted(common::TEST_CONFIG, &[]);
    drop(assigner::store::Store::open(&d.db).unwrap());
    let target = plant_lock_link(&d.db);
    let (code, log) = exit_of(d.command());
    assert_eq!(code, Some(77), "{log}");
    assert!(
        log.contains("refusing the lock file") && log.contains("symbolic link"),
        "{log}"
    );
    assert!(!d.socket.exists(), "socket bound with no lock held");

    let mut cleanup = Command::new(env!("CARGO_BIN_EXE_assignerctl"));
    cleanup
        .args(["cleanup", "--apply", "--db"])
        .arg(&d.db)
        .arg("--tmux-socket")
        .arg(&d.tmux_socket);
    let (code, err) = exit_of(cleanup);
    assert_eq!(code, Some(77), "{err}");
    assert!(err.contains("refusing the lock file"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "not a lock\n");

    // Once the link is gone, the daemon starts as usual.
    std::fs::remove_file(format!("{}.lock", d.db.display())).unwrap();
    d.spawn();
    d.wait_ready();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "not a lock\n");
}
