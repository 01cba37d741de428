//! One real agent, offline, served by a real `assignerd`: the mock model
//! server of its API family, a throwaway HOME (`launch.rs`), the agent in
//! session `<agent>-1` (120x40) of a private tmux server, and a daemon
//! serving that server. Each process is owned here and killed, by pid, when
//! the value is dropped, the helpers the agent leaves behind included.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assigner::protocol::PromptStatus;

use crate::common::{ChildGuard, TestDaemon, TmuxServer, wait_until};
use crate::real::launch::{self, Agent};
use crate::real::mock::MockLog;

/// How long an agent may take to draw its first input box on a loaded
/// two-core CI machine; a passing run needs a few seconds.
pub const START: Duration = Duration::from_secs(60);

/// The daemon's config: the delivery timings users get (the defaults in
/// man/assigner.toml.5), not the stand-in's tighter test ones: a real
/// agent on a loaded machine can take longer than 800 ms to show that it
/// took a prompt, and a test must not fail a delivery a user's daemon
/// would confirm. Only the scan is quicker, so that states show sooner.
const CONFIG: &str = "scan_interval_ms = 100\n";

/// A running agent with its mock and its daemon.
pub struct RealAgent {
    /// Which agent.
    pub agent: Agent,
    /// Its version, for failure messages.
    pub version: String,
    /// The daemon serving the agent's tmux server.
    pub d: TestDaemon,
    /// The agent's tmux server; its directory holds HOME, the work
    /// directory and the mock's logs.
    pub tmux: TmuxServer,
    /// The agent's pane id.
    pub pane: String,
    /// The agent's working directory.
    pub work: PathBuf,
    /// What the mock received and when its answers ended.
    pub mock: MockLog,
    agent_pid: i32,
    mock_process: ChildGuard,
}

impl RealAgent {
    /// Starts `agent` `version` from `binary` with `extra_env` on top of
    /// the offline environment, and a daemon with [`CONFIG`]. `setup` runs
    /// once the agent's HOME is written and the daemon's socket named, but
    /// before either starts (to install hooks, say).
    pub fn start(
        agent: Agent,
        version: &str,
        binary: &Path,
        extra_env: &[(&str, &str)],
        setup: &dyn Fn(&Path, &TestDaemon),
    ) -> Self {
        let tmux = TmuxServer::new();
        let root = tmux.dir().to_owned();
        let work = root.join("work");
        let mock = MockLog::new(&root);
        let (mock_process, port) = launch::start_mock(agent, &mock);
        let argv = agent.command(binary, &root, port, extra_env);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let mut d = TestDaemon::builder()
            .config(CONFIG)
            .tmux(tmux.socket())
            .unstarted();
        setup(&root.join("home"), &d);
        let pane = tmux.new_session_in(&agent.session(), Some(&work), &argv);
        let agent_pid = tmux.pane_pid(&pane);
        d.spawn();
        d.wait_ready();
        Self {
            agent,
            version: version.to_owned(),
            d,
            tmux,
            pane,
            work,
            mock,
            agent_pid,
            mock_process,
        }
    }

    /// The pane as `capture-pane -p` shows it.
    pub fn screen(&self) -> String {
        self.tmux.capture(&self.pane)
    }

    /// The daemon's view of the agent's pane: (provider, state).
    pub fn session(&self) -> Option<(String, String)> {
        let v = self.d.ctl_json(&["sessions"]);
        let s = v["sessions"]
            .as_array()?
            .iter()
            .find(|s| s["name"] == self.agent.session().as_str())?
            .clone();
        Some((
            s["provider"].as_str()?.to_owned(),
            s["state"].as_str()?.to_owned(),
        ))
    }

    /// The pane's state as the daemon reads it, or `none` before the
    /// daemon has seen the pane.
    pub fn state(&self) -> String {
        self.session().map_or_else(|| "none".to_owned(), |(_, s)| s)
    }

    /// Waits until the daemon reads the pane as `state`, failing with the
    /// screen and the daemon's log.
    pub fn wait_state(&self, state: &str, within: Duration) {
        let ok = wait_until(within, || self.state() == state);
        assert!(ok, "the pane never read {state}:\n{}", self.context());
    }

    /// Waits until prompt `id` has `status`.
    pub fn wait_status(&self, id: i64, status: PromptStatus, within: Duration) {
        let ok = wait_until(within, || self.d.status_of(id) == status);
        assert!(
            ok,
            "prompt {id} never became {status:?}:\n{}\n{}",
            self.d.ctl_ok(&["show", &id.to_string()]),
            self.context()
        );
    }

    /// The screen and the daemon's log, for failure messages.
    pub fn context(&self) -> String {
        let explain = self.d.ctl(&["explain", &self.pane]);
        format!(
            "{} {} screen:\n{}\nexplain:\n{}{}\ndaemon log:\n{}",
            self.agent.name(),
            self.version,
            self.screen(),
            String::from_utf8_lossy(&explain.stdout),
            String::from_utf8_lossy(&explain.stderr),
            self.d.logs()
        )
    }

    /// The response stored for prompt `id` (`assignerctl show ID`).
    pub fn response(&self, id: i64) -> String {
        let shown = self.d.ctl_json(&["show", &id.to_string()]);
        shown["prompt"]["response"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// When event `event` of prompt `id`'s history happened (the store's
    /// UTC timestamp with milliseconds, which orders as text).
    pub fn event_at(&self, id: i64, event: &str) -> String {
        let shown = self.d.ctl_json(&["show", &id.to_string()]);
        let history = shown["history"].as_array().expect("history");
        let entry = history.iter().find(|h| h["event"] == event);
        let entry = entry.unwrap_or_else(|| panic!("prompt {id} has no {event}: {shown}"));
        entry["at"].as_str().expect("at").to_owned()
    }
}

impl Drop for RealAgent {
    /// The daemon first, so it does not react to the agent going away;
    /// then the tmux server, which hangs up on the agent; then the agent
    /// itself if it outlives the hang-up, and the helpers it started
    /// (`helpers.rs`). The mock goes with its guard.
    fn drop(&mut self) {
        self.d.kill9();
        let _ = self.tmux.run(&["kill-server"]);
        let pid = nix::unistd::Pid::from_raw(self.agent_pid);
        let gone = wait_until(Duration::from_secs(5), || {
            nix::sys::signal::kill(pid, None).is_err()
        });
        if !gone {
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        }
        let home = self.tmux.dir().join("home");
        crate::real::helpers::reap(&home, self.mock_process.0.id());
        crate::real::helpers::remove_stray_sockets(&home);
    }
}
