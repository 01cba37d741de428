//! What the pool supervisor and the rest of the daemon tell each other:
//! what the engine knows of an agent's pane, what it must know of a pool's
//! session, and the actions the core carries out. Apart from the
//! supervisor, so that its helpers (`lifecycle.rs`, `health.rs`) can use
//! them without importing the supervisor that uses them.

use std::path::PathBuf;
use std::time::Instant;

use super::spec::PoolConfig;

/// What the engine knows of a running agent's pane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AgentUse {
    /// It holds a prompt (being typed, or at work).
    pub busy: bool,
    /// That prompt's timeout has passed.
    pub overdue: bool,
    /// Its screen reads `unknown`.
    pub unknown: bool,
    /// Prompts it completed.
    pub completed: u32,
    /// Its screen reads `rate_limited`, and its banner says the limit
    /// resets then (`detect::reset_time`).
    pub limit_resets: Option<Instant>,
}

/// A pool's count set by `pool scale`, kept in the state database: it
/// applies while the config's `count` is still the one it was set against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolScale {
    /// Agents to keep.
    pub count: u32,
    /// The config's `count` when it was set.
    pub config_count: u32,
}

/// What the engine must know of a pool's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSession {
    /// Its provider, whatever its screen shows.
    pub provider: String,
    /// Typed after each prompt it completes, before the next.
    pub clear_between: Option<String>,
}

/// What the core is to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Make agent `n`'s git worktree (`worktree.rs`) away from the core's
    /// loop, as `git worktree add` can take seconds; report with
    /// [`super::Supervisor::prepared`].
    Prepare {
        /// Pool name.
        pool: String,
        /// Agent number.
        n: u32,
        /// Session name, the worktree's directory name.
        session: String,
        /// The repository the worktree is made from.
        repo: PathBuf,
        /// Where the worktrees go.
        under: PathBuf,
    },
    /// Start agent `n` of `pool` in a new session, in `dir`; report with
    /// [`super::Supervisor::started`].
    Start {
        /// Pool name.
        pool: String,
        /// Agent number.
        n: u32,
        /// Session name.
        session: String,
        /// Its working directory (its worktree, made by a `Prepare`).
        dir: Option<PathBuf>,
        /// The pool as it is now.
        spec: Box<PoolConfig>,
    },
    /// Kill the session of `pane` (a dead agent's, or one stopped).
    Kill {
        /// Pane id.
        pane: String,
        /// Its session, for the log.
        session: String,
    },
    /// Make the server reap its ended children, so a dead pane gets the
    /// exit status tmux missed (`launch::reap`).
    Reap,
}

/// What an [`Action::Prepare`] returns to the core: the pool, the agent's
/// number, and its worktree or why not.
pub type Prepared = (String, u32, Result<PathBuf, String>);
