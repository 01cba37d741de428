//! `assignerctl pool`: the pools the daemon keeps running, and changing
//! their size or restarting their agents (assignerctl(1), POOLS).

use std::fmt::Write as _;

use clap::Subcommand;

use super::table::Table;
use crate::protocol::{PoolInfo, Request};

/// `pool` actions; without one, the pools are listed.
#[derive(Debug, Subcommand)]
pub enum PoolAction {
    /// Keep pool NAME at N agents, across daemon restarts, until the
    /// config's count for it changes; agents beyond N stop once idle.
    Scale {
        /// Pool name.
        name: String,
        /// Agents to keep running.
        count: u32,
    },
    /// Start a pool's agents (NAME) or one of them (NAME/N) afresh once
    /// idle, and lift a failed pool's start limit.
    Restart {
        /// NAME or NAME/N.
        target: String,
    },
}

/// The request for `pool [ACTION]`.
pub(super) fn request(action: Option<PoolAction>) -> Result<Request, String> {
    Ok(match action {
        None => Request::Pools {},
        Some(PoolAction::Scale { name, count }) => Request::PoolScale { pool: name, count },
        Some(PoolAction::Restart { target }) => {
            let (pool, agent) = parse_target(&target)?;
            Request::PoolRestart { pool, agent }
        }
    })
}

/// `NAME` or `NAME/N`.
fn parse_target(target: &str) -> Result<(String, Option<u32>), String> {
    match target.split_once('/') {
        None => Ok((target.to_owned(), None)),
        Some((pool, n)) => match n.parse::<u32>() {
            Ok(n) if n >= 1 && !pool.is_empty() => Ok((pool.to_owned(), Some(n))),
            _ => Err(format!(
                "{target}: give a pool name, or NAME/N with N the agent's number from 1"
            )),
        },
    }
}

/// The pools as a table of agents, each pool's state above its agents.
pub(super) fn pools_text(pools: &[PoolInfo]) -> String {
    if pools.is_empty() {
        return "no pools (the config declares none)\n".into();
    }
    let mut out = String::new();
    for p in pools {
        let scaled = p
            .config_count
            .map(|c| format!(" (set by pool scale; the config says {c})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "pool {} ({}): {}, {} agent(s){scaled}",
            p.name, p.provider, p.state, p.count
        );
        if let Some(why) = &p.reason {
            let _ = writeln!(out, "  {why}");
        }
        let mut t = Table::new(&["AGENT", "SESSION", "PANE", "STATE", "RESTARTS", "LAST EXIT"]);
        for a in &p.agents {
            t.row(vec![
                a.n.to_string(),
                a.session.clone(),
                a.pane.clone().unwrap_or_else(|| "-".into()),
                a.state.clone(),
                a.restarts.to_string(),
                a.last_exit.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        out.push_str(&t.render());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("claude").unwrap(), ("claude".into(), None));
        assert_eq!(
            parse_target("claude/2").unwrap(),
            ("claude".into(), Some(2))
        );
        assert!(parse_target("claude/0").is_err());
        assert!(parse_target("claude/x").is_err());
        assert!(parse_target("/2").is_err());
    }
}
