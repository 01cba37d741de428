//! The tmux engine: observe → reconcile → assign → supervise (ARCHITECTURE.md, "The engine").
//!
//! Owned by the daemon's core task, which calls [`Engine::step`] after every
//! message and on its timer (`step.rs`). A step costs one `list-panes -a`,
//! plus a capture of only those panes whose screen may have changed and
//! matters: candidates while prompts wait, panes with a prompt in flight,
//! and panes whose state is still settling. The queue is routed again only
//! when the database or a pane changed (`queue.rs`). Deliveries run as
//! separate tasks and report back through [`EngineMsg`].

mod accept;
mod assign;
mod backstop;
mod branch;
mod capture;
mod clear;
mod deliver;
mod hook;
mod job;
mod limit;
mod listing;
mod message;
mod observe;
mod pane_job;
mod pane_screen;
mod panes;
mod pools;
mod prepare;
mod progress;
mod queue;
mod reach;
mod regain;
mod report;
pub use reach::server_alive;
mod rest;
mod restart;
mod start;
mod step;
mod supervise;
mod target_wait;
#[cfg(test)]
mod tests;
mod views;
mod withdraw;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tracing::warn;

use crate::config::{Config, DeliveryConfig};
use crate::detect::Profiles;
use crate::protocol::Event;
use crate::store::backend::Backend;
use crate::tmux::{PaneIo, Tmux};

use backstop::Backstop;
use branch::Branches;
pub use message::EngineMsg;
pub use message::Outcome;
use panes::Tracked;
use queue::QueueView;
use reach::Reach;
pub use report::Report;
use target_wait::MissingTargets;

/// Longest wait at shutdown for deliveries under way.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// The engine state.
pub struct Engine {
    /// The served server's driver: what `status`, `follow` and the pools'
    /// own calls use, and what a new socket replaces.
    tmux: Tmux,
    /// What every decision reads and types through: the driver itself, or
    /// in the in-process tests a scripted stand-in (`tests/`).
    io: Arc<dyn PaneIo>,
    profiles: Arc<Profiles>,
    delivery: DeliveryConfig,
    exclude: Vec<String>,
    target_wait: Duration,
    /// The periodic scan's interval, which rest stretches (`rest.rs`).
    scan_interval: Duration,
    /// The last step left the engine at rest (`rest.rs`).
    at_rest: bool,
    missing_targets: MissingTargets,
    queue: QueueView,
    /// Every pane known, with the prompt it holds (`Tracked::job`).
    panes: BTreeMap<String, Tracked>,
    branches: Branches,
    reach: Reach,
    /// A background capture batch is running (`capture.rs`).
    screens_in_flight: bool,
    backstop: Backstop,
    /// The last full listing, which glances stand in for (`listing.rs`).
    listing: listing::Listing,
    recovered: bool,
    stale_at_start: HashSet<String>,
    dirty: bool,
    last_scan: Option<Instant>,
    last_broad: Option<Instant>,
    next_fast: Option<tokio::time::Instant>,
    session_events: Vec<Event>,
    /// The last `list-panes`, and how many have been taken: what the pool
    /// supervisor compares with what should run (`pools.rs`).
    snapshot: Arc<crate::tmux::Snapshot>,
    scans: u64,
    /// The pools' sessions by name.
    pool_sessions: HashMap<String, crate::pool::PoolSession>,
    tx: mpsc::Sender<EngineMsg>,
    rx: mpsc::Receiver<EngineMsg>,
}

impl Engine {
    /// Builds the engine for the configured tmux server. Profiles were
    /// validated with the config, so a failure here falls back to the
    /// built-ins with a warning rather than refusing to start.
    pub fn new(tmux_socket: &Path, config: &Config) -> Self {
        let tmux = Tmux::new(tmux_socket).with_control_mode(config.tmux_control_mode);
        let io = Arc::new(tmux.clone());
        Self::with_io(tmux, io, config)
    }

    /// The engine over `io`, which speaks for the server `tmux` drives.
    fn with_io(tmux: Tmux, io: Arc<dyn PaneIo>, config: &Config) -> Self {
        let (tx, rx) = mpsc::channel(256);
        let socket = tmux.socket().to_owned();
        let mut engine = Self {
            tmux,
            io,
            profiles: Arc::new(Profiles::builtin()),
            delivery: config.delivery.clone(),
            exclude: Vec::new(),
            target_wait: Duration::ZERO,
            scan_interval: Duration::from_secs(1),
            at_rest: false,
            missing_targets: MissingTargets::default(),
            queue: QueueView::default(),
            panes: BTreeMap::new(),
            branches: Branches::default(),
            reach: Reach {
                reason: Some("not scanned yet".into()),
                ..Reach::default()
            },
            screens_in_flight: false,
            backstop: Backstop::default(),
            listing: listing::Listing::default(),
            recovered: false,
            stale_at_start: HashSet::new(),
            dirty: true,
            last_scan: None,
            last_broad: None,
            next_fast: None,
            session_events: Vec::new(),
            snapshot: Arc::default(),
            scans: 0,
            pool_sessions: HashMap::new(),
            tx,
            rx,
        };
        engine.reconfigure(&socket, config);
        engine
    }

    /// Applies a (re)loaded config and tmux server.
    pub fn reconfigure(&mut self, tmux_socket: &Path, config: &Config) {
        match Profiles::new(&config.profiles) {
            Ok(p) => self.profiles = Arc::new(p),
            Err(e) => warn!("profiles: {e}; keeping the previous rules"),
        }
        if self.tmux.socket() != tmux_socket {
            self.tmux = Tmux::new(tmux_socket);
            self.io = Arc::new(self.tmux.clone());
        }
        self.tmux.set_control_mode(config.tmux_control_mode);
        self.delivery = config.delivery.clone();
        self.exclude = config.exclude.clone();
        self.target_wait = Duration::from_secs(config.target_wait_minutes * 60);
        self.scan_interval = Duration::from_millis(config.scan_interval_ms);
        for t in self.panes.values_mut() {
            t.excluded = panes::is_excluded(&t.pane, &self.exclude);
        }
        self.queue.invalidate();
        self.dirty = true;
        self.at_rest = false;
    }

    fn settle(&self) -> Duration {
        Duration::from_millis((self.delivery.completion_debounce_ms / 2).clamp(50, 1000))
    }

    fn completion(&self) -> Duration {
        Duration::from_millis(self.delivery.completion_debounce_ms)
    }

    /// Waits for progress from a delivery task.
    pub async fn next_message(&mut self) -> EngineMsg {
        match self.rx.recv().await {
            Some(m) => m,
            None => std::future::pending().await,
        }
    }

    /// Session events since the last call.
    pub fn take_session_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.session_events)
    }

    fn session_event(&mut self, event: &str, session: String, detail: Option<String>) {
        self.session_events.push(Event {
            at: crate::store::now_rfc3339(),
            kind: crate::protocol::EventKind::Session,
            id: None,
            event: event.into(),
            session: Some(session),
            detail,
        });
    }

    /// Lets deliveries under way finish (a few seconds at most) and records
    /// their outcome, so a `systemctl restart` mid-delivery leaves nothing
    /// to guess about. A delivery cut short after that is resolved at the
    /// next start from its recorded phase. The session rows are brought
    /// up to date last, so the database left behind (for an offline
    /// `cleanup`, say) shows every pane the engine knew of.
    pub async fn shutdown(&mut self, store: &mut dyn Backend) {
        let deadline = tokio::time::Instant::now() + SHUTDOWN_WAIT;
        while self.panes.values().any(|t| t.job.delivering().is_some()) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(msg)) => self.on_message(store, msg).await,
                _ => break,
            }
        }
        if let Err(e) = self.persist_sessions(store) {
            warn!(error = %e, "cannot write the session rows at shutdown");
        }
    }
}
