//! What a person asks of the pools (`pool`, `pool scale`, `pool restart`)
//! and what they are shown: applied to the supervisor's state, carried out
//! by its next tick.

use std::time::Instant;

use super::agent::{Phase, Stop};
use super::exchange::PoolScale;
use super::spec::MAX_COUNT;
use super::supervisor::Supervisor;
use crate::protocol::{PoolAgent, PoolInfo};

impl Supervisor {
    /// What `pool scale` would keep: `None` when `count` is the config's
    /// own (nothing to remember). The pool must exist.
    pub fn scale_of(&mut self, pool: &str, count: u32) -> Result<Option<PoolScale>, String> {
        if count > MAX_COUNT {
            return Err(format!("a pool has at most {MAX_COUNT} agents"));
        }
        let config_count = self.pool_mut(pool)?.spec.count;
        Ok((count != config_count).then_some(PoolScale {
            count,
            config_count,
        }))
    }

    /// Keeps `pool` at `count` agents while the config's `count` stays as
    /// it is (the caller records it, so it outlives a restart). Agents
    /// beyond it stop once idle.
    pub fn scale(&mut self, pool: &str, count: u32) -> Result<(), String> {
        let scaled = self.scale_of(pool, count)?.is_some();
        let p = self.pool_mut(pool)?;
        p.count = count;
        p.scaled = scaled;
        Ok(())
    }

    /// Starts agent `n` (or every agent) of `pool` afresh once it is idle,
    /// and lifts a failed pool's start limit, as `systemctl reset-failed`
    /// then `restart` would. Returns the sessions concerned.
    pub fn restart(
        &mut self,
        pool: &str,
        n: Option<u32>,
        now: Instant,
    ) -> Result<Vec<String>, String> {
        let p = self.pool_mut(pool)?;
        if let Some(n) = n
            && !p.agents.contains_key(&n)
        {
            return Err(format!(
                "pool {pool} has no agent {n} (it has {})",
                p.agents.len()
            ));
        }
        p.failed = None;
        let mut sessions = Vec::new();
        for a in p.agents.values_mut().filter(|a| n.is_none_or(|n| n == a.n)) {
            a.failures.clear();
            a.exits_in_row = 0;
            match a.phase {
                Phase::Running { .. } if a.stop != Some(Stop::Retire) => {
                    a.stop = Some(Stop::Restart {
                        why: "requested".into(),
                        failure: false,
                        overdue: false,
                    });
                }
                Phase::Running { .. } => continue,
                // Started as soon as its worktree is there.
                Phase::Preparing => {}
                Phase::Due { .. } | Phase::Down { .. } => a.phase = Phase::Due { at: now },
            }
            sessions.push(a.session.clone());
        }
        Ok(sessions)
    }

    fn pool_mut(&mut self, pool: &str) -> Result<&mut super::supervisor::Pool, String> {
        let known: Vec<String> = self.pools.keys().cloned().collect();
        match self.pools.get_mut(pool) {
            Some(p) if !p.removed => Ok(p),
            Some(_) => Err(format!(
                "pool {pool} was removed from the config and is draining"
            )),
            None if known.is_empty() => {
                Err(format!("there is no pool {pool}: the config declares none"))
            }
            None => Err(format!(
                "there is no pool {pool} (pools: {})",
                known.join(", ")
            )),
        }
    }

    /// Every pool with its agents, for `pool` and `status`.
    pub fn infos(&self, now: Instant) -> Vec<PoolInfo> {
        self.pools
            .iter()
            .map(|(name, p)| {
                let up = p.agents.values().filter(|a| a.pane().is_some()).count();
                let state = if p.failed.is_some() {
                    "failed"
                } else if p.removed {
                    "draining"
                } else if up == p.count as usize && p.agents.len() == up {
                    "running"
                } else {
                    "starting"
                };
                PoolInfo {
                    name: name.clone(),
                    provider: p.spec.provider.clone(),
                    count: p.count,
                    config_count: p.scaled.then_some(p.spec.count),
                    state: state.into(),
                    reason: p.failed.clone(),
                    agents: p
                        .agents
                        .values()
                        .map(|a| PoolAgent {
                            n: a.n,
                            session: a.session.clone(),
                            pane: a.pane().map(str::to_owned),
                            state: a.state(now),
                            restarts: a.restarts,
                            last_exit: a.last_exit.clone(),
                        })
                        .collect(),
                }
            })
            .collect()
    }
}
