//! Maintenance requests: backup, cleanup, legacy import, and the periodic
//! retention prune. The logic lives in [`crate::maintenance`]; this file
//! adapts it to the core task.

use std::time::{Duration, Instant};

use tracing::{info, warn};

use super::core::Core;
use super::retention::prune;
use crate::maintenance::{MaintError, TmuxView, cleanup, legacy, verify};
use crate::protocol::{CleanupReport, ErrorKind, Reply, WireError};
use crate::tmux::Tmux;

type Handled = Result<Reply, WireError>;

/// How often [`Core::maintenance_tick`] prunes.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

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
    /// The file is claimed with `O_EXCL` first, so a copy never overwrites
    /// anything, and removed again when the copy fails, so a retry with the
    /// same name works.
    pub(super) fn backup(&self, path: &str) -> Handled {
        let dest = std::path::Path::new(path);
        if let Some(why) = self.invisible_to_clients(dest) {
            return Err(WireError::new(ErrorKind::BadRequest, why));
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dest)
        {
            // Readable by the daemon's group, whose members may ask for a
            // backup (the unit's umask would leave it to the daemon alone).
            Ok(file) => {
                use std::os::unix::fs::PermissionsExt;
                let _ = file.set_permissions(std::fs::Permissions::from_mode(0o640));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(WireError::new(
                    ErrorKind::Conflict,
                    format!("{path} already exists; choose a new file"),
                ));
            }
            Err(e) => {
                return Err(WireError::new(
                    ErrorKind::BadRequest,
                    format!("cannot create {path}: {e}{}", self.writable_hint()),
                ));
            }
        }
        let copied = rusqlite::Connection::open(dest).and_then(|mut out| {
            let backup = rusqlite::backup::Backup::new(self.store.conn(), &mut out)?;
            backup.run_to_completion(256, Duration::from_millis(5), None)?;
            Ok(u64::try_from(backup.progress().pagecount).unwrap_or(0))
        });
        match copied {
            Ok(pages) => {
                info!(path, pages, "backup written");
                Ok(Reply::BackedUp {
                    path: path.to_owned(),
                    pages,
                })
            }
            Err(e) => {
                let _ = std::fs::remove_file(dest);
                warn!(path, error = %e, "backup failed; partial copy removed");
                Err(WireError::new(
                    ErrorKind::Internal,
                    format!("backup to {path} failed: {e}{}", self.writable_hint()),
                ))
            }
        }
    }

    /// The system unit runs with `PrivateTmp=yes`: a copy written to `/tmp`
    /// would report success and be invisible to the user who asked.
    fn invisible_to_clients(&self, dest: &std::path::Path) -> Option<String> {
        let service = self.settings.mode == crate::paths::Mode::System
            && std::env::var_os("INVOCATION_ID").is_some();
        let private = ["/tmp", "/var/tmp"].iter().any(|t| dest.starts_with(t));
        (service && private).then(|| {
            format!(
                "{} is in the service's private temporary directory, invisible outside it{}",
                dest.display(),
                self.writable_hint()
            )
        })
    }

    fn writable_hint(&self) -> String {
        match self.settings.mode {
            crate::paths::Mode::System => format!(
                " (the system service can write only under {})",
                self.settings
                    .db
                    .parent()
                    .map_or_else(|| "/var/lib/assigner".into(), |d| d.display().to_string())
            ),
            crate::paths::Mode::User => String::new(),
        }
    }

    /// `cleanup`: a dry run unless `apply`; see [`crate::maintenance::cleanup`].
    pub(super) async fn cleanup(
        &mut self,
        apply: bool,
        retry_failed: bool,
        verify_only: bool,
    ) -> Handled {
        if verify_only {
            let mut integrity = verify::verify(self.store.conn());
            integrity.extend(crate::store::missing_wal(self.store.path()));
            let report = CleanupReport {
                counts: self.store.counts()?,
                integrity,
                ..CleanupReport::default()
            };
            return Ok(Reply::Cleanup { report });
        }
        let tmux = Tmux::new(&self.settings.tmux_socket);
        let view = TmuxView::observe(&tmux).await.map_err(MaintError::from)?;
        if apply && view.server_pid.is_none() {
            self.refuse_while_unreachable()?;
        }
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

    /// No tmux server answers, but one the sessions were recorded on still
    /// runs: its socket is out of reach, not gone (ARCHITECTURE.md, "The
    /// engine"). Applying would take every session for stale and send the
    /// prompts their agents are working on to others.
    fn refuse_while_unreachable(&self) -> Result<(), WireError> {
        let running = self
            .store
            .sessions()?
            .iter()
            .filter_map(|s| s.server_pid)
            .find(|pid| crate::engine::server_alive(*pid));
        match running {
            Some(pid) => Err(WireError::new(
                ErrorKind::Unavailable,
                format!(
                    "the tmux server (pid {pid}) still runs but does not answer on {}; \
                     cleanup --apply would take every session for stale: try again once it answers",
                    self.settings.tmux_socket.display()
                ),
            )),
            None => Ok(()),
        }
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
