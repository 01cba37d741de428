//! A private tmux server per test (`tmux -S <tempdir>/sock`, no config
//! file), so tests never touch the user's server and clean up after
//! themselves, plus access to the stand-in agent and its log.
// `allow`, not `expect`: some test crates include this file on its own
// (`#[path]`) and use only part of it, others through `common` and all of it.
#![allow(
    dead_code,
    reason = "shared by test crates that each use only some of it"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Owns one tmux server; `Drop` kills that server and nothing else.
pub struct TmuxServer {
    dir: tempfile::TempDir,
    socket: PathBuf,
}

impl TmuxServer {
    /// A server that starts with the first session.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("sock");
        Self { dir, socket }
    }

    /// The `-S` socket path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// A scratch directory that lives as long as the server.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `tmux -f /dev/null -S sock args...`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-f")
            .arg("/dev/null")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux")
    }

    /// Like [`run`](Self::run) but panics on failure and returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim_end().to_string()
    }

    /// Starts a detached 120x40 session running `argv`; returns its pane id.
    pub fn new_session(&self, name: &str, argv: &[&str]) -> String {
        self.new_session_in(name, None, argv)
    }

    /// Like [`Self::new_session`], in working directory `dir`.
    pub fn new_session_in(&self, name: &str, dir: Option<&Path>, argv: &[&str]) -> String {
        let mut args = vec![
            "new-session",
            "-d",
            "-P",
            "-F",
            "#{pane_id}",
            "-x",
            "120",
            "-y",
            "40",
            "-s",
            name,
        ];
        let dir = dir.map(|d| d.to_str().expect("utf-8 path"));
        if let Some(d) = dir {
            args.extend_from_slice(&["-c", d]);
        }
        args.extend_from_slice(argv);
        self.ok(&args)
    }

    /// Kills the server and waits until it has gone: `kill-server` returns
    /// before the old server stops listening, and a `new-session` in that
    /// window fails with "server exited unexpectedly".
    pub fn kill_server(&self) {
        self.ok(&["kill-server"]);
        let gone = super::wait::wait_until(super::wait::WAIT, || {
            std::os::unix::net::UnixStream::connect(&self.socket).is_err()
        });
        assert!(
            gone,
            "tmux server on {} did not exit",
            self.socket.display()
        );
    }

    /// Kills one session (exact name).
    pub fn kill_session(&self, name: &str) {
        self.ok(&["kill-session", "-t", &format!("={name}")]);
    }

    /// The session a control-mode client (the daemon's) is attached to.
    pub fn control_session(&self) -> Option<String> {
        self.ok(&[
            "list-clients",
            "-F",
            "#{client_control_mode} #{session_name}",
        ])
        .lines()
        .find_map(|l| l.strip_prefix("1 ").map(str::to_owned))
    }

    /// The pane's visible text.
    pub fn capture(&self, pane: &str) -> String {
        self.ok(&["capture-pane", "-p", "-t", pane])
    }

    /// Process id of the pane's program.
    pub fn pane_pid(&self, pane: &str) -> i32 {
        self.ok(&["display-message", "-p", "-t", pane, "#{pane_pid}"])
            .parse()
            .expect("pid")
    }

    /// Starts the stand-in agent in session `name` with `extra` flags;
    /// returns the pane id and its log.
    pub fn start_agent(&self, name: &str, extra: &[&str]) -> (String, AgentLog) {
        self.start_agent_in(name, None, extra)
    }

    /// Like [`Self::start_agent`], in working directory `dir`.
    pub fn start_agent_in(
        &self,
        name: &str,
        dir: Option<&Path>,
        extra: &[&str],
    ) -> (String, AgentLog) {
        let log = AgentLog {
            path: self.dir().join(format!("{name}.jsonl")),
        };
        let bin = stand_in_agent();
        let mut argv = vec![bin.to_str().expect("utf-8 path"), "--name", name, "--log"];
        let log_path = log.path.to_str().expect("utf-8 path").to_string();
        argv.push(&log_path);
        argv.extend_from_slice(extra);
        let pane = self.new_session_in(name, dir, &argv);
        (pane, log)
    }
}

impl Drop for TmuxServer {
    fn drop(&mut self) {
        if self.socket.exists() {
            let _ = self.run(&["kill-server"]);
        }
        // A server whose socket a test moved or removed does not hear
        // `kill-server`, and outlives the test. Every tmux process named
        // with this socket (the test's own temp dir) was started by the
        // test or by its daemon: end those.
        for pid in tmux_on(&self.socket) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
    }
}

/// The tmux processes (servers and clients) whose arguments name `socket`
/// after `-S`.
fn tmux_on(socket: &Path) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let want = socket.as_os_str().as_encoded_bytes();
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
                return false;
            };
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            args.first().is_some_and(|a| a.ends_with(b"tmux"))
                && args.windows(2).any(|w| w[0] == b"-S" && w[1] == want)
        })
        .collect()
}

/// The stand-in agent built by `cargo test` (examples are built with the
/// tests): `target/<profile>/examples/stand-in-agent`.
pub fn stand_in_agent() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let bin = profile_dir.join("examples").join("stand-in-agent");
    assert!(
        bin.exists(),
        "{} missing: run `cargo build --examples`",
        bin.display()
    );
    bin
}

/// The stand-in's JSON-lines log.
pub struct AgentLog {
    pub path: PathBuf,
}

impl AgentLog {
    /// Every complete record so far: a line the agent is still writing (no
    /// newline yet) is left for the next read.
    pub fn entries(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        let complete = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
        complete
            .lines()
            .map(|l| serde_json::from_str(l).expect("log line is JSON"))
            .collect()
    }

    /// The texts submitted, in order.
    pub fn submissions(&self) -> Vec<String> {
        self.entries()
            .iter()
            .filter_map(|e| e.get("text")?.as_str().map(String::from))
            .collect()
    }

    /// Violation records (input while busy or in a dialog).
    pub fn violations(&self) -> Vec<serde_json::Value> {
        self.entries()
            .into_iter()
            .filter(|e| e.get("violation").is_some())
            .collect()
    }
}
