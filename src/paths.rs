//! Default locations (assignerd(8), FILES). A system service uses the FHS paths; a
//! person's own daemon uses the XDG base directories, so several users on one
//! machine each get their own queue next to their own tmux server.

use std::path::PathBuf;

/// Which set of default paths applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `/etc/assigner`, `/var/lib/assigner`, `/run/assigner`.
    System,
    /// `~/.config/assigner`, `~/.local/state/assigner`, `$XDG_RUNTIME_DIR/assigner`.
    User,
}

/// System config file.
pub const SYSTEM_CONFIG: &str = "/etc/assigner/assigner.toml";
/// System database.
pub const SYSTEM_DB: &str = "/var/lib/assigner/assigner.db";
/// System control socket, where `assigner.socket` listens.
pub const SYSTEM_SOCKET: &str = "/run/assigner/control.sock";
/// The service user's tmux server, run by `assigner-tmux.service` in its
/// own cgroup (tmux's usual `/tmp` default is invisible behind
/// `PrivateTmp=`).
pub const SYSTEM_TMUX_SOCKET: &str = "/run/assigner/tmux/default";

fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn home() -> PathBuf {
    env_path("HOME").unwrap_or_else(|| PathBuf::from("/"))
}

/// Default config file for `mode`.
pub fn config_file(mode: Mode) -> PathBuf {
    match mode {
        Mode::System => PathBuf::from(SYSTEM_CONFIG),
        Mode::User => env_path("XDG_CONFIG_HOME")
            .unwrap_or_else(|| home().join(".config"))
            .join("assigner/assigner.toml"),
    }
}

/// Default database for `mode`. Under systemd, `$STATE_DIRECTORY` (set by
/// `StateDirectory=`) wins, so the unit and the binary cannot disagree.
pub fn database(mode: Mode) -> PathBuf {
    match mode {
        Mode::System => env_path("STATE_DIRECTORY")
            .map(|d| d.join("assigner.db"))
            .unwrap_or_else(|| PathBuf::from(SYSTEM_DB)),
        Mode::User => env_path("XDG_STATE_HOME")
            .unwrap_or_else(|| home().join(".local/state"))
            .join("assigner/assigner.db"),
    }
}

/// Default control socket for `mode`. Without `$XDG_RUNTIME_DIR` (a
/// session without logind), a per-user directory under `/tmp` stands in.
pub fn socket(mode: Mode) -> PathBuf {
    match mode {
        Mode::System => PathBuf::from(SYSTEM_SOCKET),
        Mode::User => user_runtime_dir().join("assigner/control.sock"),
    }
}

/// Default tmux server for `mode`: the system service's own server, or the
/// user's default tmux server.
pub fn tmux_socket(mode: Mode) -> PathBuf {
    match mode {
        Mode::System => PathBuf::from(SYSTEM_TMUX_SOCKET),
        Mode::User => crate::tmux::Tmux::default_socket(),
    }
}

/// `$XDG_RUNTIME_DIR`, or `/tmp/assigner-UID` when unset.
pub fn user_runtime_dir() -> PathBuf {
    env_path("XDG_RUNTIME_DIR")
        .unwrap_or_else(|| PathBuf::from(format!("/tmp/assigner-{}", nix::unistd::geteuid())))
}
