//! One persistent control-mode client (`tmux -C`) per tmux server, which
//! carries commands without a process per call and reads the server's
//! notifications (tmux(1), CONTROL MODE).
//!
//! ```text
//! let (control, events) = Control::connect(&tmux, "agents").await?;
//! control.command(&["display-message", "-p", "#{pid}"]).await?   -> lines
//! control.capture(pane, lines).await?                             -> screen
//! control.set_buffer(name, text).await?                           -> no fork, any bytes
//! events.recv().await                                             -> Notification
//! ```
//!
//! A control client must be attached to a session: it attaches with
//! `ignore-size` (the agents' windows keep the sizes their people gave
//! them) and `no-output` (pane output does not flood the connection). When
//! the server has no session, or control mode cannot start, the caller
//! keeps the one-process-per-call path.
//!
//! Replies are matched to requests in order (tmux answers the commands of
//! one client in the order they were written), so requests pipeline: many
//! may be in flight. One that times out or whose caller gives up keeps its
//! place, and its late reply is read and dropped.

mod connect;
mod framing;
mod notify;
mod quote;
mod reader;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::AsyncWriteExt;
use tokio::process::{Child, ChildStdin};
use tokio::sync::oneshot;

pub use framing::{Framed, Framer};
pub use notify::Notification;
pub use quote::quote;
use reader::Pending;

use super::TmuxError;
use super::error;
use super::sync::lock;

/// The server a client attaches to, and how: what of the driver
/// ([`super::Tmux`]) a client needs, and nothing that would tie the two
/// together (the driver holds its client).
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The server's socket (`tmux -S`).
    pub(super) socket: std::path::PathBuf,
    /// The tmux program.
    pub(super) binary: std::path::PathBuf,
    /// How long an answer may take.
    pub(super) timeout: std::time::Duration,
}

/// A live control-mode client. Dropping it ends the client.
pub struct Control {
    tmux: Endpoint,
    stdin: tokio::sync::Mutex<Option<ChildStdin>>,
    pending: Arc<Mutex<VecDeque<Pending>>>,
    /// Set by the reader when the client's output ended.
    closed: Arc<AtomicBool>,
    /// Held so the client is killed with the handle.
    _child: Child,
}

/// Why a request did not get an answer.
pub(super) enum Unsent {
    /// The connection was already closed: nothing was written, so the
    /// command can be run another way.
    Closed,
    /// It was written, and the client ended before its answer: its
    /// session was killed, or the server went away. What the command did
    /// is unknown; one that only reads can be asked again another way.
    Ended(TmuxError),
    /// It was written (or may have been): what tmux did is unknown or
    /// this error says it.
    Failed(TmuxError),
}

impl Control {
    /// Runs one command (an argv, each word quoted) and returns its output
    /// lines.
    pub async fn command(&self, argv: &[&str]) -> Result<Vec<String>, TmuxError> {
        self.request(argv, false, None).await
    }

    /// The bottom `lines` lines of `pane`'s visible screen, as
    /// [`super::Tmux::capture`] gives them.
    pub async fn capture(&self, pane: &str, lines: usize) -> Result<String, TmuxError> {
        let out = self
            .request(&["capture-pane", "-p", "-t", pane], true, Some(pane))
            .await?;
        Ok(super::lines::bottom_lines(&out.join("\n"), lines))
    }

    /// Runs a command whose output is raw content (a capture of history,
    /// a buffer): none of its lines is taken for a notification.
    pub async fn content(&self, argv: &[&str]) -> Result<Vec<String>, TmuxError> {
        self.request(argv, true, None).await
    }

    /// Puts `text` in buffer `name`, byte for byte, with no process and no
    /// file: [`quote`] makes any text one argument.
    pub async fn set_buffer(&self, name: &str, text: &[u8]) -> Result<(), TmuxError> {
        self.send(set_buffer_line(name, text), false, None)
            .await
            .map(drop)
    }

    /// Whether the client still runs: once its output ended (the attached
    /// session closed, the server went away) it is of no more use.
    pub fn is_open(&self) -> bool {
        !self.closed.load(Ordering::Acquire)
    }

    /// Runs what [`super::Tmux::run`] would have run as a process: `args` with
    /// `stdin` fed to it (only `load-buffer -b NAME -` takes any), and its
    /// output as the process would have printed it.
    pub(super) async fn run(
        &self,
        args: &[&str],
        target: Option<&str>,
        stdin: Option<&[u8]>,
    ) -> Result<String, Unsent> {
        let lines = match (args, stdin) {
            (["load-buffer", "-b", name, "-"], Some(data)) => {
                self.send_line(set_buffer_line(name, data), false, None)
                    .await?
            }
            (_, None) => {
                let content = args.first() == Some(&"capture-pane");
                self.send_line(command_line(args), content, target).await?
            }
            _ => return Err(Unsent::Closed),
        };
        let mut out = lines.join("\n");
        if !lines.is_empty() {
            out.push('\n');
        }
        Ok(out)
    }

    async fn request(
        &self,
        argv: &[&str],
        content: bool,
        target: Option<&str>,
    ) -> Result<Vec<String>, TmuxError> {
        self.send(command_line(argv), content, target).await
    }

    async fn send(
        &self,
        line: String,
        content: bool,
        target: Option<&str>,
    ) -> Result<Vec<String>, TmuxError> {
        match self.send_line(line, content, target).await {
            Ok(lines) => Ok(lines),
            Err(Unsent::Closed) => Err(self.gone()),
            Err(Unsent::Ended(e) | Unsent::Failed(e)) => Err(e),
        }
    }

    async fn send_line(
        &self,
        line: String,
        content: bool,
        target: Option<&str>,
    ) -> Result<Vec<String>, Unsent> {
        let name = line.split(' ').next().unwrap_or("").trim_matches('"');
        let label = match target {
            Some(t) => format!("tmux {name} -t {t} (control mode)"),
            None => format!("tmux {name} (control mode)"),
        };
        let (answer, reply) = oneshot::channel();
        {
            let mut stdin = self.stdin.lock().await;
            let Some(pipe) = stdin.as_mut().filter(|_| self.is_open()) else {
                return Err(Unsent::Closed);
            };
            // Queued before it is written: the reader must find it there.
            lock(&self.pending).push_back(Pending { content, answer });
            // A command runs only once its newline is read. A client that
            // ended before taking the whole line (a broken pipe: its
            // session was killed) never ran it, so it can be run another
            // way; once the line is in, a later failure leaves it unknown.
            let whole = async {
                pipe.write_all(line.as_bytes()).await?;
                pipe.write_all(b"\n").await
            };
            if whole.await.is_err() {
                *stdin = None;
                lock(&self.pending).pop_back();
                return Err(Unsent::Closed);
            }
            if let Err(e) = pipe.flush().await {
                *stdin = None;
                return Err(Unsent::Failed(TmuxError::Io(e)));
            }
        }
        match tokio::time::timeout(self.tmux.timeout, reply).await {
            Err(_) => Err(Unsent::Failed(TmuxError::Timeout { command: label })),
            // Written, and the client ended before its answer: the server
            // went away, as a process's "server exited unexpectedly" says,
            // or only the client's session did.
            Ok(Err(_)) => Err(Unsent::Ended(self.gone())),
            Ok(Ok(Ok(lines))) => Ok(lines),
            Ok(Ok(Err(message))) => Err(Unsent::Failed(error::classify_failure(
                &self.tmux.socket,
                &label,
                target,
                Some(1),
                &message,
            ))),
        }
    }

    fn gone(&self) -> TmuxError {
        TmuxError::NoServer {
            socket: self.tmux.socket.clone(),
        }
    }
}

/// `set-buffer` of `text` into buffer `name`: the text as one argument.
fn set_buffer_line(name: &str, text: &[u8]) -> String {
    format!("set-buffer -b {} {}", quote(name.as_bytes()), quote(text))
}

/// An argv as one command line, each word quoted.
fn command_line(argv: &[&str]) -> String {
    argv.iter()
        .map(|a| quote(a.as_bytes()))
        .collect::<Vec<_>>()
        .join(" ")
}
