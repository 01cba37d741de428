//! Observe and reconcile: one `list-panes -a`, then captures of only the
//! panes whose screen may have changed, and the database kept true to it.
//! Dead panes (kept by `remain-on-exit`) count as vanished: they are not
//! tracked, and a prompt on one goes back to the queue.

use tracing::{info, warn};

use super::Engine;
use super::panes::{Tracked, is_excluded};
use super::reach::server_alive;
use crate::error::StoreError;
use crate::store::Requeue;
use crate::store::backend::Backend;
use crate::tmux::{Snapshot, TmuxError};

impl Engine {
    /// Lists the panes and updates tracking. `Ok(false)` when tmux could
    /// not be asked (a timeout or an unexpected failure): nothing is
    /// concluded from a scan that did not happen. A missing server or
    /// binary is an answer: there are no panes.
    /// `broad`: also capture every pane whose window changed (see
    /// [`Engine::capture_due`]).
    pub(super) async fn observe(
        &mut self,
        store: &mut dyn Backend,
        broad: bool,
    ) -> Result<bool, StoreError> {
        let socket = self.tmux.socket().display().to_string();
        let may_glance = self.recovered && self.reach.reachable;
        let listed = self
            .listing
            .list(self.io.as_ref(), &self.snapshot, may_glance)
            .await;
        let snapshot = match listed {
            Ok(s) => {
                if !self.reach.reachable {
                    info!(socket = %socket, "tmux server reachable");
                }
                if let Some(outage) = self.reach.answered() {
                    // Time out of reach does not count against a timeout.
                    for w in self.panes.values_mut().filter_map(|t| t.job.running_mut()) {
                        w.submitted += outage;
                    }
                }
                let Some(s) = s else {
                    // A glance found the last listing still true.
                    self.scans += 1;
                    self.refresh_branches();
                    self.capture_due(broad);
                    return Ok(true);
                };
                s
            }
            Err(e @ TmuxError::NoServer { .. })
                if let Some(pid) = self.known_server(store)?.filter(|p| server_alive(*p)) =>
            {
                let why =
                    format!("the tmux server (pid {pid}) still runs but does not answer: {e}");
                self.reach.reachable = false;
                if self.reach.no_answer(why.clone()) {
                    warn!(socket = %socket, "{why}; prompts in flight stay where they are");
                }
                self.missing_targets.forget_all();
                return Ok(false);
            }
            Err(e @ (TmuxError::NoServer { .. } | TmuxError::NotInstalled)) => {
                if self.reach.reachable || self.reach.reason.as_deref() != Some(&e.to_string()) {
                    warn!(socket = %socket, "tmux: {e}");
                }
                self.reach.reachable = false;
                self.reach.reason = Some(e.to_string());
                self.reach.outage_since = None;
                Snapshot {
                    server_pid: 0,
                    panes: Vec::new(),
                }
            }
            Err(e) => {
                if self.reach.no_answer(e.to_string()) {
                    warn!(socket = %socket, "tmux scan failed: {e}");
                }
                // A server that does not answer cannot show the target
                // either: its wait starts over, as during an outage.
                self.missing_targets.forget_all();
                return Ok(false);
            }
        };
        // A server without panes reports no pid (0): its panes vanished,
        // which says nothing about a restart.
        let restarted = snapshot.server_pid != 0
            && self
                .reach
                .server_pid
                .is_some_and(|old| old != snapshot.server_pid);
        if snapshot.server_pid != 0 {
            self.reach.server_pid = Some(snapshot.server_pid);
        }
        let changes = self.reconcile(store, &snapshot, restarted)?;
        self.scans += 1;
        self.snapshot = std::sync::Arc::new(snapshot);
        // The first scan finds every pane; none of them is a change.
        if self.recovered {
            self.backstop.judge(self.io.as_ref(), changes).await;
        }
        self.capture_due(broad);
        Ok(true)
    }

    /// The pid of the server that last listed panes; before the first
    /// listing of this run, the one the session rows of the last run name.
    fn known_server(&self, store: &dyn Backend) -> Result<Option<u32>, StoreError> {
        if self.reach.server_pid.is_some() || self.recovered {
            return Ok(self.reach.server_pid);
        }
        Ok(store.sessions()?.iter().find_map(|r| r.server_pid))
    }

    /// Adds new panes, updates known ones and retires vanished ones;
    /// returns how many were added or retired.
    fn reconcile(
        &mut self,
        store: &mut dyn Backend,
        snap: &Snapshot,
        restarted: bool,
    ) -> Result<usize, StoreError> {
        // A dead pane (its program exited, `remain-on-exit` keeps it on
        // screen) is as good as gone: nothing it was given will finish.
        let gone: Vec<(String, &str)> = self
            .panes
            .keys()
            .filter_map(|id| {
                let why = match snap.pane(id) {
                    _ if restarted => "the tmux server restarted",
                    None => "the pane vanished",
                    Some(p) if p.dead => "the pane's program exited (the pane remains, dead)",
                    Some(_) => return None,
                };
                Some((id.clone(), why))
            })
            .collect();
        let mut changes = gone.len();
        for (id, why) in gone {
            self.retire(store, &id, why)?;
        }
        let (settle, completion) = (self.settle(), self.completion());
        for pane in snap.panes.iter().filter(|p| !p.dead) {
            let excluded = is_excluded(pane, &self.exclude);
            match self.panes.get_mut(&pane.id) {
                Some(t) => {
                    t.pane = pane.clone();
                    t.excluded = excluded;
                }
                None => {
                    let mut t = Tracked::new(pane.clone(), snap.server_pid, settle, completion);
                    t.excluded = excluded;
                    info!(session = %pane.display_name(), pane = %pane.id, command = %pane.command, "new pane");
                    self.session_event("appeared", pane.display_name(), Some(pane.id.clone()));
                    self.panes.insert(pane.id.clone(), t);
                    changes += 1;
                }
            }
        }
        if !self.recovered {
            // Before the first look at the screens: what an earlier run
            // typed may still be echoed there, and its quoted phrases must
            // not read as a state (see `Tracked::sent`).
            for (pane, text) in store.recent_texts()? {
                if let Some(t) = self.panes.get_mut(&pane) {
                    t.remember_sent(&text);
                }
            }
        }
        self.refresh_branches();
        let dirs: Vec<&str> = snap.panes.iter().map(|p| p.path.as_str()).collect();
        self.branches.retain(&dirs);
        if !self.recovered {
            // Rows left by an earlier run whose panes no longer exist.
            for row in store.sessions()? {
                let alive = snap.pane(&row.info.pane).is_some_and(|p| !p.dead)
                    && row.server_pid == Some(snap.server_pid);
                if !alive {
                    info!(session = %row.info.name, pane = %row.info.pane, "removing stale session from an earlier run");
                    store.remove_session(&row.info.pane)?;
                    // A pane id can come back on a new tmux server as a
                    // different pane: recovery must not mistake it.
                    self.stale_at_start.insert(row.info.pane);
                }
            }
        }
        Ok(changes)
    }

    /// Each pane's git branch, read again where its answer is old
    /// ([`super::branch::REFRESH`]): a checkout made outside the pane shows
    /// up whether the scan listed the panes or glanced at them.
    fn refresh_branches(&mut self) {
        let now = std::time::Instant::now();
        for t in self.panes.values_mut() {
            t.branch = self.branches.get(&t.pane.path, now);
        }
    }

    /// Forgets a pane; its prompt goes back to the queue at no cost.
    pub(super) fn retire(
        &mut self,
        store: &mut dyn Backend,
        id: &str,
        why: &str,
    ) -> Result<(), StoreError> {
        let Some(mut t) = self.panes.remove(id) else {
            return Ok(());
        };
        let name = t.pane.display_name();
        info!(session = %name, pane = %id, "{why}");
        if let Some(prompt) = t.job.delivering() {
            info!(prompt_id = prompt, session = %name, pane = %id, "delivery stopped: its pane is gone");
        }
        if let Some(prompt) = t.job.retire() {
            let reason = format!("{why}: {name} ({id})");
            match store.requeue(prompt, Requeue::StaleSession, &reason) {
                Ok(()) => {
                    info!(prompt_id = prompt, session = %name, pane = %id, "prompt back in the queue: {reason}");
                }
                Err(StoreError::WrongStatus { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        store.remove_session(id)?;
        self.session_event("gone", name, Some(why.to_owned()));
        Ok(())
    }

    /// Writes changed session rows.
    pub(super) fn persist_sessions(&mut self, store: &mut dyn Backend) -> Result<(), StoreError> {
        for t in self.panes.values_mut() {
            let row = t.row();
            if t.persisted.as_ref() != Some(&row) {
                store.upsert_session(&row)?;
                t.persisted = Some(row);
            }
        }
        Ok(())
    }
}
