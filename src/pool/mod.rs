//! Agent pools: the agents the daemon starts, watches and restarts itself
//! (ARCHITECTURE.md, "Pools"; assigner.toml(5), POOLS).
//!
//! `spec.rs` is a pool as configured; `exchange.rs` what the supervisor
//! and the core tell each other; `agent.rs` and `supervisor.rs` the
//! pure state machine that decides what to start and stop; `health.rs`
//! when a running agent is started afresh; `control.rs` the requests;
//! `launch.rs` and `worktree.rs` the tmux and git work the core carries out.

mod agent;
mod control;
mod exchange;
mod health;
mod launch;
mod lifecycle;
mod spec;
mod supervisor;
mod worktree;

pub use exchange::{Action, AgentUse, PoolScale, PoolSession, Prepared};
pub use launch::{kill, launch, reap};
pub use spec::{MAX_COUNT, PoolConfig, RestartPolicy};
pub use supervisor::Supervisor;
pub use worktree::ensure as worktree;

#[cfg(test)]
mod tests;
