//! The daemon's TOML configuration: strict (unknown keys are errors that
//! name the key and line), every key optional with a documented default.
//!
//! `man/assigner.toml.5` and `packaging/assigner.toml` describe the same keys;
//! a test keeps the packaged file parseable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::detect::ProfileOverride;
use crate::error::ConfigError;
use crate::pool::PoolConfig;

/// The whole configuration file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Database file. Default: the mode's state path (see [`crate::paths`]).
    pub db: Option<PathBuf>,
    /// Control socket. Default: the mode's runtime path.
    pub socket: Option<PathBuf>,
    /// Socket (`-S` path) of the tmux server to serve. Default: tmux's own
    /// default for the daemon's user (`$TMUX_TMPDIR/tmux-UID/default`).
    pub tmux_socket: Option<PathBuf>,
    /// Log filter when `RUST_LOG` is unset: error, warn, info, debug, trace.
    pub log_level: String,
    /// Group (besides the daemon's own user and root) allowed to connect.
    pub allowed_group: Option<String>,
    /// Most clients served at once; more are refused with `unavailable`.
    /// A few slots beyond it are kept for root and for `complete` (see
    /// `daemon::admission`).
    pub max_connections: usize,
    /// Most clients one uid (other than root) may have connected at once,
    /// so that one user cannot take every slot.
    pub max_connections_per_uid: usize,
    /// Seconds a client may stay silent before it is disconnected (not
    /// applied while it is watching events).
    pub idle_timeout_secs: u64,
    /// Seconds a client has to send its first request line after
    /// connecting, and to finish any line it has begun (at most
    /// `idle_timeout_secs`): half-sent requests cannot hold slots.
    pub line_timeout_secs: u64,
    /// Milliseconds between periodic scans. Events (a new prompt, a
    /// completion) wake the loop at once; the scan only backs them up.
    pub scan_interval_ms: u64,
    /// Whether tmux calls go over one persistent control-mode client
    /// (`tmux -C`) once a session exists to attach it to, rather than a
    /// process per call (see `tmux::control`).
    pub tmux_control_mode: bool,
    /// Minutes a prompt may wait for a target session that does not exist
    /// before it fails, counted from when the session was first found
    /// missing (see `engine::target_wait`).
    pub target_wait_minutes: u64,
    /// Days after which finished prompts are pruned; absent keeps them.
    pub retention_days: Option<u32>,
    /// Session names (or `name:window.pane`, or `%N`) never given prompts.
    pub exclude: Vec<String>,
    /// Delivery timing.
    pub delivery: DeliveryConfig,
    /// Per-provider detection overrides and additions, keyed by provider.
    pub profiles: BTreeMap<String, ProfileOverride>,
    /// Agents the daemon starts and keeps running, keyed by pool name.
    pub pools: BTreeMap<String, PoolConfig>,
}

/// The pause between paste and Enter for a provider whose profile names
/// none, when the config sets no `[delivery] settle_ms`.
pub const DEFAULT_SETTLE_MS: u64 = 150;

/// How text is typed into a pane.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    /// Pause between the paste and the Enter key, so the agent's input box
    /// has taken the whole paste before it is submitted. Unset, each
    /// provider's profile says (`[profiles.NAME] settle_ms`, measured per
    /// agent), and [`DEFAULT_SETTLE_MS`] for a profile that does not.
    pub settle_ms: Option<u64>,
    /// How long to wait for the agent to react before the one rescue Enter.
    pub verify_ms: u64,
    /// Milliseconds a pane must look idle again before its prompt counts
    /// as completed.
    pub completion_debounce_ms: u64,
    /// Largest response captured per prompt, in bytes.
    pub max_response_bytes: usize,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            settle_ms: None,
            verify_ms: 1500,
            completion_debounce_ms: 1000,
            max_response_bytes: 64 * 1024,
        }
    }
}

impl DeliveryConfig {
    /// The pause between paste and Enter for a provider whose profile
    /// names `profile`: this config's `settle_ms` when set (it is for every
    /// agent), else the profile's, else [`DEFAULT_SETTLE_MS`].
    pub fn settle_for(&self, profile: Option<u64>) -> u64 {
        self.settle_ms.or(profile).unwrap_or(DEFAULT_SETTLE_MS)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            db: None,
            socket: None,
            tmux_socket: None,
            log_level: "info".into(),
            allowed_group: None,
            max_connections: 256,
            max_connections_per_uid: 32,
            idle_timeout_secs: 300,
            line_timeout_secs: 10,
            scan_interval_ms: 1000,
            tmux_control_mode: true,
            target_wait_minutes: 10,
            retention_days: None,
            exclude: Vec::new(),
            delivery: DeliveryConfig::default(),
            profiles: BTreeMap::new(),
            pools: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Parses and checks a config text. `origin` names the file in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<Self, ConfigError> {
        let cfg: Self = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_owned(),
            message: describe_toml_error(text, &e),
        })?;
        cfg.check().map_err(|message| ConfigError::Invalid {
            path: origin.to_owned(),
            message,
        })?;
        Ok(cfg)
    }

    /// Reads and parses a file, then checks it against this host: the
    /// `allowed_group` must exist. The daemon (at start and on SIGHUP),
    /// `--check-config` and `assignerctl validate` all come through here,
    /// so a misspelt group is refused before a restart could trip on it.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let cfg = Self::parse(&text, path)?;
        if let Some(group) = &cfg.allowed_group {
            group_id(group).map_err(|message| ConfigError::Invalid {
                path: path.to_owned(),
                message,
            })?;
        }
        Ok(cfg)
    }

    /// Value checks that the type system cannot express.
    fn check(&self) -> Result<(), String> {
        crate::logging::parse_filter(&self.log_level).map_err(|e| format!("log_level: {e}"))?;
        if self.max_connections == 0 {
            return Err("max_connections: must be at least 1".into());
        }
        if self.scan_interval_ms < 10 {
            return Err("scan_interval_ms: must be at least 10".into());
        }
        if self.max_connections_per_uid == 0 {
            return Err("max_connections_per_uid: must be at least 1".into());
        }
        if self.idle_timeout_secs == 0 {
            return Err("idle_timeout_secs: must be at least 1".into());
        }
        if self.line_timeout_secs == 0 {
            return Err("line_timeout_secs: must be at least 1".into());
        }
        for (name, profile) in &self.profiles {
            profile
                .check()
                .map_err(|e| format!("profiles.{name}: {e}"))?;
        }
        self.check_pools()
    }

    /// Each pool on its own, then that no two pools name their sessions
    /// alike (both would claim the same agents).
    fn check_pools(&self) -> Result<(), String> {
        let builtin = crate::detect::Profiles::builtin();
        let providers: Vec<&str> = builtin
            .names()
            .chain(self.profiles.keys().map(String::as_str))
            .filter(|p| *p != "unknown")
            .collect();
        let mut patterns = BTreeMap::new();
        for (name, pool) in &self.pools {
            pool.check(name, &providers)
                .map_err(|e| format!("pools.{name}.{e}"))?;
            if let Some(other) = patterns.insert(pool.session_pattern(name), name) {
                return Err(format!(
                    "pools.{name}.session: pool {other} names its sessions the same way"
                ));
            }
        }
        Ok(())
    }
}

/// The gid of `allowed_group`, or why it cannot be used.
pub fn group_id(name: &str) -> Result<u32, String> {
    match nix::unistd::Group::from_name(name) {
        Ok(Some(g)) => Ok(g.gid.as_raw()),
        Ok(None) => Err(format!(
            "allowed_group: there is no group named '{name}' on this host (see getent group)"
        )),
        Err(e) => Err(format!("allowed_group: cannot look up group '{name}': {e}")),
    }
}

/// Formats a TOML error as `line L, column C: message`, naming the key for
/// unknown fields (the toml crate already says "unknown field `x`").
fn describe_toml_error(text: &str, err: &toml::de::Error) -> String {
    let msg = err.message().trim().to_owned();
    match err.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {col}: {msg}")
        }
        None => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settle_is_the_configs_then_the_profiles_then_the_default() {
        let unset = Config::parse("", Path::new("x.toml")).unwrap().delivery;
        assert_eq!(unset.settle_for(Some(100)), 100);
        assert_eq!(unset.settle_for(None), DEFAULT_SETTLE_MS);
        let set = Config::parse("[delivery]\nsettle_ms = 300\n", Path::new("x.toml")).unwrap();
        assert_eq!(set.delivery.settle_for(Some(100)), 300);
        assert_eq!(set.delivery.settle_for(None), 300);
    }

    #[test]
    fn empty_file_gives_defaults() {
        let cfg = Config::parse("", Path::new("x.toml")).unwrap();
        assert_eq!(cfg, Config::default());
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::parse(
            "log_level = \"debug\"\nscan_intervall_ms = 5\n",
            Path::new("a.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("scan_intervall_ms"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("a.toml"), "{err}");
    }

    #[test]
    fn nested_unknown_key_and_bad_values() {
        let err = Config::parse("[delivery]\nsettle = 3\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("settle") && err.contains("line 2"), "{err}");
        let err = Config::parse("max_connections = 0\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_connections"), "{err}");
        for key in ["max_connections_per_uid", "line_timeout_secs"] {
            let err = Config::parse(&format!("{key} = 0\n"), Path::new("a.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(key) && err.contains("at least 1"), "{err}");
        }
        let err = Config::parse("max_connections = \"many\"\n", Path::new("a.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    #[test]
    fn load_refuses_an_unknown_group_and_a_bad_level() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "allowed_group = \"no-such-group-xyz\"\n").unwrap();
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("allowed_group") && err.contains("no-such-group-xyz"),
            "{err}"
        );
        let root = nix::unistd::Group::from_gid(0.into())
            .unwrap()
            .unwrap()
            .name;
        std::fs::write(&path, format!("allowed_group = \"{root}\"\n")).unwrap();
        Config::load(&path).unwrap();
        let err = Config::parse("log_level = \"verbose\"\n", &path)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("log_level") && err.contains("verbose"),
            "{err}"
        );
    }

    #[test]
    fn packaged_config_parses() {
        let text = include_str!("../packaging/assigner.toml");
        Config::parse(text, Path::new("packaging/assigner.toml")).unwrap();
    }
}
