//! Whether the database can still keep what it acknowledges.
//!
//! The database file removed or replaced under the daemon stops it from
//! accepting writes, with a reason that `status` and `STATUS=` show (see
//! assignerd(8)). SQLite goes on writing the file it has open, now
//! nameless, so every prompt acknowledged from then on would be gone at the
//! next start. This lasts until a restart.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::files::companion;

/// Why writes are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageFault {
    /// The database file is gone or another file has its name.
    Replaced(String),
}

impl std::fmt::Display for StorageFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Replaced(why) => f.write_str(why),
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

    /// Checks the file; `current` is the condition found last time, which
    /// a replaced file never leaves.
    pub(super) fn check(&self, current: Option<&StorageFault>) -> Option<StorageFault> {
        if let Some(f @ StorageFault::Replaced(_)) = current {
            return Some(f.clone());
        }
        self.replaced().map(StorageFault::Replaced)
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
