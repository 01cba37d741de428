//! A fleet: one private tmux server with stand-in agents, and a daemon
//! serving it. Dropping it stops the daemon, then the tmux server.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use assigner::protocol::PromptStatus;

use super::daemon::{TEST_CONFIG, TestDaemon};
use super::tmux::{AgentLog, TmuxServer};
use super::wait::{WAIT, wait_until};

/// A daemon plus agents.
pub struct Fleet {
    /// The daemon (dropped first: fields drop in order).
    pub d: TestDaemon,
    /// The tmux server.
    pub tmux: TmuxServer,
    /// Agent logs by session name.
    pub logs: HashMap<String, AgentLog>,
    /// Pane ids by session name.
    pub panes: HashMap<String, String>,
}

impl Fleet {
    /// Agents named `names` (claude style unless the name starts with
    /// `codex`), each with `extra` flags, and a daemon with `config`.
    pub fn new(names: &[&str], extra: &[&str], config: &str) -> Self {
        let tmux = TmuxServer::new();
        let mut fleet = Self {
            d: TestDaemon::builder()
                .config(config)
                .tmux(tmux.socket())
                .start(),
            tmux,
            logs: HashMap::new(),
            panes: HashMap::new(),
        };
        for name in names {
            fleet.add_agent(name, extra);
        }
        fleet
    }

    /// Agents with the default test config.
    pub fn with_agents(names: &[&str]) -> Self {
        Self::new(names, &[], TEST_CONFIG)
    }

    /// Starts one more agent and waits until the daemon sees it idle.
    pub fn add_agent(&mut self, name: &str, extra: &[&str]) {
        self.add_agent_in(name, None, extra);
    }

    /// Like [`Self::add_agent`], in working directory `dir`.
    pub fn add_agent_in(&mut self, name: &str, dir: Option<&Path>, extra: &[&str]) {
        let mut flags: Vec<&str> = extra.to_vec();
        if name.starts_with("codex") {
            flags.extend_from_slice(&["--style", "codex"]);
        }
        let (pane, log) = self.tmux.start_agent_in(name, dir, &flags);
        self.panes.insert(name.to_owned(), pane);
        self.logs.insert(name.to_owned(), log);
        self.wait_session_state(name, "idle");
    }

    /// The log of agent `name`.
    pub fn log(&self, name: &str) -> &AgentLog {
        &self.logs[name]
    }

    /// Waits until `sessions` shows `name` in `state`.
    pub fn wait_session_state(&self, name: &str, state: &str) {
        let ok = wait_until(WAIT, || self.session_state(name).as_deref() == Some(state));
        assert!(
            ok,
            "session {name} never became {state}; sessions: {}\nlog:\n{}",
            self.d.ctl_ok(&["sessions"]),
            self.d.logs()
        );
    }

    /// The state `sessions` reports for `name`.
    pub fn session_state(&self, name: &str) -> Option<String> {
        let v = self.d.ctl_json(&["sessions"]);
        v["sessions"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == name)
            .and_then(|s| s["state"].as_str().map(str::to_owned))
    }

    /// Waits until prompt `id` has `status` (see [`TestDaemon::wait_status`]).
    pub fn wait_status(&self, id: i64, status: PromptStatus) {
        self.d.wait_status(id, status);
    }

    /// Like [`Self::wait_status`] with an explicit bound.
    pub fn wait_status_within(&self, id: i64, status: PromptStatus, within: Duration) {
        self.d.wait_status_within(id, status, within);
    }

    /// Kills the daemon (SIGKILL) once prompt `id` is pasted into `name`
    /// and before its Enter (the daemon's `settle_ms` must hold it there),
    /// then waits until the pane shows `shown`.
    pub fn kill9_after_paste(&mut self, id: i64, name: &str, shown: &str) {
        let pasted = wait_until(WAIT, || {
            self.d.history_events(id).contains(&"pasted".to_owned())
        });
        assert!(pasted, "{:?}", self.d.history_events(id));
        self.d.kill9();
        let pane = &self.panes[name];
        let seen = wait_until(WAIT, || self.tmux.capture(pane).contains(shown));
        assert!(
            seen,
            "{shown:?} not on screen:\n{}",
            self.tmux.capture(pane)
        );
    }

    /// A text field of prompt `id` as `show` reports it (`error`,
    /// `waiting_reason`); empty when unset.
    pub fn prompt_field(&self, id: i64, field: &str) -> String {
        self.d.ctl_json(&["show", &id.to_string()])["prompt"][field]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until prompt `id` waits for a reason containing `part`.
    pub fn wait_waiting_reason(&self, id: i64, part: &str) {
        let told = wait_until(WAIT, || {
            self.prompt_field(id, "waiting_reason").contains(part)
        });
        assert!(
            told,
            "prompt {id} never waited for {part:?}: {:?}\nlog:\n{}",
            self.prompt_field(id, "waiting_reason"),
            self.d.logs()
        );
    }

    /// Every text every agent received.
    pub fn all_received(&self) -> Vec<String> {
        self.logs.values().flat_map(AgentLog::submissions).collect()
    }

    /// Asserts that no agent saw input while busy or in a dialog.
    pub fn assert_no_violations(&self) {
        for (name, log) in &self.logs {
            assert!(
                log.violations().is_empty(),
                "{name} got input it should not have: {:?}",
                log.violations()
            );
        }
    }
}
