//! Pools of stand-in agents: a daemon whose config declares them, on a
//! private tmux server, and what `pool` says of them.

use std::path::{Path, PathBuf};

use assigner::protocol::PromptStatus;

use super::daemon::{TEST_CONFIG, TestDaemon};
use super::tmux::{AgentLog, TmuxServer, stand_in_agent};
use super::wait::{WAIT, wait_until};

/// A daemon with pools, and the tmux server they run on.
pub struct PoolFleet {
    /// The daemon (dropped first: fields drop in order).
    pub d: TestDaemon,
    /// The tmux server; dropping it ends every agent.
    pub tmux: TmuxServer,
}

/// A `[pools.NAME]` table of stand-in agents of `provider` (`flags`
/// appended to their argv) plus `keys`, logging to `log`.
pub fn stand_in_pool(name: &str, provider: &str, log: &Path, flags: &[&str], keys: &str) -> String {
    let mut argv = vec![
        stand_in_agent().display().to_string(),
        "--name".into(),
        name.into(),
        "--log".into(),
        log.display().to_string(),
    ];
    argv.extend(flags.iter().map(|f| (*f).to_owned()));
    let argv: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
    format!(
        "[pools.{name}]\nprovider = \"{provider}\"\ncommand = [{}]\n{keys}",
        argv.join(", ")
    )
}

impl PoolFleet {
    /// Pool `claude` of stand-in agents with `flags`, configured with
    /// `keys` (`count = 2`, ...).
    pub fn new(flags: &[&str], keys: &str) -> Self {
        Self::with_pools(|log| stand_in_pool("claude", "claude", log, flags, keys))
    }

    /// A daemon with [`TEST_CONFIG`] and the pools `pools(log)` declares on
    /// a new tmux server. A placeholder session keeps the server up, as
    /// assigner-tmux.service does for the system service.
    pub fn with_pools(pools: impl FnOnce(&Path) -> String) -> Self {
        Self::with_pools_env(pools, &[])
    }

    /// Like [`Self::with_pools`], with extra environment for the daemon.
    pub fn with_pools_env(pools: impl FnOnce(&Path) -> String, env: &[(&str, &str)]) -> Self {
        let tmux = TmuxServer::new();
        tmux.new_session("keep", &["sleep", "3600"]);
        let config = format!("{TEST_CONFIG}{}", pools(&tmux.dir().join("agents.jsonl")));
        let d = TestDaemon::builder()
            .config(&config)
            .envs(env)
            .tmux(tmux.socket())
            .start();
        Self { d, tmux }
    }

    /// The agents' shared log.
    pub fn log(&self) -> AgentLog {
        AgentLog {
            path: self.log_path(),
        }
    }

    /// Where the agents log.
    pub fn log_path(&self) -> PathBuf {
        self.tmux.dir().join("agents.jsonl")
    }

    /// `pool --json`: the pools.
    pub fn pools(&self) -> Vec<serde_json::Value> {
        self.d.ctl_json(&["pool"])["pools"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Agent `n` (from 1) of the first pool.
    pub fn agent(&self, n: usize) -> serde_json::Value {
        self.pools()
            .first()
            .and_then(|p| p["agents"].get(n - 1).cloned())
            .unwrap_or_default()
    }

    /// Waits until `cond` holds of `pool --json`'s pools.
    pub fn wait_pools(&self, what: &str, cond: impl Fn(&[serde_json::Value]) -> bool) {
        let ok = wait_until(WAIT, || cond(&self.pools()));
        assert!(
            ok,
            "pools never {what}: {:#?}\nlog:\n{}",
            self.pools(),
            self.d.logs()
        );
    }

    /// Waits until prompt `id` has `status` (see [`TestDaemon::wait_status`]).
    pub fn wait_status(&self, id: i64, status: PromptStatus) {
        self.d.wait_status(id, status);
    }

    /// Pool `claude`'s `count` agents are up and idle, each in its own
    /// session.
    pub fn up(&self, count: usize) {
        self.wait_pools("all running", |p| {
            p.first().is_some_and(|p| {
                p["state"] == "running" && p["agents"].as_array().unwrap().len() == count
            })
        });
        let names: Vec<String> = (1..=count).map(|n| format!("claude-{n}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.wait_idle(&names);
    }

    /// Waits until `sessions` shows each of `names` idle.
    pub fn wait_idle(&self, names: &[&str]) {
        let ok = wait_until(WAIT, || {
            let v = self.d.ctl_json(&["sessions"]);
            names.iter().all(|n| {
                v["sessions"]
                    .as_array()
                    .is_some_and(|all| all.iter().any(|s| s["name"] == *n && s["state"] == "idle"))
            })
        });
        assert!(
            ok,
            "{names:?} never all idle: {}\nlog:\n{}",
            self.d.ctl_ok(&["sessions"]),
            self.d.logs()
        );
    }
}
