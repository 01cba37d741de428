//! The core task: the single owner of the database and the engine. Every
//! request and every engine step runs here, one at a time, so state has one
//! writer and needs no locks. This is the loop the watchdog vouches for.

use std::time::{Duration, Instant};

use tokio::sync::{broadcast, mpsc, watch};
use tokio::task::JoinSet;
use tracing::{error, info, warn};

use super::message::CoreMsg;
use super::notify::Notifier;
use super::retention::prune;
use super::settings::Settings;
use crate::engine::Engine;
use crate::protocol::Event;
use crate::store::{StorageFault, Store};

/// Least time between two `STATUS=` updates.
const STATUS_EVERY: Duration = Duration::from_secs(1);

/// The state owner.
pub struct Core {
    pub(super) store: Store,
    pub(super) settings: Settings,
    pub(super) engine: Engine,
    pub(super) started: Instant,
    pub(super) notices: Vec<String>,
    pub(super) last_prune: Instant,
    /// The agent pools, whose state the core owns like the engine's.
    pub(super) pools: crate::pool::Supervisor,
    /// Worktrees being made for the pools' agents, off this loop.
    pub(super) pool_work: JoinSet<crate::pool::Prepared>,
    /// The storage condition last announced.
    storage: Option<StorageFault>,
    status_at: Instant,
    events: broadcast::Sender<Event>,
    last_event: i64,
    notifier: Notifier,
}

impl Core {
    /// Builds the core around an open store.
    pub fn new(
        store: Store,
        settings: Settings,
        engine: Engine,
        events: broadcast::Sender<Event>,
    ) -> Self {
        let last_event = store.last_history_id().unwrap_or(0);
        let mut core = Self {
            pools: crate::pool::Supervisor::default(),
            pool_work: JoinSet::new(),
            store,
            settings,
            engine,
            started: Instant::now(),
            notices: Vec::new(),
            last_prune: Instant::now(),
            storage: None,
            status_at: Instant::now(),
            events,
            last_event,
            notifier: Notifier::from_env(),
        };
        core.configure_pools();
        core
    }

    /// How long the loop may sleep: the scan interval, but never so long
    /// that the watchdog could starve.
    fn tick_every(&self) -> Duration {
        let scan = Duration::from_millis(self.settings.config.scan_interval_ms);
        match self.notifier.ping_interval() {
            Some(ping) => scan.min(ping / 2),
            None => scan,
        }
    }

    /// When the periodic scan is next due after the one at `last`: an
    /// interval later, or while the engine rests (and the storage is
    /// sound) when the rest ends, never later than the watchdog allows.
    fn next_scan(&self, last: tokio::time::Instant) -> tokio::time::Instant {
        let tick = last + self.tick_every();
        let rest = self
            .engine
            .rest_until()
            .filter(|_| self.store.storage_fault().is_none());
        match (rest, self.notifier.ping_interval()) {
            (Some(rest), Some(ping)) => rest.max(tick).min(last + ping / 2),
            (Some(rest), None) => rest.max(tick),
            (None, _) => tick,
        }
    }

    /// Runs until `shutdown` flips to true. The message in hand when that
    /// happens is finished first, so no transaction is cut short.
    pub async fn run(
        mut self,
        mut rx: mpsc::Receiver<CoreMsg>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut last_scan = None;
        loop {
            let next_scan = last_scan.map_or_else(tokio::time::Instant::now, |t| self.next_scan(t));
            // Taken anew each time: a reload may serve another server.
            let tmux_changes = self.engine.tmux_changes();
            // While writes are refused the engine rests: only the scan
            // timer wakes the loop, to look at the storage again.
            let wake = if self.store.storage_fault().is_some() {
                next_scan
            } else {
                let due = self.pools_due().unwrap_or(next_scan);
                self.engine.next_wake().min(next_scan).min(due)
            };
            tokio::select! {
                biased;
                _ = shutdown.changed() => break,
                // Before requests: a delivery waits on the answer to its
                // report (its `pasted` phase recorded) before it presses
                // Enter, and a burst of sends must not hold it up.
                ev = self.engine.next_message() => {
                    self.engine.on_message(&mut self.store, ev).await;
                }
                msg = rx.recv() => match msg {
                    Some(msg) => {
                        self.on_message(msg).await;
                        // Answer everything already waiting before the
                        // engine steps: one scan serves the whole burst.
                        for _ in 0..64 {
                            match rx.try_recv() {
                                Ok(msg) => self.on_message(msg).await,
                                Err(_) => break,
                            }
                        }
                    }
                    None => break,
                },
                () = tmux_changes.notified() => self.engine.tmux_changed(),
                Some(done) = self.pool_work.join_next() => self.pool_prepared(done),
                () = tokio::time::sleep_until(wake) => {}
            }
            let now = tokio::time::Instant::now();
            let scan_due = now >= next_scan;
            if scan_due {
                last_scan = Some(now);
            }
            // A storage fault is a condition shown in `status`, not a
            // hang: the loop stays healthy for the watchdog.
            let healthy = self.storage_tick()
                || match self.engine.step(&mut self.store, scan_due).await {
                    Ok(()) => true,
                    Err(e) => {
                        self.store.note_failure(&e);
                        error!(error = %e, "engine step failed");
                        false
                    }
                };
            if healthy {
                self.pool_tick().await;
            }
            self.maintenance_tick();
            self.publish_events();
            // Counting the queue is a scan of its index: at most once a
            // second, however many requests arrive.
            if self.status_at.elapsed() >= STATUS_EVERY {
                self.status_at = Instant::now();
                self.notifier.status(&self.status_line());
            }
            if healthy {
                self.notifier.healthy();
            }
        }
        self.engine.shutdown(&mut self.store).await;
        self.publish_events();
        info!("core stopped");
    }

    async fn on_message(&mut self, msg: CoreMsg) {
        match msg {
            CoreMsg::Request { req, reply } => {
                let response = self.handle(*req).await;
                let _ = reply.send(response);
            }
            CoreMsg::Follow { id, reply } => {
                let _ = reply.send(self.follow_point(id));
            }
            CoreMsg::Reload(settings, applied) => {
                self.reload(*settings);
                let _ = applied.send(());
            }
        }
    }

    fn reload(&mut self, settings: Settings) {
        if settings.db != self.settings.db || settings.socket != self.settings.socket {
            warn!("db and socket changes take effect at the next restart");
        }
        self.engine
            .reconfigure(&settings.tmux_socket, &settings.config);
        let retention = settings.config.retention_days;
        let changed = retention != self.settings.config.retention_days;
        self.settings = settings;
        self.configure_pools();
        if changed {
            // A new retention period applies now, not at the next hourly
            // prune.
            prune(&mut self.store, retention);
            self.last_prune = Instant::now();
        }
    }

    /// Looks at the storage; logs and announces a change of condition once.
    /// Returns whether writes are refused now.
    fn storage_tick(&mut self) -> bool {
        let now = self.store.check_storage().cloned();
        if now == self.storage {
            return now.is_some();
        }
        if let Some(old) = self.storage.take() {
            self.notices.retain(|n| *n != old.to_string());
        }
        match &now {
            Some(fault) => {
                error!("{fault}");
                self.notices.push(fault.to_string());
            }
            None => info!("the database can be written again; accepting prompts"),
        }
        self.storage = now;
        self.status_at = Instant::now();
        self.notifier.status(&self.status_line());
        self.storage.is_some()
    }

    /// Streams every history row committed since the last call to watchers.
    fn publish_events(&mut self) {
        match self.store.history_since(self.last_event) {
            Ok((rows, last)) => {
                self.last_event = last;
                for row in rows {
                    let _ = self.events.send(row.into());
                }
            }
            Err(e) => warn!(error = %e, "cannot read new history for watchers"),
        }
        for ev in self.engine.take_session_events() {
            let _ = self.events.send(ev);
        }
    }

    /// The one-line summary for `STATUS=`.
    pub(super) fn status_line(&self) -> String {
        let counts = self.store.counts().unwrap_or_default();
        let get = |k| counts.get(&k).copied().unwrap_or(0);
        let mut line = format!(
            "{} pending, {} assigned, {} in progress; {}",
            get(crate::protocol::PromptStatus::Pending),
            get(crate::protocol::PromptStatus::Assigned),
            get(crate::protocol::PromptStatus::InProgress),
            self.engine.summary()
        );
        if let Some(pools) = self.pools_line() {
            line.push_str("; ");
            line.push_str(&pools);
        }
        if let Some(n) = self.notices.last() {
            line.push_str("; ");
            line.push_str(n);
        }
        line
    }
}
