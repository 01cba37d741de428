//! What the daemon does when the file system under its database fails it:
//! a database it cannot write, files outside systemd's umask, a WAL file
//! removed under it.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::raw::answers;
use common::{ChildGuard, TEST_CONFIG, TestDaemon, WAIT, exit_of, wait_until};

/// Sets the immutable attribute for its lifetime, which stops even root
/// from writing; cleared on drop, a failed assertion included.
struct Immutable(PathBuf);

impl Immutable {
    /// `None` when the file system or the user cannot (then the test says
    /// so and checks nothing).
    fn set(path: &Path) -> Option<Self> {
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!(
                "NOTE: cannot make {} immutable (needs root and a file system with chattr); \
                 read-only test not run here",
                path.display()
            );
        }
        ok.then(|| Self(path.to_owned()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn a_database_that_cannot_be_written_stops_start_up_with_74() {
    let d = TestDaemon::unstarted(TEST_CONFIG, &[]);
    drop(assigner::store::Store::open(&d.db).unwrap());
    let Some(_frozen) = Immutable::set(&d.db) else {
        return;
    };
    let (code, log) = exit_of(d.command());
    assert_eq!(code, Some(74), "{log}");
    assert!(
        log.contains(&d.db.display().to_string()) && log.contains("cannot be written"),
        "{log}"
    );
    assert!(!log.contains("ready"), "{log}");
    assert!(
        !d.socket.exists(),
        "socket bound for a daemon that cannot write"
    );
}

#[test]
fn a_database_directory_that_cannot_be_written_stops_start_up_with_74() {
    let d = TestDaemon::unstarted(TEST_CONFIG, &[]);
    let dir = d.db.parent().unwrap();
    drop(assigner::store::Store::open(&d.db).unwrap());
    // The lock file exists already, as after any earlier run.
    std::fs::write(format!("{}.lock", d.db.display()), "").unwrap();
    let Some(_frozen) = Immutable::set(dir) else {
        return;
    };
    let (code, log) = exit_of(d.command());
    assert_eq!(code, Some(74), "{log}");
    assert!(
        log.contains(&d.db.display().to_string()) && !log.contains("ready"),
        "{log}"
    );
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn database_files_are_private_whatever_the_umask() {
    let d = TestDaemon::unstarted(TEST_CONFIG, &[]);
    // Through a shell, which sets the umask a unit without `UMask=` or a
    // login session would give.
    let inner = d.command();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "umask 022 && exec \"$@\"", "sh"])
        .arg(inner.get_program())
        .args(inner.get_args())
        .stderr(std::fs::File::create(d.dir.path().join("daemon-001.log")).unwrap());
    for (key, value) in inner.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    let _daemon = ChildGuard(cmd.spawn().unwrap());
    assert!(wait_until(WAIT, || answers(&d.socket)), "{}", d.logs());
    d.send(&["a prompt only its owner may read"]);
    for suffix in ["", "-wal", "-shm", ".lock"] {
        let path = PathBuf::from(format!("{}{suffix}", d.db.display()));
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn verify_only_reports_a_wal_removed_under_the_daemon() {
    let d = TestDaemon::start();
    d.send(&["acknowledged"]);
    let healthy = d.ctl(&["cleanup", "--verify-only"]);
    assert!(healthy.status.success(), "{healthy:?}");
    let wal = PathBuf::from(format!("{}-wal", d.db.display()));
    std::fs::remove_file(&wal).unwrap();

    let online = d.ctl(&["cleanup", "--verify-only"]);
    let out = String::from_utf8_lossy(&online.stdout);
    assert_eq!(online.status.code(), Some(65), "{online:?}");
    assert!(out.contains("is missing while the daemon runs"), "{out}");

    let offline = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .args(["cleanup", "--verify-only", "--db"])
        .arg(&d.db)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&offline.stdout);
    assert_eq!(offline.status.code(), Some(65), "{offline:?}");
    assert!(out.contains("is missing while the daemon runs"), "{out}");
    assert!(!wal.exists(), "the offline check started a second WAL");
}
