//! What a maintenance task can fail on, and the wire kind of each, shared
//! by the daemon's answers and `assignerctl`'s offline exit codes.

use std::path::PathBuf;

use crate::error::StoreError;
use crate::protocol::{ErrorKind, WireError};
use crate::tmux::TmuxError;

/// Why a maintenance operation could not run.
#[derive(Debug, thiserror::Error)]
pub enum MaintError {
    /// A store operation failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another process (a running daemon) holds the database.
    #[error(
        "database {} is in use by another process{}; stop it first, or go through the daemon",
        path.display(),
        holder.map_or(String::new(), |p| format!(" (assignerd pid {p})"))
    )]
    Locked {
        /// The database file.
        path: PathBuf,
        /// The pid recorded by the holder, when readable.
        holder: Option<u32>,
    },
    /// The lock file is a link, not a regular file, or someone else's:
    /// writing to it could damage another file.
    #[error("refusing the lock file {}: {reason}; remove it if it is not yours", path.display())]
    UnsafeLock {
        /// The lock file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A file maintenance needs could not be created, moved or locked.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The input file does not exist.
    #[error("{} does not exist", .0.display())]
    Missing(PathBuf),
    /// The input file is not an SQLite database (or is damaged).
    #[error("{} is not a readable SQLite database: {detail}", path.display())]
    NotSqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// An SQLite file, but not one the original worker wrote.
    #[error("{} is not a database of the original worker: {detail}", path.display())]
    NotLegacy {
        /// The file.
        path: PathBuf,
        /// What is missing.
        detail: String,
    },
    /// tmux could not be asked which sessions exist.
    #[error("cannot list tmux sessions: {0}")]
    Tmux(#[from] TmuxError),
    /// No tmux server at the default socket, so every session would look
    /// stale: refused unless the user names the server.
    #[error(
        "no tmux server answers at {}, so every session would be removed as stale; start it, \
         or confirm that this is the server the daemon serves with --tmux-socket PATH",
        .0.display()
    )]
    NoTmuxServer(PathBuf),
    /// The tmux server answering shows none of the database's sessions: it
    /// may be another server than the daemon's.
    #[error(
        "the tmux server at {} (pid {pid}) holds none of the sessions in the database, so it \
         may not be the server the daemon serves and every session would be removed as stale; \
         if the daemon's server was restarted, confirm with --tmux-socket PATH",
        socket.display()
    )]
    OtherTmuxServer {
        /// The socket asked.
        socket: PathBuf,
        /// The pid of the server that answered.
        pid: u32,
    },
}

impl MaintError {
    /// The wire kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Store(e) => e.kind(),
            Self::Locked { .. } => ErrorKind::Conflict,
            Self::UnsafeLock { .. } => ErrorKind::Forbidden,
            Self::Missing(_) => ErrorKind::NotFound,
            Self::NotSqlite { .. } | Self::NotLegacy { .. } => ErrorKind::BadRequest,
            Self::Io { .. }
            | Self::Tmux(_)
            | Self::NoTmuxServer(_)
            | Self::OtherTmuxServer { .. } => ErrorKind::Unavailable,
        }
    }
}

impl From<MaintError> for WireError {
    fn from(e: MaintError) -> Self {
        WireError::new(e.kind(), e.to_string())
    }
}
