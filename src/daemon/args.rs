//! Command line of `assignerd`. Flags override environment variables, which
//! override the config file, which overrides the built-in defaults.

use std::path::PathBuf;

use clap::Parser;

/// The assigner daemon: hands queued prompts to idle coding agents in tmux panes.
#[derive(Debug, Clone, Default, Parser)]
#[command(name = "assignerd", version)]
pub struct Args {
    /// Config file (TOML). Default: ~/.config/assigner/assigner.toml, or
    /// /etc/assigner/assigner.toml with --system. A missing default file
    /// means built-in defaults; a missing named file is an error.
    #[arg(long, short = 'c', env = "ASSIGNER_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database file.
    #[arg(long, env = "ASSIGNER_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Control socket to listen on when not socket-activated.
    #[arg(long, env = "ASSIGNER_SOCKET", value_name = "PATH")]
    pub socket: Option<PathBuf>,

    /// Socket of the tmux server to serve (tmux's -S).
    #[arg(long, env = "ASSIGNER_TMUX_SOCKET", value_name = "PATH")]
    pub tmux_socket: Option<PathBuf>,

    /// Log level or filter (error, warn, info, debug, trace, or a filter such
    /// as assigner=debug,info); overrides RUST_LOG and the config's log_level.
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,

    /// Use the system paths (/etc/assigner, /var/lib/assigner, /run/assigner)
    /// instead of the user's.
    #[arg(long)]
    pub system: bool,

    /// Check the config file and exit (0 when valid, 78 when not).
    #[arg(long)]
    pub check_config: bool,
}
