//! Reading a config file and refusing a bad one: parse errors and value
//! checks each name the key (and, for parse errors, the line) at fault.

use std::collections::BTreeMap;
use std::path::Path;

use super::types::Config;
use crate::error::ConfigError;

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
