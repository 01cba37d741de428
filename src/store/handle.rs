//! The open database: one SQLite connection, opened private and migrated,
//! and what it knows of its own storage (ARCHITECTURE.md, "One owner of
//! state"). What the store does with it is split by concern over the
//! other files of `store/`, each adding methods.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use super::health::StorageFault;
use super::{files, migrations};
use crate::error::StoreError;

/// How long a writer waits for another connection's lock (the daemon, an
/// offline `cleanup`, a backup) before giving up.
/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open, migrated database.
pub struct Store {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// The file as opened; `None` when it cannot be watched.
    pub(super) watch: Option<super::health::FileWatch>,
    /// Why writes are refused now.
    pub(super) fault: Option<StorageFault>,
    /// The prompts this connection queued lately (`version.rs`).
    pub(super) queued: super::queued_writes::Queued,
}

impl Store {
    /// Opens (creating when absent) and migrates the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.to_owned(),
                source: rusqlite::Error::InvalidPath(
                    format!("cannot create {}: {e}", dir.display()).into(),
                ),
            })?;
        }
        files::create_private(path).map_err(|e| StoreError::Open {
            path: path.to_owned(),
            source: rusqlite::Error::InvalidPath(format!("cannot create it: {e}").into()),
        })?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        // SQLite falls back to read-only when the file cannot be written;
        // a daemon on such a file would accept prompts it cannot keep.
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
            return Err(StoreError::ReadOnly {
                path: path.to_owned(),
                reason: why_not_writable(path),
            });
        }
        Self::configure(&conn).map_err(|e| classify_open_error(path, e))?;
        let found = migrations::version(&conn).map_err(|e| classify_open_error(path, e))?;
        if found > migrations::latest() {
            return Err(StoreError::TooNew {
                path: path.to_owned(),
                found,
                supported: migrations::latest(),
            });
        }
        migrations::migrate_to(&mut conn, migrations::latest())
            .map_err(|e| classify_open_error(path, e))?;
        Ok(Self {
            conn,
            path: path.to_owned(),
            watch: super::health::FileWatch::new(path).ok(),
            fault: None,
            queued: super::queued_writes::Queued::default(),
        })
    }

    fn configure(conn: &Connection) -> rusqlite::Result<()> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Room for every statement of the engine's steps and the requests:
        // one parsed again each time costs more than running it.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // WAL lets readers (status, a backup, an offline cleanup) proceed
        // while the daemon writes; NORMAL sync is durable across process
        // crashes, which is the failure we guard against.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::InvalidQuery);
        }
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for read-only reports and backups.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Looks at the database file and the free space again (a few
    /// system calls); returns the condition that stops writes, if any.
    pub fn check_storage(&mut self) -> Option<&StorageFault> {
        if let Some(watch) = &self.watch {
            self.fault = watch.check(self.fault.as_ref());
        }
        self.fault.as_ref()
    }

    /// Takes note of a failed write: SQLite finding the disk full starts
    /// that condition even with some space left.
    pub fn note_failure(&mut self, e: &StoreError) {
        if let StoreError::Sqlite { source, .. } = e
            && source.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
            && self.fault.is_none()
        {
            self.fault = Some(StorageFault::full(&self.path));
        }
    }

    /// The condition found by the last [`Self::check_storage`].
    pub fn storage_fault(&self) -> Option<&StorageFault> {
        self.fault.as_ref()
    }

    /// Starts an immediate (write-locking) transaction, unless the storage
    /// cannot keep what would be written: checked before every write, so
    /// nothing is acknowledged into a removed file or onto a full disk.
    pub(crate) fn write_tx(&mut self) -> Result<Transaction<'_>, StoreError> {
        if let Some(fault) = self.check_storage() {
            return Err(StoreError::Storage(fault.to_string()));
        }
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite("starting a transaction"))
    }
}

/// Why `path` cannot be opened for writing, as the system says it.
fn why_not_writable(path: &Path) -> String {
    match std::fs::OpenOptions::new().write(true).open(path) {
        Err(e) => e.to_string(),
        Ok(_) => "SQLite opened it read-only".into(),
    }
}

/// Tells a corrupt or foreign file apart from other open failures.
fn classify_open_error(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => StoreError::Corrupt {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        _ => StoreError::Open {
            path: path.to_owned(),
            source: e,
        },
    }
}
