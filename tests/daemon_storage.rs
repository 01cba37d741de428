//! What the daemon does when the file system under its database fails it:
//! a database it cannot write, files outside systemd's umask.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TEST_CONFIG, TestDaemon, exit_of};

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
