//! Typed errors with context, their wire kinds and their exit codes.
//!
//! Inside the crate errors carry the path, prompt or pane they concern. At
//! the edges they collapse into two small stable sets: the protocol's
//! [`ErrorKind`] and the sysexits(3) codes of [`exit`].

use std::path::PathBuf;

use crate::protocol::{ErrorKind, PromptStatus, WireError};

/// Process exit codes, after sysexits(3), so that systemd units and scripts
/// can tell a bad config (do not restart) from a crash (restart).
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// Generic failure reported by the daemon (client side).
    pub const FAILURE: i32 = 1;
    /// Command-line usage error.
    pub const USAGE: i32 = 64;
    /// Bad input data (a request the daemon refused as malformed).
    pub const DATAERR: i32 = 65;
    /// The prompt, session or file does not exist.
    pub const NOINPUT: i32 = 66;
    /// The daemon is not running or not reachable.
    pub const UNAVAILABLE: i32 = 69;
    /// Internal software error.
    pub const SOFTWARE: i32 = 70;
    /// Operating system error (cannot start a runtime, signals).
    pub const OSERR: i32 = 71;
    /// Cannot create a file or socket.
    pub const CANTCREAT: i32 = 73;
    /// I/O error, including a database that cannot be opened.
    pub const IOERR: i32 = 74;
    /// Temporary failure: the object is in the wrong state, try later.
    pub const TEMPFAIL: i32 = 75;
    /// Permission denied.
    pub const NOPERM: i32 = 77;
    /// Configuration error.
    pub const CONFIG: i32 = 78;
    /// `wait`, `send --wait`, `follow`: a prompt waited for failed. Past
    /// the sysexits(3) range, so no error of the client itself reads as
    /// an outcome.
    pub const PROMPT_FAILED: i32 = 80;
    /// `wait`, `send --wait`, `follow`: a prompt waited for was cancelled.
    pub const PROMPT_CANCELLED: i32 = 81;
    /// `wait`, `send --wait`: the prompts had not all ended by the
    /// deadline given.
    pub const WAIT_TIMEOUT: i32 = 82;
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a wrongly typed value.
    #[error("invalid config {}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// Line, column and message.
        message: String,
    },
    /// A value out of range.
    #[error("invalid config {}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Which key and why.
        message: String,
    },
    /// `--log-level` or `RUST_LOG` is not a level or filter.
    #[error("invalid {origin}: {message}")]
    LogLevel {
        /// `--log-level` or `RUST_LOG`.
        origin: &'static str,
        /// Why.
        message: String,
    },
}

/// Errors of the prompt store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file cannot be opened, created or migrated.
    #[error("cannot open database {}: {source}", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file can be read but not written (permissions, the immutable
    /// attribute, a read-only mount).
    #[error("database {} cannot be written: {reason}", path.display())]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// The file is not a usable SQLite database.
    #[error("database {} is corrupt: {detail}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the check said.
        detail: String,
    },
    /// The database was written by a newer assigner.
    #[error("database {} has schema version {found}, newer than this assigner understands ({supported})", path.display())]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Version found.
        found: i64,
        /// Newest version known.
        supported: i64,
    },
    /// No such prompt.
    #[error("prompt {0} does not exist")]
    NoSuchPrompt(i64),
    /// The prompt is not in a status that allows the change.
    #[error(
        "prompt {id} is {status}; {action} needs it to be {}",
        one_of(expected)
    )]
    WrongStatus {
        /// Prompt id.
        id: i64,
        /// Its status now.
        status: PromptStatus,
        /// What was attempted.
        action: &'static str,
        /// What it must be.
        expected: &'static [PromptStatus],
    },
    /// A value the request supplied is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// The storage cannot keep a write now: the file was removed or
    /// replaced, or the disk is full.
    #[error("{0}")]
    Storage(String),
    /// Any other SQLite failure, with what was being done.
    #[error("database error while {context}: {source}")]
    Sqlite {
        /// What was being done.
        context: &'static str,
        /// Why it failed.
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Wraps a rusqlite error with what was being done.
    pub fn sqlite(context: &'static str) -> impl FnOnce(rusqlite::Error) -> Self {
        move |source| Self::Sqlite { context, source }
    }

    /// The wire kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NoSuchPrompt(_) => ErrorKind::NotFound,
            Self::WrongStatus { .. } => ErrorKind::Conflict,
            Self::Invalid(_) => ErrorKind::BadRequest,
            Self::Open { .. }
            | Self::ReadOnly { .. }
            | Self::Storage(_)
            | Self::Corrupt { .. }
            | Self::TooNew { .. } => ErrorKind::Unavailable,
            Self::Sqlite { .. } => ErrorKind::Internal,
        }
    }
}

impl From<StoreError> for WireError {
    fn from(e: StoreError) -> Self {
        WireError::new(e.kind(), e.to_string())
    }
}

/// Why the engine refused a request about a prompt or a session; the
/// daemon turns it into the wire's error kinds, as it does a
/// [`StoreError`].
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The prompt or session named is not there (not in flight, not
    /// tracked, or gone while it was looked at).
    #[error("{0}")]
    NotFound(String),
    /// The request speaks of a state the prompt is not in yet.
    #[error("{0}")]
    Conflict(String),
    /// The database refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<EngineError> for WireError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::NotFound(why) => WireError::new(ErrorKind::NotFound, why),
            EngineError::Conflict(why) => WireError::new(ErrorKind::Conflict, why),
            EngineError::Store(e) => e.into(),
        }
    }
}

/// A transition refused because the prompt had already moved on (another
/// path settled it first) as success: the caller wanted it out of the
/// state it left, and it is.
pub fn ignore_wrong_status(r: Result<(), StoreError>) -> Result<(), StoreError> {
    match r {
        Err(StoreError::WrongStatus { .. }) => Ok(()),
        other => other,
    }
}

/// Maps a wire error kind to the client's exit status.
pub fn exit_code_for(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::BadRequest => exit::DATAERR,
        ErrorKind::NotFound => exit::NOINPUT,
        ErrorKind::Conflict => exit::TEMPFAIL,
        ErrorKind::Forbidden => exit::NOPERM,
        ErrorKind::Unavailable => exit::UNAVAILABLE,
        ErrorKind::Internal => exit::SOFTWARE,
    }
}

/// "pending", "pending or failed", "pending, assigned or in_progress".
fn one_of(statuses: &[PromptStatus]) -> String {
    let names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    match names.split_last() {
        None => "nothing".to_owned(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_keep_their_kind_and_words_on_the_wire() {
        let wire = |e: EngineError| {
            let w = WireError::from(e);
            (w.kind, w.message)
        };
        assert_eq!(
            wire(EngineError::NotFound("no tracked session named 'x'".into())),
            (ErrorKind::NotFound, "no tracked session named 'x'".into())
        );
        assert_eq!(
            wire(EngineError::Conflict("not typed yet".into())).0,
            ErrorKind::Conflict
        );
        let store = StoreError::Storage("disk full".into());
        let kind = store.kind();
        assert_eq!(wire(EngineError::Store(store)).0, kind);
    }
}
