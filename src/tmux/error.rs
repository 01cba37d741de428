//! What can go wrong when talking to tmux, classified from its exit status
//! and stderr so the engine can react (requeue on a vanished pane, wait for
//! a server, report a missing binary) instead of string-matching itself.

use std::path::PathBuf;

/// A failed tmux call.
#[derive(Debug, thiserror::Error)]
pub enum TmuxError {
    /// The tmux binary could not be executed at all.
    #[error("tmux is not installed (or not executable at the configured path)")]
    NotInstalled,
    /// No tmux server listens on the socket.
    #[error("no tmux server running on {}", socket.display())]
    NoServer {
        /// The `-S` socket that was tried.
        socket: PathBuf,
    },
    /// The target pane (or session) does not exist (any more).
    #[error("tmux pane {pane} does not exist")]
    PaneGone {
        /// The target as given.
        pane: String,
    },
    /// A key name that is not a plain named key (see [`super::Tmux::send_keys`]).
    #[error("refusing to send {key:?} as a key name: only named keys are allowed")]
    InvalidKey {
        /// The refused key.
        key: String,
    },
    /// tmux ran and reported an error we do not classify further.
    #[error("`{command}` failed ({}): {stderr}", exit_text(*status))]
    Failed {
        /// The tmux subcommand and its target, for the log.
        command: String,
        /// Exit status, when tmux exited normally.
        status: Option<i32>,
        /// What tmux printed on stderr, trimmed.
        stderr: String,
    },
    /// tmux did not answer within the call's time bound (a hung server must
    /// not hang the engine).
    #[error("`{command}` timed out")]
    Timeout {
        /// The tmux subcommand and its target.
        command: String,
    },
    /// The tmux process could not be started (out of processes or file
    /// descriptors): it did nothing.
    #[error("starting tmux: {0}")]
    Spawn(std::io::Error),
    /// Talking to the running tmux process failed.
    #[error("running tmux: {0}")]
    Io(#[from] std::io::Error),
    /// tmux's output did not have the shape we asked for.
    #[error("unexpected tmux output: {0}")]
    Parse(String),
}

impl TmuxError {
    /// Whether tmux may have carried the command out although the call
    /// failed: it did not answer in time, or talking to it broke off. A
    /// command tmux refused with an error did nothing.
    pub fn may_have_acted(&self) -> bool {
        matches!(self, Self::Timeout { .. } | Self::Io(_))
    }
}

/// An exit status as a person reads it: tmux killed by a signal has none.
fn exit_text(status: Option<i32>) -> String {
    match status {
        Some(code) => format!("exit status {code}"),
        None => "killed by a signal".to_owned(),
    }
}

/// Whether a failed `list-panes -a` means the server answered and has no
/// sessions: a server kept up without them (`exit-empty off`, as the
/// system service's `tmux -D` is) has no current target to list from.
pub(crate) fn is_empty_server(e: &TmuxError) -> bool {
    matches!(e, TmuxError::Failed { stderr, .. } if stderr == "no current target")
}

/// Turns a non-zero tmux exit into the most specific error its stderr allows.
///
/// `target` is the pane or session the command addressed, reported back in
/// [`TmuxError::PaneGone`].
pub(crate) fn classify_failure(
    socket: &std::path::Path,
    command: &str,
    target: Option<&str>,
    status: Option<i32>,
    stderr: &str,
) -> TmuxError {
    let stderr = stderr.trim();
    // tmux says "no server running on PATH" when the socket exists but
    // nobody listens, "error connecting to PATH (No such file or directory)"
    // when the socket file is missing, and "server exited unexpectedly" when
    // the server went away mid-call.
    if stderr.starts_with("no server running")
        || (stderr.starts_with("error connecting to")
            && (stderr.contains("No such file or directory")
                || stderr.contains("Connection refused")))
        || stderr.contains("server exited unexpectedly")
    {
        return TmuxError::NoServer {
            socket: socket.to_path_buf(),
        };
    }
    if stderr.contains("can't find pane")
        || stderr.contains("can't find session")
        || stderr.contains("can't find window")
    {
        return TmuxError::PaneGone {
            pane: target.unwrap_or_default().to_string(),
        };
    }
    TmuxError::Failed {
        command: command.to_string(),
        status,
        stderr: stderr.to_string(),
    }
}

/// Why a tmux process could not be started: no tmux to run, or the
/// system refused a process (it then did nothing).
pub(super) fn spawn_error(e: std::io::Error) -> TmuxError {
    match e.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
            TmuxError::NotInstalled
        }
        _ => TmuxError::Spawn(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn classify(stderr: &str) -> TmuxError {
        classify_failure(Path::new("/s"), "send-keys", Some("%3"), Some(1), stderr)
    }

    #[test]
    fn server_missing_forms() {
        for msg in [
            "no server running on /tmp/tmux-0/default",
            "error connecting to /tmp/x/s (No such file or directory)",
            "server exited unexpectedly",
        ] {
            assert!(matches!(classify(msg), TmuxError::NoServer { .. }), "{msg}");
        }
    }

    #[test]
    fn vanished_targets() {
        for msg in [
            "can't find pane: %99",
            "can't find session: dev",
            "can't find window: 3",
        ] {
            match classify(msg) {
                TmuxError::PaneGone { pane } => assert_eq!(pane, "%3"),
                other => panic!("{msg}: {other:?}"),
            }
        }
    }

    #[test]
    fn other_errors_keep_stderr() {
        match classify("unknown command: frobnicate\n") {
            TmuxError::Failed { stderr, status, .. } => {
                assert_eq!(stderr, "unknown command: frobnicate");
                assert_eq!(status, Some(1));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn messages_read_as_prose() {
        let failed = classify("unknown command: frobnicate");
        assert_eq!(
            failed.to_string(),
            "`send-keys` failed (exit status 1): unknown command: frobnicate"
        );
        let killed = classify_failure(Path::new("/s"), "list-panes", None, None, "x");
        assert_eq!(
            killed.to_string(),
            "`list-panes` failed (killed by a signal): x"
        );
    }

    #[test]
    fn an_empty_server_is_told_apart_from_a_failure() {
        assert!(is_empty_server(&classify("no current target\n")));
        assert!(!is_empty_server(&classify("unknown command: frobnicate")));
    }

    #[test]
    fn only_a_call_tmux_may_have_run_counts_as_acted() {
        let io = || std::io::Error::other("x");
        assert!(!TmuxError::Spawn(io()).may_have_acted());
        assert!(TmuxError::Io(io()).may_have_acted());
        assert!(
            TmuxError::Timeout {
                command: "paste-buffer".into()
            }
            .may_have_acted()
        );
        assert!(!classify("can't find pane: %3").may_have_acted());
    }
}
