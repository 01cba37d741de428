//! Async tmux driver: every call is one `tmux -S <socket> ...` subprocess
//! run from an argv (never a shell string) and bounded by a timeout, so
//! prompt text can never be interpreted and a hung server cannot hang the
//! engine.
//!
//! The engine's view of tmux:
//!
//! ```text
//! Tmux::new(socket) / Tmux::default_socket() / .with_binary(path) / .with_timeout(d)
//! tmux.snapshot()                      -> Snapshot { server_pid, panes: Vec<Pane> }   (one list-panes -a)
//! tmux.glance()                        -> Glance: pid, ids, dead, activity, mode, size  (whether a snapshot still holds)
//! tmux.capture(pane, lines)            -> bottom `lines` lines of the visible screen, plain text
//! tmux.capture_since(pane, mark)       -> text written since Pane::history_mark() (or history_size)
//! tmux.paste(pane, text)               -> load-buffer via stdin + bracketed paste-buffer -p -r -d
//! tmux.send_enter(pane)                -> send-keys Enter
//! tmux.send_keys(pane, &["Escape"])    -> named keys only
//! exact_session_target("dev")          -> "=dev:" (never prefix-matches "dev2")
//! ```
//!
//! The engine reaches these calls through [`PaneIo`], which the driver
//! implements, so that its decisions can be tested without a server.
//!
//! Pane arguments should be pane ids (`%3`), which tmux matches exactly.
//! Errors are classified into [`TmuxError`] (`NoServer`, `PaneGone`, ...).
//!
//! With control mode on ([`Tmux::with_control_mode`]), the same calls go
//! over one persistent `tmux -C` client ([`control`]) once a scan has found
//! a session to attach it to, and back to a process per call whenever that
//! client is gone; [`Tmux::path`] says which is in use.

mod attach;
pub mod control;
mod error;
mod glance;
mod io;
mod lines;
mod pane_io;
mod slot;
mod snapshot;
mod sync;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

pub use error::TmuxError;
use error::spawn_error;
pub use glance::{Glance, PaneGlance, Since};
pub use io::{IoFuture, PaneIo};
use slot::ControlSlot;
pub use snapshot::{Pane, Snapshot, exact_session_target};

/// Default bound on one tmux call.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A handle on one tmux server, addressed by its socket path. Clones share
/// its control-mode client.
#[derive(Debug, Clone)]
pub struct Tmux {
    socket: PathBuf,
    binary: PathBuf,
    timeout: Duration,
    control: Arc<ControlSlot>,
}

/// Whether a tmux command only reads the server's state, so that running
/// it twice changes nothing.
fn reads_only(args: &[&str]) -> bool {
    matches!(
        args.first(),
        Some(&("list-panes" | "capture-pane" | "display-message"))
    )
}

impl From<&Tmux> for control::Endpoint {
    fn from(t: &Tmux) -> Self {
        Self {
            socket: t.socket.clone(),
            binary: t.binary.clone(),
            timeout: t.timeout,
        }
    }
}

impl Tmux {
    /// A driver for the server listening on `socket` (`tmux -S socket`).
    pub fn new(socket: impl Into<PathBuf>) -> Self {
        Self {
            socket: socket.into(),
            binary: PathBuf::from("tmux"),
            timeout: DEFAULT_TIMEOUT,
            control: Arc::default(),
        }
    }

    /// The same server without the control client: what the client itself
    /// uses for its own settings, and what starts a pool's agents (see
    /// `pool::launch`).
    pub(crate) fn without_control(&self) -> Self {
        Self {
            socket: self.socket.clone(),
            binary: self.binary.clone(),
            timeout: self.timeout,
            control: Arc::default(),
        }
    }

    /// Runs this tmux executable instead of `tmux` from `PATH`.
    pub fn with_binary(mut self, binary: impl Into<PathBuf>) -> Self {
        self.binary = binary.into();
        self
    }

    /// Bounds every call by `timeout` instead of 5 s.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// tmux's own default socket for this user:
    /// `$TMUX_TMPDIR/tmux-<uid>/default`, `/tmp` when `TMUX_TMPDIR` is unset
    /// or empty. Serving it means serving the user's ordinary tmux.
    pub fn default_socket() -> PathBuf {
        let dir = std::env::var_os("TMUX_TMPDIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/tmp"));
        dir.join(format!("tmux-{}", nix::unistd::getuid()))
            .join("default")
    }

    /// The socket this driver talks to.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Every pane of the server, with one `list-panes -a` call.
    pub async fn snapshot(&self) -> Result<Snapshot, TmuxError> {
        let format = snapshot::list_format();
        match self
            .run(&["list-panes", "-a", "-F", &format], None, None)
            .await
        {
            Ok(out) => {
                let snapshot = snapshot::parse_snapshot(&out).map_err(TmuxError::Parse)?;
                self.ensure_control(&snapshot).await;
                Ok(snapshot)
            }
            // The server answered: it has no panes, not a failed scan.
            Err(e) if error::is_empty_server(&e) => Ok(Snapshot::default()),
            Err(e) => Err(e),
        }
    }

    /// One pane, with every field of [`Self::snapshot`], or `None` when
    /// the server has no such pane. A delivery asks this just before it
    /// types: the full listing would read two fields from `/proc` for
    /// every pane of the server, to learn of one.
    pub async fn pane(&self, id: &str) -> Result<Option<Pane>, TmuxError> {
        let format = snapshot::list_format();
        // tmux expands the format with no pane when the target is gone,
        // and exits 0: an id other than the one asked means gone.
        match self
            .run(
                &["display-message", "-p", "-t", id, &format],
                Some(id),
                None,
            )
            .await
        {
            Ok(out) => snapshot::parse_one(&out, id).map_err(TmuxError::Parse),
            Err(TmuxError::PaneGone { .. }) => Ok(None),
            Err(e) if error::is_empty_server(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every pane of the server in brief ([`Glance`]): enough to tell
    /// whether the last [`Self::snapshot`] still holds, at a fraction of
    /// its cost to the server.
    pub async fn glance(&self) -> Result<Glance, TmuxError> {
        let format = glance::glance_format();
        match self
            .run(&["list-panes", "-a", "-F", &format], None, None)
            .await
        {
            Ok(out) => glance::parse_glance(&out).map_err(TmuxError::Parse),
            Err(e) if error::is_empty_server(&e) => Ok(Glance::default()),
            Err(e) => Err(e),
        }
    }

    /// The panes whose windows had output from Unix second `secs` on, in
    /// full: with [`Glance::merge`], a listing brought up to date at the
    /// cost of the panes that moved.
    pub async fn snapshot_since(&self, secs: u64) -> Result<Snapshot, TmuxError> {
        let (format, filter) = (
            snapshot::list_format(),
            format!("#{{>=:#{{window_activity}},{secs}}}"),
        );
        match self
            .run(
                &["list-panes", "-a", "-f", &filter, "-F", &format],
                None,
                None,
            )
            .await
        {
            Ok(out) => snapshot::parse_snapshot(&out).map_err(TmuxError::Parse),
            Err(e) if error::is_empty_server(&e) => Ok(Snapshot::default()),
            Err(e) => Err(e),
        }
    }

    /// Runs `tmux -S socket args...`, feeding `stdin` when given, and
    /// returns stdout. `target` is reported in [`TmuxError::PaneGone`].
    pub(crate) async fn run(
        &self,
        args: &[&str],
        target: Option<&str>,
        stdin: Option<&[u8]>,
    ) -> Result<String, TmuxError> {
        if let Some(client) = self.live_control() {
            match client.run(args, target, stdin).await {
                Ok(out) => return Ok(out),
                Err(control::Unsent::Failed(e)) => return Err(e),
                // Whatever it did, a command that only reads can be asked
                // again: a process then says whether the server is there.
                Err(control::Unsent::Ended(e)) if !reads_only(args) => return Err(e),
                // Nothing was written: the process path runs it instead.
                Err(control::Unsent::Closed | control::Unsent::Ended(_)) => {}
            }
        }
        let label = match target {
            Some(t) => format!("tmux {} -t {t}", args[0]),
            None => format!("tmux {}", args[0]),
        };
        let mut cmd = Command::new(&self.binary);
        cmd.arg("-S")
            .arg(&self.socket)
            .args(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group: Ctrl-C in the daemon's terminal (and a
            // signal to the daemon's group) must not cut a tmux call short.
            // A client killed mid-call exits 0 with no output, which would
            // read as a server without panes and retire every pane.
            .process_group(0)
            .kill_on_drop(true);
        let mut child = cmd.spawn().map_err(spawn_error)?;
        let work = async {
            if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
                // A tmux that exits early (bad target) closes its stdin; its
                // exit status and stderr then say more than EPIPE does.
                match pipe.write_all(data).await {
                    Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e),
                    _ => drop(pipe),
                }
            }
            child.wait_with_output().await
        };
        let output = tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| TmuxError::Timeout {
                command: label.clone(),
            })??;
        if output.status.success() {
            return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(error::classify_failure(
            &self.socket,
            &label,
            target,
            output.status.code(),
            &stderr,
        ))
    }
}
