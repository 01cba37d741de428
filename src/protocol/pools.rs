//! What `pool` shows: each pool the daemon keeps running, with its agents
//! (assigner-protocol(7), POOLS).

use serde::{Deserialize, Serialize};

/// One pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolInfo {
    /// Its name (`[pools.NAME]`).
    pub name: String,
    /// The provider its agents are.
    pub provider: String,
    /// How many agents it is kept at (the config's `count`, or the last
    /// `pool scale`).
    pub count: u32,
    /// The config's `count`, given when `count` comes from `pool scale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_count: Option<u32>,
    /// `running` (every agent up), `starting` (some are on their way),
    /// `failed` (the start limit was hit: no restarts until
    /// `pool restart`) or `draining` (removed from the config; its agents
    /// stop once idle).
    pub state: String,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Its agents, by number.
    pub agents: Vec<PoolAgent>,
}

/// One agent of a pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolAgent {
    /// Its number in the pool, from 1.
    pub n: u32,
    /// Its tmux session.
    pub session: String,
    /// Its pane while it runs (`%12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pane: Option<String>,
    /// `running`, `starting`, `creating its worktree`, `restarting in N
    /// ms`, `draining`, `restarting once idle` or `down: WHY`.
    pub state: String,
    /// Restarts since the daemon started.
    pub restarts: u32,
    /// How it last ended (`exited with status 1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_exit: Option<String>,
}

/// A pool's line in `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolSummary {
    /// Its name.
    pub name: String,
    /// As in [`PoolInfo::state`].
    pub state: String,
    /// Agents running.
    pub running: u32,
    /// Agents it is kept at.
    pub count: u32,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl From<&PoolInfo> for PoolSummary {
    fn from(p: &PoolInfo) -> Self {
        Self {
            name: p.name.clone(),
            state: p.state.clone(),
            running: u32::try_from(p.agents.iter().filter(|a| a.pane.is_some()).count())
                .unwrap_or(u32::MAX),
            count: p.count,
            reason: p.reason.clone(),
        }
    }
}
