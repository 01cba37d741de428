//! The one owner of pool state: which agents should run, which do, and
//! what to do about the difference. Pure logic: it reads a tmux snapshot
//! and what the engine knows of each agent's pane, and returns [`Action`]s
//! for the core to carry out (`daemon/pools.rs`), so it is tested without
//! tmux. Called from the core's loop after each engine step
//! (ARCHITECTURE.md, "Pools").

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use tracing::{info, warn};

use super::agent::{Agent, Phase};
use super::exchange::{Action, AgentUse, PoolScale, PoolSession};
pub use super::lifecycle::Pool;
use super::spec::PoolConfig;
use crate::tmux::Snapshot;

/// Every pool.
#[derive(Debug, Default)]
pub struct Supervisor {
    pub(super) pools: BTreeMap<String, Pool>,
    server_pid: u32,
}

impl Supervisor {
    /// Applies the config's pools: new ones start, changed ones start their
    /// next agents with the new spec, and removed ones drain. A pool's
    /// count is its `scales` entry (from `pool scale`) while the config's
    /// `count` is still the one that was scaled, else the config's.
    /// Returns the pools whose scaled count no longer applies (the config's
    /// count changed, or the pool is gone), to be forgotten.
    pub fn reconfigure(
        &mut self,
        config: &BTreeMap<String, PoolConfig>,
        scales: &[(String, PoolScale)],
    ) -> Vec<String> {
        let scale_of = |name: &str| scales.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
        for (name, spec) in config {
            let scaled = scale_of(name).filter(|s| s.config_count == spec.count);
            let count = scaled.map_or(spec.count, |s| s.count);
            match self.pools.get_mut(name) {
                Some(p) => {
                    p.count = count;
                    p.scaled = scaled.is_some();
                    p.spec = spec.clone();
                    p.removed = false;
                }
                None => {
                    self.pools.insert(
                        name.clone(),
                        Pool {
                            spec: spec.clone(),
                            count,
                            scaled: scaled.is_some(),
                            failed: None,
                            removed: false,
                            agents: BTreeMap::new(),
                        },
                    );
                }
            }
            if let Some(s) = scaled {
                info!(pool = %name, count = s.count, "pool kept at the count `pool scale` set");
            }
        }
        for (name, p) in &mut self.pools {
            if !config.contains_key(name) && !p.removed {
                info!(pool = %name, "pool removed from the config: its agents stop once idle");
                p.removed = true;
            }
        }
        scales
            .iter()
            .filter(|(name, s)| config.get(name).is_none_or(|c| c.count != s.config_count))
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Compares what should run with `snapshot` (scan number `seq`) and
    /// says what to do. `use_of` is the engine's view of a pane.
    pub fn tick(
        &mut self,
        now: Instant,
        seq: u64,
        snapshot: &Snapshot,
        use_of: impl Fn(&str) -> Option<AgentUse>,
    ) -> Vec<Action> {
        let restarted = snapshot.server_pid != 0
            && self.server_pid != 0
            && snapshot.server_pid != self.server_pid;
        if snapshot.server_pid != 0 {
            self.server_pid = snapshot.server_pid;
        }
        let mut actions = Vec::new();
        for (name, pool) in &mut self.pools {
            pool.fill(name, now);
            let numbers: Vec<u32> = pool.agents.keys().copied().collect();
            for n in numbers {
                let Some(mut agent) = pool.agents.remove(&n) else {
                    continue;
                };
                let keep = pool.step(
                    name,
                    &mut agent,
                    now,
                    seq,
                    snapshot,
                    restarted,
                    &use_of,
                    &mut actions,
                );
                if keep {
                    pool.agents.insert(n, agent);
                }
            }
        }
        self.pools.retain(|name, p| {
            let gone = p.removed && p.agents.is_empty();
            if gone {
                info!(pool = %name, "removed pool drained");
            }
            !gone
        });
        actions
    }

    /// The outcome of an [`Action::Start`]: the new pane, or why it could
    /// not be started (which counts as a failed start).
    pub fn started(
        &mut self,
        pool: &str,
        n: u32,
        result: Result<String, String>,
        seq: u64,
        now: Instant,
    ) {
        let Some(p) = self.pools.get_mut(pool) else {
            return;
        };
        let Some(mut agent) = p.agents.remove(&n) else {
            return;
        };
        match result {
            Ok(pane) => {
                info!(pool, session = %agent.session, pane = %pane, "agent started");
                agent.phase = Phase::Running {
                    pane,
                    since: now,
                    seq,
                };
            }
            Err(why) => {
                warn!(pool, session = %agent.session, "agent could not be started: {why}");
                p.exited(pool, &mut agent, why, None, now);
            }
        }
        p.agents.insert(n, agent);
    }

    /// The outcome of an [`Action::Prepare`]: the agent is due to start
    /// in its worktree, or its start failed (which counts as such).
    pub fn prepared(&mut self, pool: &str, n: u32, result: Result<PathBuf, String>, now: Instant) {
        let Some(p) = self.pools.get_mut(pool) else {
            return;
        };
        let Some(mut agent) = p.agents.remove(&n) else {
            return;
        };
        if agent.phase == Phase::Preparing {
            match result {
                // A retired agent is dropped by the next tick, unstarted.
                Ok(dir) => {
                    agent.worktree = Some(dir);
                    agent.phase = Phase::Due { at: now };
                }
                Err(why) => {
                    warn!(pool, session = %agent.session, "agent could not be started: {why}");
                    p.exited(pool, &mut agent, why, None, now);
                }
            }
        }
        p.agents.insert(n, agent);
    }

    /// The pools' panes that must get no new prompt: they stop once idle.
    pub fn draining(&self) -> Vec<String> {
        self.agents()
            .filter(|a| a.stop.is_some())
            .filter_map(|a| a.pane().map(str::to_owned))
            .collect()
    }

    /// Every pool agent's session, with what the engine must know of it.
    pub fn sessions(&self) -> Vec<(String, PoolSession)> {
        self.pools
            .values()
            .flat_map(|p| {
                let s = PoolSession {
                    provider: p.spec.provider.clone(),
                    clear_between: p.spec.clear_between.clone(),
                };
                p.agents
                    .values()
                    .map(move |a| (a.session.clone(), s.clone()))
            })
            .collect()
    }

    fn agents(&self) -> impl Iterator<Item = &Agent> {
        self.pools.values().flat_map(|p| p.agents.values())
    }

    /// The pools that hit their start limit, with why.
    pub fn failed(&self) -> Vec<(String, String)> {
        self.pools
            .iter()
            .filter_map(|(n, p)| p.failed.clone().map(|why| (n.clone(), why)))
            .collect()
    }

    /// When the core should look again without another reason to: the
    /// earliest restart due.
    pub fn next_due(&self) -> Option<Instant> {
        self.agents()
            .filter_map(|a| match a.phase {
                Phase::Due { at } => Some(at),
                _ => None,
            })
            .min()
    }
}
