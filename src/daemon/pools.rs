//! The pools in the core's loop: after each engine step the supervisor
//! (`crate::pool`) compares the step's scan with what should run, and the
//! core carries out what it decides, through the engine's tmux driver.
//! One owner, one loop: nothing here runs beside the engine
//! (ARCHITECTURE.md, "Pools"), except the git work of making a worktree,
//! which can take seconds: it runs as a task whose outcome the loop takes
//! like any message ([`Core::pool_prepared`]).

use std::time::Instant;

use tokio::task::JoinError;
use tracing::{error, info, warn};

use super::core::Core;
use crate::pool::{self, Action, Prepared};
use crate::protocol::{ErrorKind, Reply, WireError};

type Handled = Result<Reply, WireError>;

impl Core {
    /// One supervisor pass over the engine's last scan.
    pub(super) async fn pool_tick(&mut self) {
        let (seq, snapshot, answered) = self.engine.observed();
        // Without a server, starting an agent would start one. Under
        // systemd it would live in this unit's cgroup and die with the
        // daemon: there the agents wait for assigner-tmux.service's server.
        let may_start_server = std::env::var_os("INVOCATION_ID").is_none();
        let usable = answered || (may_start_server && snapshot.panes.is_empty());
        if seq == 0 || !usable {
            return;
        }
        let engine = &self.engine;
        let actions = self.pools.tick(Instant::now(), seq, &snapshot, |pane| {
            engine.agent_use(pane)
        });
        let acted = !actions.is_empty();
        let tmux = self.engine.tmux().clone();
        for action in actions {
            match action {
                Action::Prepare {
                    pool,
                    n,
                    session,
                    repo,
                    under,
                } => {
                    self.pool_work.spawn(async move {
                        let made = pool::worktree(&repo, &under, &pool, &session).await;
                        (pool, n, made)
                    });
                }
                Action::Start {
                    pool,
                    n,
                    session,
                    dir,
                    spec,
                } => {
                    let result = pool::launch(&tmux, &session, dir.as_deref(), &spec).await;
                    self.pools.started(&pool, n, result, seq, Instant::now());
                }
                Action::Kill { pane, session } => {
                    if let Err(e) = pool::kill(&tmux, &pane).await {
                        warn!(session = %session, pane = %pane, "cannot end the agent's session: {e}");
                    }
                }
                Action::Reap => {
                    if let Err(e) = pool::reap(&tmux).await {
                        warn!("cannot make the tmux server reap its children: {e}");
                    }
                }
            }
        }
        self.engine
            .set_pools(&self.pools.draining(), self.pools.sessions());
        if acted {
            // Observe the new and ended sessions now, not at the next scan.
            self.engine.tmux_changed();
        }
    }

    /// A worktree made (or not) away from the loop: the agent starts on
    /// the step this asks for.
    pub(super) fn pool_prepared(&mut self, done: Result<Prepared, JoinError>) {
        match done {
            Ok((pool, n, made)) => {
                self.pools.prepared(&pool, n, made, Instant::now());
                self.engine.tmux_changed();
            }
            // `worktree::ensure` returns its failures; a panic is a bug.
            Err(e) => error!("making an agent's worktree failed: {e}"),
        }
    }

    /// When the supervisor next has a start due.
    pub(super) fn pools_due(&self) -> Option<tokio::time::Instant> {
        self.pools.next_due().map(tokio::time::Instant::from_std)
    }

    /// `pools`.
    pub(super) fn pool_list(&self) -> Handled {
        Ok(Reply::Pools {
            pools: self.pools.infos(Instant::now()),
        })
    }

    /// Applies the config's pools, each at the count `pool scale` set while
    /// the config's `count` for it is unchanged, and forgets the counts
    /// the config now overrides (assignerctl(1), `pool scale`).
    pub(super) fn configure_pools(&mut self) {
        let scales = self.store.pool_scales().unwrap_or_else(|e| {
            warn!("the config's pool counts apply: {e}");
            Vec::new()
        });
        for name in self.pools.reconfigure(&self.settings.config.pools, &scales) {
            match self.store.set_pool_scale(&name, None) {
                Ok(()) => info!(
                    pool = %name,
                    "the count `pool scale` set is dropped: the config's count changed or the pool is gone"
                ),
                Err(e) => {
                    self.store.note_failure(&e);
                    warn!(pool = %name, "{e}");
                }
            }
        }
    }

    /// `pool_scale`: recorded first, so a count the reply confirms
    /// outlives a daemon restart.
    pub(super) fn pool_scale(&mut self, pool: String, count: u32) -> Handled {
        if count > pool::MAX_COUNT {
            return Err(WireError::new(
                ErrorKind::BadRequest,
                format!("count: a pool has at most {} agents", pool::MAX_COUNT),
            ));
        }
        let scale = self.pools.scale_of(&pool, count).map_err(not_found)?;
        self.store
            .set_pool_scale(&pool, scale)
            .inspect_err(|e| self.store.note_failure(e))?;
        self.pools.scale(&pool, count).map_err(not_found)?;
        tracing::info!(pool = %pool, count, "pool scaled");
        // A step that lists the panes, so the supervisor acts on this scan.
        self.engine.tmux_changed();
        Ok(Reply::PoolScaled { pool, count })
    }

    /// `pool_restart`.
    pub(super) fn pool_restart(&mut self, pool: String, agent: Option<u32>) -> Handled {
        let sessions = self
            .pools
            .restart(&pool, agent, Instant::now())
            .map_err(not_found)?;
        tracing::info!(pool = %pool, agents = sessions.len(), "pool restart requested");
        self.engine.tmux_changed();
        Ok(Reply::PoolRestarting { pool, sessions })
    }

    /// The failed pools, for `STATUS=`.
    pub(super) fn pools_line(&self) -> Option<String> {
        let failed: Vec<String> = self
            .pools
            .failed()
            .into_iter()
            .map(|(name, _)| format!("pool {name} failed"))
            .collect();
        (!failed.is_empty()).then(|| failed.join(", "))
    }
}

fn not_found(message: String) -> WireError {
    WireError::new(ErrorKind::NotFound, message)
}
