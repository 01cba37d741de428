//! Start-up check of the database and recovery from a corrupt file.
//!
//! A corrupt file is never opened for writing and never silently replaced:
//! it is moved aside as `<db>.corrupt-<UTC time>` (with its `-wal` and
//! `-shm`), a fresh database is built in its place, and every row that can
//! still be read is copied over (see `super::salvage`).

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};
use tracing::{error, warn};

use super::MaintError;
use super::salvage::{Salvaged, salvage};
use crate::error::StoreError;
use crate::store::Store;

/// What a recovery did, for the log, `status` and `STATUS=`.
#[derive(Debug, Clone)]
pub struct Recovery {
    /// Where the corrupt file now is.
    pub moved_to: PathBuf,
    /// What the check said.
    pub detail: String,
    /// Rows copied and lost.
    pub salvaged: Salvaged,
}

impl Recovery {
    /// One line for people.
    pub fn notice(&self) -> String {
        let s = &self.salvaged;
        if s.schema_lost {
            return format!(
                "database was corrupt and was rebuilt: its table definitions could not be read, so nothing was salvaged and every prompt it held is lost (how many cannot be told, and their ids may be handed out again); corrupt file kept at {}",
                self.moved_to.display()
            );
        }
        format!(
            "database was corrupt and was rebuilt: salvaged {} prompt(s) ({} unreadable), {} history row(s) ({} unreadable), {} in flight left to restart recovery; corrupt file kept at {}",
            s.prompts,
            s.prompts_lost,
            s.history,
            s.history_lost,
            s.in_flight,
            self.moved_to.display()
        )
    }
}

/// Opens the database after checking it; a corrupt one is moved aside and
/// rebuilt, and the recovery is returned alongside the fresh store.
pub fn open_checked(path: &Path) -> Result<(Store, Option<Recovery>), MaintError> {
    let detail = match check(path) {
        None => match Store::open(path) {
            Ok(store) => return Ok((store, None)),
            Err(StoreError::Corrupt { detail, .. }) => detail,
            Err(e) => return Err(e.into()),
        },
        Some(detail) => detail,
    };
    error!(db = %path.display(), detail = %detail, "the database is corrupt; moving it aside and rebuilding");
    let moved_to = move_aside(path)?;
    let mut store = Store::open(path)?;
    let salvaged = salvage(&moved_to, &mut store)?;
    let recovery = Recovery {
        moved_to,
        detail,
        salvaged,
    };
    warn!(
        prompts = recovery.salvaged.prompts,
        prompts_lost = recovery.salvaged.prompts_lost,
        history = recovery.salvaged.history,
        history_lost = recovery.salvaged.history_lost,
        in_flight = recovery.salvaged.in_flight,
        schema_lost = recovery.salvaged.schema_lost,
        "{}",
        recovery.notice()
    );
    Ok((store, Some(recovery)))
}

/// `PRAGMA quick_check` through a read-only connection. `Some(detail)`
/// when the file is corrupt; `None` when it is fine, absent, or cannot be
/// checked for another reason (opening it for real then reports that).
fn check(path: &Path) -> Option<String> {
    if !path.exists() {
        return None;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let found: rusqlite::Result<Vec<String>> = conn
        .prepare("PRAGMA quick_check(20)")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect());
    match found {
        Ok(lines) if lines == ["ok"] => None,
        Ok(lines) => Some(lines.join("; ")),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
            ) =>
        {
            Some(e.to_string())
        }
        Err(_) => None,
    }
}

/// Renames the database and its `-wal`/`-shm` to `<db>.corrupt-<UTC>`;
/// the companions keep their suffix so SQLite still pairs them when the
/// moved file is read.
fn move_aside(path: &Path) -> Result<PathBuf, MaintError> {
    let stamp = utc_stamp();
    let mut moved = with_suffix(path, &format!(".corrupt-{stamp}"));
    let mut n = 1;
    while moved.exists() {
        moved = with_suffix(path, &format!(".corrupt-{stamp}-{n}"));
        n += 1;
    }
    let rename = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|source| MaintError::Io {
            what: "cannot move the corrupt database aside:",
            path: from.to_owned(),
            source,
        })
    };
    rename(path, &moved)?;
    for companion in ["-wal", "-shm"] {
        let from = with_suffix(path, companion);
        if from.exists() {
            rename(&from, &with_suffix(&moved, companion))?;
        }
    }
    Ok(moved)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// `20260101T120000Z`, from SQLite's clock so no date library is needed.
fn utc_stamp() -> String {
    Connection::open_in_memory()
        .and_then(|c| c.query_row("SELECT strftime('%Y%m%dT%H%M%SZ','now')", [], |r| r.get(0)))
        .unwrap_or_else(|_| std::process::id().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_moved_aside_and_a_fresh_database_built() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.db");
        std::fs::write(&db, vec![0x5a; 8192]).unwrap();
        let (store, rec) = open_checked(&db).unwrap();
        let rec = rec.expect("recovered");
        assert!(rec.moved_to.to_string_lossy().contains("a.db.corrupt-"));
        assert_eq!(std::fs::read(&rec.moved_to).unwrap(), vec![0x5a; 8192]);
        assert_eq!(rec.salvaged.prompts, 0);
        assert_eq!(
            store.counts().unwrap()[&crate::protocol::PromptStatus::Pending],
            0
        );
        drop(store);
        let (_, again) = open_checked(&db).unwrap();
        assert!(again.is_none(), "a healthy database is opened as it is");
    }
}
