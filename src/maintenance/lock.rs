//! One writer per database file: the daemon holds an advisory lock on
//! `<db>.lock` for its whole life, and offline tools take the same lock
//! before writing. `flock` locks vanish with the process, so a crashed
//! daemon never leaves a stale lock behind.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

use super::MaintError;

/// The held lock; dropping it releases the database.
#[derive(Debug)]
pub struct DbLock {
    _file: Flock<File>,
    path: PathBuf,
}

/// The lock file next to `db`. Never deleted: removing a lock file while
/// someone waits on it would let two holders in.
pub fn lock_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

impl DbLock {
    /// Takes the lock without waiting, creating the database directory when
    /// needed. [`MaintError::Locked`] when someone else holds it.
    pub fn acquire(db: &Path) -> Result<Self, MaintError> {
        let path = lock_path(db);
        let io = |what| {
            let path = path.clone();
            move |source| MaintError::Io { what, path, source }
        };
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io("cannot create the directory of"))?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io("cannot open the lock file"))?;
        let mut file = match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(f) => f,
            Err((mut file, Errno::EWOULDBLOCK)) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                return Err(MaintError::Locked {
                    path: db.to_owned(),
                    holder: pid.trim().parse().ok(),
                });
            }
            Err((_, errno)) => return Err(io("cannot lock")(std::io::Error::from(errno))),
        };
        // The pid is only for messages; the lock itself is the flock.
        let _ = file.set_len(0);
        let _ = file.rewind();
        let _ = writeln!(file, "{}", std::process::id());
        Ok(Self { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub/a.db");
        let first = DbLock::acquire(&db).unwrap();
        assert!(first.path().ends_with("a.db.lock"));
        match DbLock::acquire(&db) {
            Err(MaintError::Locked { holder, .. }) => assert_eq!(holder, Some(std::process::id())),
            other => panic!("expected Locked, got {other:?}"),
        }
        drop(first);
        DbLock::acquire(&db).unwrap();
    }
}
