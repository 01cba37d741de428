//! Starting a control client: the `tmux -C` process attached to a session,
//! its reader task, and the attach's answer awaited before any command is
//! written, since a client that did not attach runs one command and exits.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use tokio::process::Command;
use tokio::sync::{mpsc, oneshot};

use super::notify::Notification;
use super::reader::{Pending, read};
use super::{Control, Endpoint};
use crate::tmux::TmuxError;
use crate::tmux::error::{self, spawn_error};

/// Notifications buffered for a consumer that lags; more are dropped (the
/// periodic scan is the backstop).
const EVENTS: usize = 1024;

impl Control {
    /// Starts a control client on `tmux`'s server, attached to `session`.
    /// Returns it with the stream of notifications, which ends (after an
    /// [`Notification::Exit`]) when the client does.
    pub async fn connect(
        server: impl Into<Endpoint>,
        session: &str,
    ) -> Result<(Self, mpsc::Receiver<Notification>), TmuxError> {
        let tmux: Endpoint = server.into();
        let target = crate::tmux::exact_session_target(session);
        let mut child = Command::new(&tmux.binary)
            .arg("-S")
            .arg(&tmux.socket)
            .args(["-C", "attach-session", "-f", "ignore-size,no-output", "-t"])
            .arg(&target)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(spawn_error)?;
        let stdout = child.stdout.take().expect("piped stdout");
        let pending: Arc<Mutex<VecDeque<Pending>>> = Arc::default();
        let (events_tx, events) = mpsc::channel(EVENTS);
        let (attached_tx, attached) = oneshot::channel();
        let closed = Arc::new(AtomicBool::new(false));
        tokio::spawn(read(
            stdout,
            pending.clone(),
            events_tx,
            attached_tx,
            closed.clone(),
        ));
        let control = Self {
            tmux: tmux.clone(),
            stdin: tokio::sync::Mutex::new(child.stdin.take()),
            pending,
            closed,
            _child: child,
        };
        // Nothing is written before the attach answered: a client that did
        // not attach runs one command and exits.
        let label = format!("tmux attach-session -t {target} (control mode)");
        match tokio::time::timeout(tmux.timeout, attached).await {
            Err(_) => Err(TmuxError::Timeout { command: label }),
            Ok(Err(_)) => Err(control.gone()),
            Ok(Ok(Ok(()))) => Ok((control, events)),
            Ok(Ok(Err(message))) => Err(error::classify_failure(
                &tmux.socket,
                &label,
                Some(session),
                Some(1),
                &message,
            )),
        }
    }
}
