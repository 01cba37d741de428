//! Maintenance requests: backup, cleanup, legacy import, and the periodic
//! retention prune. The logic lives in [`crate::maintenance`]; this file
//! adapts it to the core task.

use std::time::{Duration, Instant};

use tracing::{info, warn};

use super::core::Core;
use crate::maintenance::{MaintError, TmuxView, cleanup, legacy, verify};
use crate::protocol::{CleanupReport, ErrorKind, Reply, WireError};
use crate::store::Store;
use crate::tmux::Tmux;

type Handled = Result<Reply, WireError>;

/// How often [`Core::maintenance_tick`] prunes.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Deletes finished prompts older than `retention_days` (when set). Called
/// at start-up and from [`Core::maintenance_tick`].
pub(super) fn prune(store: &mut Store, retention_days: Option<u32>) {
    let Some(days) = retention_days else { return };
    match store.prune(days) {
        Ok(0) => {}
        Ok(n) => info!(
            deleted = n,
            retention_days = days,
            "pruned finished prompts"
        ),
        Err(e) => warn!(error = %e, "pruning finished prompts failed"),
    }
}

impl Core {
    /// Periodic upkeep; cheap to call on every loop iteration: it prunes
    /// finished prompts past `retention_days` at most once an hour (start-up
    /// already pruned once).
    pub(super) fn maintenance_tick(&mut self) {
        let now = Instant::now();
        if now.duration_since(self.last_prune) < PRUNE_EVERY {
            return;
        }
        self.last_prune = now;
        prune(&mut self.store, self.settings.config.retention_days);
    }

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
        info!(path, pages, "backup written");
        Ok(Reply::BackedUp {
            path: path.to_owned(),
            pages,
        })
    }

    /// `cleanup`: a dry run unless `apply`; see [`crate::maintenance::cleanup`].
    pub(super) async fn cleanup(
        &mut self,
        apply: bool,
        retry_failed: bool,
        verify_only: bool,
    ) -> Handled {
        if verify_only {
            let report = CleanupReport {
                counts: self.store.counts()?,
                integrity: verify::verify(self.store.conn()),
                ..CleanupReport::default()
            };
            return Ok(Reply::Cleanup { report });
        }
        let tmux = Tmux::new(&self.settings.tmux_socket);
        let view = TmuxView::observe(&tmux).await.map_err(MaintError::from)?;
        let plan = cleanup::plan(self.store.conn(), &view, retry_failed)?;
        let report = if apply {
            let report = cleanup::apply(&mut self.store, plan)?;
            self.engine.wake();
            report
        } else {
            plan.report
        };
        Ok(Reply::Cleanup { report })
    }

    /// `import-legacy`: reads the original worker's database read-only.
    pub(super) fn import_legacy(&mut self, path: &str) -> Handled {
        let report = legacy::import(&mut self.store, std::path::Path::new(path))?;
        info!(
            imported = report.imported.len(),
            skipped = report.skipped.len(),
            path,
            "legacy import finished"
        );
        if !report.imported.is_empty() {
            self.engine.wake();
        }
        Ok(Reply::Imported { report })
    }
}
