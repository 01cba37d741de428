//! Start-up before serving: access policy, the one-daemon-per-database
//! lock, the database (checked, recovered if corrupt, migrated, pruned) and
//! the control socket, in that order, each failure with its exit code.
//!
//! The socket comes last so that a client never reaches a daemon that
//! cannot serve it, and systemd's `READY=1` (sent by the caller) means all
//! of this succeeded.

use super::admission::Admission;
use super::listener::{ControlSocket, ListenError};
use super::retention::prune;
use super::settings::Settings;
use crate::error::{StoreError, exit};
use crate::maintenance::{DbLock, MaintError, Recovery, open_checked};
use crate::store::Store;

/// Everything opened before the daemon can serve.
pub(super) struct Opened {
    /// Who may connect, how many and for how long.
    pub admission: Admission,
    /// Held for the daemon's lifetime.
    pub db_lock: DbLock,
    /// The open store.
    pub store: Store,
    /// What recovery did, when the file was corrupt.
    pub recovery: Option<Recovery>,
    /// The control socket.
    pub socket: ControlSocket,
}

/// A start-up failure: what to log and the sysexits code to exit with.
pub(super) struct StartError {
    pub code: i32,
    pub message: String,
}

fn fail(code: i32, message: impl std::fmt::Display) -> StartError {
    StartError {
        code,
        message: message.to_string(),
    }
}

/// Opens everything, in order.
pub(super) fn open(
    settings: &Settings,
    activated: Option<std::os::unix::net::UnixListener>,
) -> Result<Opened, StartError> {
    let admission = Admission::new(&settings.config).map_err(|e| fail(exit::CONFIG, e))?;
    let db_lock = DbLock::acquire(&settings.db).map_err(|e| match e {
        MaintError::Locked { .. } => fail(exit::UNAVAILABLE, e),
        MaintError::UnsafeLock { .. } => fail(exit::NOPERM, e),
        other => fail(exit::IOERR, format!("cannot open the database: {other}")),
    })?;
    let (mut store, recovery) = open_checked(&settings.db).map_err(|e| {
        let code = match &e {
            MaintError::Store(StoreError::Corrupt { .. } | StoreError::TooNew { .. }) => {
                exit::DATAERR
            }
            _ => exit::IOERR,
        };
        fail(code, format!("cannot open the database: {e}"))
    })?;
    prune(&mut store, settings.config.retention_days);
    let socket = match activated {
        Some(l) => ControlSocket::from_activated(l),
        None => ControlSocket::bind(&settings.socket, admission.policy.group()),
    }
    .map_err(|e| match e {
        ListenError::InUse(_) => fail(exit::UNAVAILABLE, e),
        other => fail(exit::CANTCREAT, other),
    })?;
    Ok(Opened {
        admission,
        db_lock,
        store,
        recovery,
        socket,
    })
}
