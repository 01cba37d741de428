//! The tmux engine: observe panes, detect agent state, deliver prompts and
//! supervise them. Owned by the daemon's core task.

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::daemon::Settings;
use crate::error::StoreError;
use crate::protocol::{ErrorKind, Event, Reply, SessionInfo, TmuxStatus, WireError};
use crate::store::Store;

/// Progress from the engine's background work (deliveries).
#[derive(Debug)]
pub enum EngineMsg {}

/// The engine.
pub struct Engine {
    tmux_socket: String,
    rx: mpsc::Receiver<EngineMsg>,
    _tx: mpsc::Sender<EngineMsg>,
}

impl Engine {
    /// Builds the engine for the configured tmux server.
    pub fn new(settings: &Settings) -> Self {
        let (tx, rx) = mpsc::channel(64);
        Self {
            tmux_socket: settings.tmux_socket.display().to_string(),
            rx,
            _tx: tx,
        }
    }

    /// When the engine next needs to run.
    pub fn next_wake(&self) -> Instant {
        Instant::now() + std::time::Duration::from_secs(3600)
    }

    /// Waits for background progress.
    pub async fn next_message(&mut self) -> EngineMsg {
        match self.rx.recv().await {
            Some(m) => m,
            None => std::future::pending().await,
        }
    }

    /// Applies background progress.
    pub async fn on_message(&mut self, _store: &mut Store, msg: EngineMsg) {
        match msg {}
    }

    /// One observe/reconcile/assign/supervise pass.
    pub async fn step(&mut self, _store: &mut Store, _scan_due: bool) -> Result<(), StoreError> {
        Ok(())
    }

    /// A new prompt or a state change: run soon.
    pub fn wake(&mut self) {}

    /// New settings.
    pub fn reconfigure(&mut self, settings: &Settings) {
        self.tmux_socket = settings.tmux_socket.display().to_string();
    }

    /// Session events since the last call.
    pub fn take_session_events(&mut self) -> Vec<Event> {
        Vec::new()
    }

    /// One-line summary of sessions.
    pub fn summary(&self) -> String {
        "no tmux sessions seen yet".into()
    }

    /// Tracked sessions.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        Vec::new()
    }

    /// The tmux server served.
    pub fn tmux_status(&self) -> TmuxStatus {
        TmuxStatus {
            socket: self.tmux_socket.clone(),
            reachable: false,
            reason: Some("not scanned yet".into()),
        }
    }

    /// Sessions per state.
    pub fn session_counts(&self) -> std::collections::BTreeMap<String, u64> {
        Default::default()
    }

    /// Sessions showing an approval dialog.
    pub fn waiting_for_human(&self) -> Vec<String> {
        Vec::new()
    }

    /// Marks a prompt finished on behalf of an agent hook.
    pub async fn complete(
        &mut self,
        _store: &mut Store,
        _pane: Option<&str>,
        _session: Option<&str>,
        _id: Option<i64>,
        _error: Option<&str>,
    ) -> Result<Reply, WireError> {
        Err(WireError::new(
            ErrorKind::NotFound,
            "no prompt in flight there",
        ))
    }

    /// Explains a session's state.
    pub async fn explain(&mut self, session: &str) -> Result<Reply, WireError> {
        Err(WireError::new(
            ErrorKind::NotFound,
            format!("no tracked session named '{session}'"),
        ))
    }

    /// Stops background work.
    pub async fn shutdown(&mut self) {}
}
