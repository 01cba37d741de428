//! Maintenance requests: backup, cleanup and legacy import.

use super::core::Core;
use crate::protocol::{ErrorKind, Reply, WireError};

type Handled = Result<Reply, WireError>;

impl Core {
    /// Online copy through SQLite's backup API: consistent even while the
    /// daemon keeps writing, because pages changed mid-copy are recopied.
    pub(super) fn backup(&self, path: &str) -> Handled {
        let dest = std::path::Path::new(path);
        if dest.exists() {
            return Err(WireError::new(
                ErrorKind::Conflict,
                format!("{path} already exists; choose a new file"),
            ));
        }
        let mut out = rusqlite::Connection::open(dest).map_err(|e| {
            WireError::new(ErrorKind::BadRequest, format!("cannot create {path}: {e}"))
        })?;
        let backup = rusqlite::backup::Backup::new(self.store.conn(), &mut out)
            .map_err(|e| WireError::new(ErrorKind::Internal, format!("backup failed: {e}")))?;
        backup
            .run_to_completion(256, std::time::Duration::from_millis(5), None)
            .map_err(|e| WireError::new(ErrorKind::Internal, format!("backup failed: {e}")))?;
        let pages = backup.progress().pagecount.max(0) as u64;
        drop(backup);
        Ok(Reply::BackedUp {
            path: path.to_owned(),
            pages,
        })
    }

    pub(super) async fn cleanup(
        &mut self,
        _apply: bool,
        _retry_failed: bool,
        _verify_only: bool,
    ) -> Handled {
        Err(WireError::new(
            ErrorKind::Unavailable,
            "cleanup is not available yet",
        ))
    }

    pub(super) fn import_legacy(&mut self, _path: &str) -> Handled {
        Err(WireError::new(
            ErrorKind::Unavailable,
            "import-legacy is not available yet",
        ))
    }
}
