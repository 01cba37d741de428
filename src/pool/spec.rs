//! A `[pools.NAME]` table: which agents the daemon starts and keeps
//! running, and how it restarts them (assigner.toml(5), POOLS). Strict like
//! the rest of the config: unknown keys are errors naming key and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// When an agent that exited is started again, as systemd's `Restart=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RestartPolicy {
    /// Whatever its exit status: a pool is kept at its count.
    #[default]
    Always,
    /// Only after a non-zero status or a signal; an agent someone quit
    /// cleanly (`/exit`) stays down.
    OnFailure,
    /// Never; the dead pane stays for a person to read.
    Never,
}

impl RestartPolicy {
    /// Whether an exit with this status (`None`: a signal, or the session
    /// vanished) is restarted.
    pub fn restarts(self, status: Option<i32>) -> bool {
        match self {
            Self::Always => true,
            Self::OnFailure => status != Some(0),
            Self::Never => false,
        }
    }
}

/// One pool as the config declares it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    /// The provider its agents are (a built-in profile or a
    /// `[profiles.NAME]` table): its sessions are detected as that.
    pub provider: String,
    /// The agent's argv, run directly (no shell).
    pub command: Vec<String>,
    /// How many agents to keep running.
    #[serde(default = "one")]
    pub count: u32,
    /// Working directory of each agent (with `worktree`, the repository
    /// the worktrees are made from). Default: the tmux server's.
    #[serde(default)]
    pub workdir: Option<PathBuf>,
    /// Give each agent its own git worktree and branch under
    /// `worktree_dir`, made on its first start and kept.
    #[serde(default)]
    pub worktree: bool,
    /// Where the worktrees go (required with `worktree`).
    #[serde(default)]
    pub worktree_dir: Option<PathBuf>,
    /// Environment added to the tmux server's for each agent.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Session name pattern; `{n}` is the agent's number from 1.
    /// Default `NAME-{n}`.
    #[serde(default)]
    pub session: Option<String>,
    /// When an exited agent is started again.
    #[serde(default)]
    pub restart: RestartPolicy,
    /// First wait before a restart; doubled after each exit in a row.
    #[serde(default = "restart_delay_ms")]
    pub restart_delay_ms: u64,
    /// Longest wait before a restart.
    #[serde(default = "restart_delay_max_ms")]
    pub restart_delay_max_ms: u64,
    /// Most restarts of one agent within `start_limit_interval_secs`; one
    /// more marks the pool `failed` instead of looping.
    #[serde(default = "start_limit_burst")]
    pub start_limit_burst: u32,
    /// The window `start_limit_burst` counts restarts in.
    #[serde(default = "start_limit_interval_secs")]
    pub start_limit_interval_secs: u64,
    /// Restart an agent whose screen stays `unknown` this long (never
    /// while it holds a prompt whose timeout has not passed). Default: off.
    #[serde(default)]
    pub unknown_restart_secs: Option<u64>,
    /// Start an agent afresh after it completed this many prompts.
    #[serde(default)]
    pub recycle_after: Option<u32>,
    /// How long past the reset time its usage-limit banner shows an agent
    /// whose screen still reads `rate_limited` is restarted: the banners
    /// drop the seconds, so the limit may lift up to a minute late.
    #[serde(default = "limit_restart_margin_secs")]
    pub limit_restart_margin_secs: u64,
    /// Text typed (then Enter) into an agent after each prompt it completes,
    /// before it gets the next, such as `/clear`. Default: off.
    #[serde(default)]
    pub clear_between: Option<String>,
}

fn one() -> u32 {
    1
}
fn restart_delay_ms() -> u64 {
    1000
}
fn restart_delay_max_ms() -> u64 {
    60_000
}
fn start_limit_burst() -> u32 {
    5
}
fn start_limit_interval_secs() -> u64 {
    300
}
fn limit_restart_margin_secs() -> u64 {
    60
}

/// Most agents one pool may ask for: a typo (`count = 1000`) must not fill
/// the machine with agents.
pub const MAX_COUNT: u32 = 64;

impl PoolConfig {
    /// Checks what the types cannot; `providers` are the known profile
    /// names. The error starts with the key.
    pub fn check(&self, name: &str, providers: &[&str]) -> Result<(), String> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err("name: use letters, digits, '-' and '_' only".into());
        }
        if !providers.contains(&self.provider.as_str()) {
            return Err(format!(
                "provider: '{}' is not a known provider (one of: {})",
                self.provider,
                providers.join(", ")
            ));
        }
        match self.command.first() {
            None => return Err("command: give the agent's argv, such as [\"claude\"]".into()),
            Some(c) if c.is_empty() || c.contains('=') => {
                return Err(format!("command: '{c}' is not a program name"));
            }
            Some(_) => {}
        }
        if self.count > MAX_COUNT {
            return Err(format!("count: at most {MAX_COUNT}"));
        }
        if self.worktree {
            let Some(dir) = &self.worktree_dir else {
                return Err("worktree_dir: required with worktree = true".into());
            };
            if !dir.is_absolute() {
                return Err("worktree_dir: must be an absolute path".into());
            }
            if self.workdir.is_none() {
                return Err("workdir: required with worktree = true (the repository)".into());
            }
        }
        if let Some(dir) = self.workdir.as_ref().filter(|d| !d.is_absolute()) {
            return Err(format!(
                "workdir: {} must be an absolute path",
                dir.display()
            ));
        }
        if let Some(key) = self.env.keys().find(|k| !valid_env_name(k)) {
            return Err(format!("env: '{key}' is not a variable name"));
        }
        let pattern = self.session_pattern(name);
        if !pattern.contains("{n}") {
            return Err("session: the pattern needs {n} (the agent's number)".into());
        }
        if pattern.contains([':', '.']) || pattern.chars().any(char::is_control) {
            return Err("session: ':', '.' and control characters are not allowed".into());
        }
        if self.restart_delay_max_ms < self.restart_delay_ms {
            return Err("restart_delay_max_ms: must be at least restart_delay_ms".into());
        }
        if self.start_limit_burst == 0 || self.start_limit_interval_secs == 0 {
            return Err("start_limit_burst, start_limit_interval_secs: must be at least 1".into());
        }
        if self.unknown_restart_secs == Some(0) || self.recycle_after == Some(0) {
            return Err("unknown_restart_secs, recycle_after: must be at least 1".into());
        }
        if let Some(text) = &self.clear_between
            && (text.trim().is_empty() || text.chars().any(char::is_control))
        {
            return Err(
                "clear_between: one line of text, not empty (leave it out to turn it off)".into(),
            );
        }
        Ok(())
    }

    /// The session name pattern, with the default filled in.
    pub fn session_pattern(&self, name: &str) -> String {
        self.session
            .clone()
            .unwrap_or_else(|| format!("{name}-{{n}}"))
    }

    /// The session name of agent `n` (from 1).
    pub fn session_name(&self, name: &str, n: u32) -> String {
        self.session_pattern(name).replace("{n}", &n.to_string())
    }

    /// With `worktree`: the repository each agent's worktree is made from,
    /// and where the worktrees go.
    pub fn worktree_source(&self) -> Option<(&Path, &Path)> {
        match (&self.workdir, &self.worktree_dir) {
            (Some(repo), Some(under)) if self.worktree => Some((repo, under)),
            _ => None,
        }
    }

    /// The wait before the restart that follows `exits` exits in a row.
    pub fn backoff(&self, exits: u32) -> Duration {
        let doubled = self
            .restart_delay_ms
            .saturating_mul(1u64 << exits.saturating_sub(1).min(20));
        Duration::from_millis(doubled.min(self.restart_delay_max_ms))
    }
}

fn valid_env_name(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(text: &str) -> PoolConfig {
        toml::from_str(text).unwrap()
    }

    const PROVIDERS: &[&str] = &["claude", "codex"];

    #[test]
    fn defaults_and_names() {
        let p = pool("provider = \"claude\"\ncommand = [\"claude\"]\n");
        p.check("claude", PROVIDERS).unwrap();
        assert_eq!(p.count, 1);
        assert_eq!(p.restart, RestartPolicy::Always);
        assert_eq!(p.session_name("claude", 2), "claude-2");
        assert_eq!(p.backoff(1), Duration::from_secs(1));
        assert_eq!(p.backoff(3), Duration::from_secs(4));
        assert_eq!(p.backoff(30), Duration::from_secs(60));
    }

    #[test]
    fn bad_pools_say_which_key() {
        let base = "provider = \"claude\"\ncommand = [\"claude\"]\n";
        for (extra, key) in [
            ("", "name"),
            ("worktree = true\n", "worktree_dir"),
            ("env = { \"A B\" = \"1\" }\n", "env"),
            ("session = \"agent\"\n", "session"),
            ("session = \"a:{n}\"\n", "session"),
            ("count = 1000\n", "count"),
            ("workdir = \"rel\"\n", "workdir"),
            ("start_limit_burst = 0\n", "start_limit_burst"),
            ("clear_between = \"\"\n", "clear_between"),
        ] {
            let name = if key == "name" { "bad name" } else { "claude" };
            let err = pool(&format!("{base}{extra}"))
                .check(name, PROVIDERS)
                .unwrap_err();
            assert!(err.starts_with(key), "{extra}: {err}");
        }
        let err = pool("provider = \"gpt\"\ncommand = [\"x\"]\n")
            .check("p", PROVIDERS)
            .unwrap_err();
        assert!(err.contains("gpt") && err.contains("claude"), "{err}");
        let err = pool("provider = \"claude\"\ncommand = []\n")
            .check("p", PROVIDERS)
            .unwrap_err();
        assert!(err.starts_with("command"), "{err}");
    }

    #[test]
    fn on_failure_spares_a_clean_exit() {
        assert!(!RestartPolicy::OnFailure.restarts(Some(0)));
        assert!(RestartPolicy::OnFailure.restarts(Some(2)));
        assert!(RestartPolicy::OnFailure.restarts(None));
        assert!(RestartPolicy::Always.restarts(Some(0)));
        assert!(!RestartPolicy::Never.restarts(Some(1)));
    }
}
