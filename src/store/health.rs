//! Whether the database can still keep what it acknowledges.
//!
//! Two conditions stop the daemon from accepting writes, each with a reason
//! that `status` and `STATUS=` show (see assignerd(8)):
//!
//! - The database file was removed or replaced under the daemon. SQLite
//!   goes on writing the file it has open, now nameless, so every prompt
//!   acknowledged from then on would be gone at the next start. This lasts
//!   until a restart.
//! - The file system is (nearly) full. Writes would fail half-way, and the
//!   engine would retry them on every step; instead nothing is written
//!   until space returns, which is checked on every step (one `statvfs`).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::files::companion;

/// Free space under which the file system counts as full: enough for a
/// few transactions and a checkpoint of a small WAL.
const LOW_SPACE: u64 = 1 << 20;

/// Free space at which a full file system counts as usable again; higher
/// than [`LOW_SPACE`] so the condition does not flap at the boundary.
const SPACE_BACK: u64 = 2 << 20;

/// Why writes are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageFault {
    /// The database file is gone or another file has its name.
    Replaced(String),
    /// The file system holding the database is full.
    Full {
        /// For people.
        why: String,
        /// Free bytes when it was found full: space counts as back only
        /// well above that, so a write that failed with more free than
        /// `LOW_SPACE` is not retried on every step.
        free: u64,
    },
}

impl StorageFault {
    /// The condition after SQLite said the disk is full.
    pub(super) fn full(db: &Path) -> Self {
        let free = free_bytes(db).unwrap_or(0);
        Self::Full {
            why: format!(
                "the file system holding the database {} is full ({} KiB free); no prompt is \
                 accepted until space is freed, and the daemon resumes by itself",
                db.display(),
                free / 1024
            ),
            free,
        }
    }
}

impl std::fmt::Display for StorageFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Replaced(why) | Self::Full { why, .. } => f.write_str(why),
        }
    }
}

/// The identity of the database file as opened, to notice it being
/// removed or replaced.
#[derive(Debug)]
pub(super) struct FileWatch {
    db: PathBuf,
    dev: u64,
    ino: u64,
}

impl FileWatch {
    /// Records the file `db` names now (after any symbolic link).
    pub(super) fn new(db: &Path) -> std::io::Result<Self> {
        let db = std::fs::canonicalize(db)?;
        let meta = std::fs::metadata(&db)?;
        Ok(Self {
            dev: meta.dev(),
            ino: meta.ino(),
            db,
        })
    }

    /// Checks the file and the free space; `current` is the condition
    /// found last time, which a replaced file never leaves.
    pub(super) fn check(&self, current: Option<&StorageFault>) -> Option<StorageFault> {
        if let Some(f @ StorageFault::Replaced(_)) = current {
            return Some(f.clone());
        }
        if let Some(why) = self.replaced() {
            return Some(StorageFault::Replaced(why));
        }
        let free = free_bytes(&self.db)?;
        match current {
            Some(f @ StorageFault::Full { free: at, .. }) => {
                (free < SPACE_BACK.max(at.saturating_add(LOW_SPACE))).then(|| f.clone())
            }
            _ => (free < LOW_SPACE).then(|| StorageFault::full(&self.db)),
        }
    }

    fn replaced(&self) -> Option<String> {
        let stop = "no prompt is accepted; a restart starts an empty database, so first save \
                    what the daemon holds with assignerctl backup FILE";
        match std::fs::metadata(&self.db) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(format!(
                "the database file {} was removed while the daemon runs; {stop}",
                self.db.display()
            )),
            Ok(m) if (m.dev(), m.ino()) != (self.dev, self.ino) => Some(format!(
                "the database file {} was replaced by another file while the daemon runs; {stop}",
                self.db.display()
            )),
            _ => {
                let wal = companion(&self.db, "-wal");
                (!wal.exists()).then(|| {
                    format!(
                        "{} was removed while the daemon runs; no prompt is accepted until the \
                         daemon is restarted cleanly (systemctl restart, never kill -9), which \
                         writes what it holds into the database",
                        wal.display()
                    )
                })
            }
        }
    }
}

/// Bytes an unprivileged writer may still use on the file system of
/// `path` (`None` when it cannot be asked: no condition is assumed).
fn free_bytes(path: &Path) -> Option<u64> {
    let st = nix::sys::statvfs::statvfs(path).ok()?;
    Some(st.blocks_available().saturating_mul(st.fragment_size()))
}
