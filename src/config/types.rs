//! The configuration's types and their defaults: what each key means and
//! what it is when the file leaves it out (`man/assigner.toml.5`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::detect::ProfileOverride;
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
