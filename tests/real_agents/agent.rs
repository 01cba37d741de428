//! One real Claude Code, offline, served by a real `assignerd`: the mock
//! model server (`tests/real/mock_anthropic.py`), a throwaway HOME written
//! by `tests/real/claude_env.py`, the agent in session `claude-1` (120x40)
//! of a private tmux server, and a daemon serving that server. Each process
//! is owned here and killed, by pid, when the value is dropped.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{ChildGuard, TEST_CONFIG, TestDaemon, TmuxServer, wait_until};
use crate::mock::MockLog;

/// How long Claude Code may take to draw its first input box on a loaded
/// two-core CI machine; a passing run needs a few seconds.
pub const START: Duration = Duration::from_secs(60);

/// The session the agent runs in; its name selects the `claude` profile.
pub const SESSION: &str = "claude-1";

/// The agents installed by `tests/real/install.sh`: `claude-2.1.332` ->
/// binary, read from `agents.env` in the cache.
pub fn installed() -> Result<BTreeMap<String, PathBuf>, String> {
    let cache = std::env::var_os("ASSIGNER_AGENTS_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/assigner/agents")))
        .ok_or("neither ASSIGNER_AGENTS_CACHE nor HOME is set")?;
    let env = cache.join("agents.env");
    let text = std::fs::read_to_string(&env)
        .map_err(|e| format!("{}: {e} (run tests/real/install.sh)", env.display()))?;
    Ok(text
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), PathBuf::from(v.trim())))
        .filter(|(_, v)| v.exists())
        .collect())
}

/// The repository's `tests/real` directory.
fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/real")
}

/// A running Claude Code with its mock and its daemon.
pub struct RealClaude {
    /// The Claude Code version, for failure messages.
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
    _mock_process: ChildGuard,
}

impl RealClaude {
    /// Starts Claude Code `version` from `binary` with `extra_env` on top of
    /// the offline environment, and a daemon with the test config.
    pub fn start(version: &str, binary: &Path, extra_env: &[(&str, &str)]) -> Self {
        let tmux = TmuxServer::new();
        let root = tmux.dir().to_owned();
        let (home, work) = (root.join("home"), root.join("work"));
        std::fs::create_dir_all(&work).unwrap();
        let mock = MockLog::new(&root);
        let (mock_process, port) = start_mock(&mock);
        // `env` sets the agent's environment and execs it, so the pane's
        // pid is the agent's.
        let mut argv = vec!["env".to_owned()];
        argv.extend(claude_env(&home, &work, port));
        argv.extend(extra_env.iter().map(|(k, v)| format!("{k}={v}")));
        argv.push(binary.to_str().expect("utf-8 path").to_owned());
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let pane = tmux.new_session_in(SESSION, Some(&work), &argv);
        let agent_pid = tmux.pane_pid(&pane);
        let d = TestDaemon::start_on_tmux(TEST_CONFIG, tmux.socket());
        Self {
            version: version.to_owned(),
            d,
            tmux,
            pane,
            work,
            mock,
            agent_pid,
            _mock_process: mock_process,
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
            .find(|s| s["name"] == SESSION)?
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
    pub fn wait_status(&self, id: i64, status: &str, within: Duration) {
        let ok = wait_until(within, || self.d.status_of(id) == status);
        assert!(
            ok,
            "prompt {id} never became {status}:\n{}\n{}",
            self.d.ctl_ok(&["show", &id.to_string()]),
            self.context()
        );
    }

    /// The screen and the daemon's log, for failure messages.
    pub fn context(&self) -> String {
        let explain = self.d.ctl(&["explain", &self.pane]);
        format!(
            "screen:\n{}\nexplain:\n{}{}\ndaemon log:\n{}",
            self.screen(),
            String::from_utf8_lossy(&explain.stdout),
            String::from_utf8_lossy(&explain.stderr),
            self.d.logs()
        )
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

impl Drop for RealClaude {
    /// The daemon first, so it does not react to the agent going away;
    /// then the tmux server, which hangs up on the agent; then the agent
    /// itself if it outlives the hang-up. The mock goes with its guard.
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
    }
}

/// Starts the mock on a free port; returns it and the port it printed.
fn start_mock(log: &MockLog) -> (ChildGuard, u16) {
    let mut child = ChildGuard(
        Command::new("python3")
            .arg(scripts().join("mock_anthropic.py"))
            .args(["--port", "0", "--log"])
            .arg(&log.requests)
            .arg("--ends")
            .arg(&log.ends)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 tests/real/mock_anthropic.py"),
    );
    let mut first = String::new();
    let stdout = child.0.stdout.take().expect("mock stdout");
    BufReader::new(stdout).read_line(&mut first).unwrap();
    let port = first
        .strip_prefix("PORT ")
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("the mock printed {first:?}, not `PORT n`"));
    (child, port)
}

/// Writes the agent's HOME and returns its environment as `NAME=VALUE`.
fn claude_env(home: &Path, work: &Path, port: u16) -> Vec<String> {
    let out = Command::new("python3")
        .arg(scripts().join("claude_env.py"))
        .arg("--home")
        .arg(home)
        .arg("--workdir")
        .arg(work)
        .args(["--port", &port.to_string(), "--print-env"])
        .output()
        .expect("run python3 tests/real/claude_env.py");
    assert!(
        out.status.success(),
        "claude_env.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}
