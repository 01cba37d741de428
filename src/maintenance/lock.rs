//! One writer per database file: the daemon holds an advisory lock on
//! `<db>.lock` for its whole life, and offline tools take the same lock
//! before writing. `flock` locks vanish with the process, so a crashed
//! daemon never leaves a stale lock behind. Which file is locked, and how
//! it is opened safely, is `super::lock_file`'s business.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};

use super::MaintError;
use super::lock_file::{open_lock_file, resolve_db};

/// The held lock; dropping it releases the database.
#[derive(Debug)]
pub struct DbLock {
    _file: Flock<File>,
    path: PathBuf,
}

/// The lock file next to the database `db` resolves to (see
/// `resolve_db`). Never deleted: removing a lock file while someone waits
/// on it would let two holders in.
pub fn lock_path(db: &Path) -> PathBuf {
    let db = resolve_db(db).unwrap_or_else(|_| db.to_owned());
    let mut s = db.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

impl DbLock {
    /// Takes the lock, creating the database directory when needed.
    /// [`MaintError::Locked`] at once when a live process holds it. When the
    /// daemon that took it is dead, a child it had just forked may still
    /// hold a copy of the lock until that child execs (a matter of
    /// milliseconds, longer on a loaded machine), so that wait is sat out.
    pub fn acquire(db: &Path) -> Result<Self, MaintError> {
        let deadline = Instant::now() + ORPHAN_WAIT;
        loop {
            match Self::try_acquire(db) {
                Err(MaintError::Locked {
                    holder: Some(pid), ..
                }) if !alive(pid) && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn try_acquire(db: &Path) -> Result<Self, MaintError> {
        let io = |what, path: &Path| {
            let path = path.to_owned();
            move |source| MaintError::Io { what, path, source }
        };
        if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io("cannot create the directory of", db))?;
        }
        let resolved = resolve_db(db).map_err(io("cannot resolve the database path", db))?;
        let path = lock_path(&resolved);
        let file = open_lock_file(&path)?;
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
            Err((_, errno)) => {
                return Err(io("cannot lock", &path)(std::io::Error::from(errno)));
            }
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

/// Whether a process holds the lock of `db` now. Never creates or writes
/// the lock file; a lock file that cannot be opened counts as not held.
pub fn is_held(db: &Path) -> bool {
    let Ok(file) = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(lock_path(db))
    else {
        return false;
    };
    matches!(
        Flock::lock(file, FlockArg::LockSharedNonblock),
        Err((_, Errno::EWOULDBLOCK))
    )
}

/// How long a lock left to a dead daemon's forked children is waited for.
const ORPHAN_WAIT: Duration = Duration::from_secs(5);

/// Whether `pid` is a running process (not gone, not a zombie).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        // The state follows the command name, which is in parentheses.
        stat.rfind(')')
            .and_then(|i| stat[i + 1..].split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;

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

    #[test]
    fn a_lock_left_to_a_dead_daemons_child_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        // A copy of the lock outlives the process recorded as its holder,
        // as it does in a child forked just before the daemon was killed.
        let mut dead = std::process::Command::new("true").spawn().unwrap();
        let dead_pid = dead.id();
        dead.wait().unwrap();
        assert!(!alive(dead_pid));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(lock_path(&db))
            .unwrap();
        let mut held = Flock::lock(file, FlockArg::LockExclusiveNonblock).unwrap();
        writeln!(held, "{dead_pid}").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            drop(held);
        });
        DbLock::acquire(&db).unwrap();
        release.join().unwrap();
        assert!(alive(std::process::id()));
    }
}
