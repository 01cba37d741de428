//! The daemon's effective settings: flags over environment over the config
//! file over built-in defaults, resolved once at start and again on SIGHUP.

use std::path::PathBuf;

use super::Args;
use crate::config::Config;
use crate::error::ConfigError;
use crate::paths::{self, Mode};

/// Everything the daemon needs to know about where and how to run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// System or user defaults.
    pub mode: Mode,
    /// The config file that was read, if any.
    pub config_file: Option<PathBuf>,
    /// The parsed config.
    pub config: Config,
    /// Database file.
    pub db: PathBuf,
    /// Control socket path (used when not socket-activated).
    pub socket: PathBuf,
    /// tmux server socket.
    pub tmux_socket: PathBuf,
    /// Log filter.
    pub log_level: String,
}

impl Settings {
    /// Resolves the settings from the command line (which already folded
    /// in the `ASSIGNER_*` environment variables).
    pub fn resolve(args: &Args) -> Result<Self, ConfigError> {
        let mode = if args.system {
            Mode::System
        } else {
            Mode::User
        };
        let (config_file, config) = match &args.config {
            Some(path) => (Some(path.clone()), Config::load(path)?),
            None => {
                let path = paths::config_file(mode);
                if path.exists() {
                    (Some(path.clone()), Config::load(&path)?)
                } else {
                    (None, Config::default())
                }
            }
        };
        Ok(Self {
            mode,
            db: args
                .db
                .clone()
                .or_else(|| config.db.clone())
                .unwrap_or_else(|| paths::database(mode)),
            socket: args
                .socket
                .clone()
                .or_else(|| config.socket.clone())
                .unwrap_or_else(|| paths::socket(mode)),
            tmux_socket: args
                .tmux_socket
                .clone()
                .or_else(|| config.tmux_socket.clone())
                .unwrap_or_else(|| paths::tmux_socket(mode)),
            log_level: log_level(args, &config)?,
            config_file,
            config,
        })
    }
}

/// The log filter: `--log-level`, else `RUST_LOG`, else the config's
/// `log_level` (already checked with the file). A bad value is a config
/// error (exit 78), not a silent fall-back to `info`.
fn log_level(args: &Args, config: &Config) -> Result<String, ConfigError> {
    let (origin, value) = match (&args.log_level, std::env::var("RUST_LOG")) {
        (Some(flag), _) => ("--log-level", flag.clone()),
        (None, Ok(env)) if !env.is_empty() => ("RUST_LOG", env),
        _ => return Ok(config.log_level.clone()),
    };
    crate::logging::parse_filter(&value)
        .map(|_| value)
        .map_err(|message| ConfigError::LogLevel { origin, message })
}
