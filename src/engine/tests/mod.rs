//! The engine's decisions, in process: the real [`Engine`] and a real
//! SQLite store in a temp dir, over a scripted tmux server in memory
//! (`fake.rs`) instead of a real one. They run in a fraction of a second
//! each and cover what the engine decides from what panes show (which pane
//! gets a prompt, when it completes or times out, what a delivery it
//! cannot confirm becomes, what a restart does with prompts in flight);
//! the real-tmux tests (`tests/it/engine/`, `tests/it/recovery/`) still
//! cover the driver and real terminals.
//!
//! The engine waits on the clock (the completion debounce, the verify
//! time), so the config's times are short and every wait for an outcome
//! is bounded ([`Rig::run_until`]); no test asserts how long anything took,
//! beyond the least wait the completion debounce guarantees.

mod assign;
mod fake;
mod rest;
mod restart;
mod supervise;
mod withdraw;

use std::sync::Arc;
use std::time::Duration;

use super::Engine;
use crate::config::Config;
use crate::protocol::{NewPrompt, PromptInfo};
use crate::store::Store;
use crate::tmux::Tmux;
use fake::{Agent, FakeTmux};

/// Longest wait for an outcome; far more than any of them takes.
const LIMIT: Duration = Duration::from_secs(10);
/// The periodic scan, as `scan_interval_ms` sets it.
const SCAN: Duration = Duration::from_millis(50);

/// An engine, its store and the panes it serves, driven as the daemon's
/// core drives them (`daemon/core.rs`).
struct Rig {
    engine: Engine,
    store: Store,
    tmux: Arc<FakeTmux>,
    _dir: tempfile::TempDir,
}

/// Short delivery times, so that waiting them out costs little, and the
/// scan interval the rig drives.
fn config() -> Config {
    let mut config = Config {
        scan_interval_ms: u64::try_from(SCAN.as_millis()).unwrap_or(50),
        ..Config::default()
    };
    config.delivery.settle_ms = Some(10);
    config.delivery.verify_ms = 300;
    config.delivery.completion_debounce_ms = 100;
    config
}

impl Rig {
    /// An engine serving `agents`, on a new database.
    fn new(agents: impl IntoIterator<Item = Agent>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("assigner.db")).unwrap();
        Self::on(dir, store, agents)
    }

    /// An engine starting on `store`, as after a restart.
    fn on(dir: tempfile::TempDir, store: Store, agents: impl IntoIterator<Item = Agent>) -> Self {
        Self::configured(dir, store, agents, &config())
    }

    /// The same with `config`.
    fn configured(
        dir: tempfile::TempDir,
        store: Store,
        agents: impl IntoIterator<Item = Agent>,
        config: &Config,
    ) -> Self {
        let tmux = Arc::new(FakeTmux::new(agents));
        let driver = Tmux::new(dir.path().join("tmux.sock"));
        let engine = Engine::with_io(driver, tmux.clone(), config);
        Self {
            engine,
            store,
            tmux,
            _dir: dir,
        }
    }

    /// Queues `text`.
    fn send(&mut self, text: &str) -> i64 {
        self.send_with(&NewPrompt {
            text: text.into(),
            ..NewPrompt::default()
        })
    }

    /// Queues `prompt`.
    fn send_with(&mut self, prompt: &NewPrompt) -> i64 {
        let id = self.store.insert_prompt(prompt).unwrap();
        self.engine.wake();
        id
    }

    fn prompt(&self, id: i64) -> PromptInfo {
        self.store.prompt(id).unwrap().into()
    }

    /// Prompt `id`'s history, by event name.
    fn events(&self, id: i64) -> Vec<String> {
        let history = self.store.history(id).unwrap();
        history.into_iter().map(|h| h.event).collect()
    }

    /// Steps the engine and applies what its tasks report, as the core
    /// does, until `done` holds; fails after [`LIMIT`], saying `what`.
    async fn run_until(&mut self, what: &str, mut done: impl FnMut(&Self) -> bool) {
        let deadline = tokio::time::Instant::now() + LIMIT;
        let mut next_scan = tokio::time::Instant::now();
        while !done(self) {
            let now = tokio::time::Instant::now();
            assert!(now < deadline, "no {what} within {LIMIT:?}");
            let wake = self.engine.next_wake().min(next_scan).min(deadline);
            tokio::select! {
                msg = self.engine.next_message() => self.engine.on_message(&mut self.store, msg).await,
                () = tokio::time::sleep_until(wake) => {}
            }
            let now = tokio::time::Instant::now();
            let scan_due = now >= next_scan;
            if scan_due {
                next_scan = now + SCAN;
            }
            self.engine.step(&mut self.store, scan_due).await.unwrap();
        }
    }

    /// Runs the engine until it has scanned `scans` more times.
    async fn scan(&mut self, scans: u64) {
        let until = self.engine.scans + scans;
        self.run_until("scan", |r| r.engine.scans >= until).await;
    }
}
