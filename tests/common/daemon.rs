//! `TestDaemon`: owns a temp dir, a daemon process and everything it
//! creates; dropping it kills the daemon (only the one it started). How it
//! is set up, started, signalled and stopped; what a test asks of it is in
//! `requests.rs`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};

use super::raw::answers;
use super::wait::{WAIT, wait_until};

/// Config used unless a test brings its own: fast scans and deliveries so
/// tests finish quickly, nothing else changed.
pub const TEST_CONFIG: &str = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 60\nverify_ms = 800\ncompletion_debounce_ms = 300\n";

/// A daemon under test.
pub struct TestDaemon {
    /// Holds the socket, database, config and log.
    pub dir: tempfile::TempDir,
    /// Control socket.
    pub socket: PathBuf,
    /// Database file.
    pub db: PathBuf,
    /// tmux server socket the daemon serves.
    pub tmux_socket: PathBuf,
    /// Config file.
    pub config: PathBuf,
    child: Option<Child>,
    spawns: usize,
    extra_env: Vec<(String, String)>,
    /// More command-line arguments, appended after the paths.
    pub extra_args: Vec<String>,
}

/// How a [`TestDaemon`] is set up: [`TEST_CONFIG`], a tmux server socket
/// of its own in the temp dir, and no extra environment, unless told.
#[must_use]
pub struct Builder<'a> {
    config: &'a str,
    env: Vec<(String, String)>,
    tmux: Option<PathBuf>,
}

impl<'a> Builder<'a> {
    /// This config text instead of [`TEST_CONFIG`].
    pub fn config(mut self, config: &'a str) -> Self {
        self.config = config;
        self
    }

    /// Extra environment, which wins over the defaults (`RUST_LOG`
    /// included).
    pub fn envs(mut self, env: &[(&str, &str)]) -> Self {
        self.env
            .extend(env.iter().map(|(k, v)| ((*k).into(), (*v).into())));
        self
    }

    /// Serve the tmux server at `socket` (one the test owns).
    pub fn tmux(mut self, socket: &Path) -> Self {
        self.tmux = Some(socket.to_owned());
        self
    }

    /// The directory and config, without the daemon, so a test can write
    /// the database first; then [`TestDaemon::spawn`] and
    /// [`TestDaemon::wait_ready`].
    pub fn unstarted(self) -> TestDaemon {
        let dir = tempfile::Builder::new()
            .prefix("assigner-test")
            .tempdir()
            .unwrap();
        let d = TestDaemon {
            socket: dir.path().join("control.sock"),
            db: dir.path().join("state/assigner.db"),
            tmux_socket: self.tmux.unwrap_or_else(|| dir.path().join("tmux.sock")),
            config: dir.path().join("assigner.toml"),
            dir,
            child: None,
            spawns: 0,
            extra_env: self.env,
            extra_args: Vec::new(),
        };
        std::fs::write(&d.config, forced_path(self.config)).unwrap();
        std::fs::create_dir_all(d.db.parent().unwrap()).unwrap();
        d
    }

    /// Started, and ready for requests.
    pub fn start(self) -> TestDaemon {
        let mut d = self.unstarted();
        d.spawn();
        d.wait_ready();
        d
    }
}

impl TestDaemon {
    /// A daemon to set up: see [`Builder`].
    pub fn builder<'a>() -> Builder<'a> {
        Builder {
            config: TEST_CONFIG,
            env: Vec::new(),
            tmux: None,
        }
    }

    /// Starts a daemon with [`TEST_CONFIG`]: `builder().start()`.
    pub fn start() -> Self {
        Self::builder().start()
    }

    /// Adds an environment variable for the next [`spawn`](Self::spawn).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.into(), value.into()));
    }

    /// The daemon command line, for tests that start it differently.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_assignerd"));
        cmd.arg("--config")
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .arg("--socket")
            .arg(&self.socket)
            .arg("--tmux-socket")
            .arg(&self.tmux_socket)
            .args(&self.extra_args)
            .env_remove("NOTIFY_SOCKET")
            .env_remove("LISTEN_FDS")
            .env_remove("JOURNAL_STREAM")
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(self.log_path()).unwrap());
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// One log file per start, so a failing test shows the whole story.
    fn log_path(&self) -> PathBuf {
        self.dir
            .path()
            .join(format!("daemon-{:03}.log", self.spawns))
    }

    /// Starts (or restarts) the daemon process.
    pub fn spawn(&mut self) {
        assert!(self.child.is_none(), "daemon already running");
        self.spawns += 1;
        self.child = Some(self.command().spawn().expect("start assignerd"));
    }

    /// Waits until the daemon answers a handshake on the control socket. A
    /// bare connect is not enough: after a kill -9, a child the old daemon
    /// had just forked can hold its listening socket for a moment.
    pub fn wait_ready(&mut self) {
        let socket = self.socket.clone();
        let ok = wait_until(WAIT, || {
            if let Some(c) = self.child.as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                panic!(
                    "assignerd exited early with {status}; log:\n{}",
                    self.logs()
                );
            }
            answers(&socket)
        });
        assert!(ok, "assignerd did not start; log:\n{}", self.logs());
    }

    /// Everything the daemon logged so far.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("daemon-"))
            })
            .collect();
        files.sort();
        for f in files {
            out.push_str(&std::fs::read_to_string(f).unwrap_or_default());
        }
        out
    }

    /// The daemon's pid.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Sends a signal to the daemon.
    pub fn signal(&self, sig: nix::sys::signal::Signal) {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(i32::try_from(self.pid()).unwrap()),
            sig,
        )
        .unwrap();
    }

    /// SIGTERM and wait; returns the exit status.
    pub fn stop(&mut self) -> ExitStatus {
        self.signal(nix::sys::signal::Signal::SIGTERM);
        self.wait_exit()
    }

    /// SIGKILL and wait.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Waits for the process to exit on its own.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let mut status = None;
        let exited = wait_until(WAIT, || {
            status = child.try_wait().unwrap();
            status.is_some()
        });
        if !exited {
            let _ = child.kill();
            panic!("assignerd did not exit; log:\n{}", self.logs());
        }
        status.unwrap()
    }
}

impl Drop for TestDaemon {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Runs `assignerd` to its exit (for start-up failures): the exit code and
/// what it printed on stderr.
pub fn daemon_exit(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_assignerd"))
        .args(args)
        .envs(env.iter().copied())
        .env_remove("NOTIFY_SOCKET")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `config` as the suite runs it: with `ASSIGNER_TEST_TMUX_PATH=process`
/// every daemon talks to tmux with a process per call (the fallback of
/// control mode), so the whole suite can be run on both paths. A config
/// that sets the key itself keeps its own.
pub fn forced_path(config: &str) -> String {
    let process = std::env::var("ASSIGNER_TEST_TMUX_PATH").is_ok_and(|p| p == "process");
    if process && !config.contains("tmux_control_mode") {
        format!("tmux_control_mode = false\n{config}")
    } else {
        config.to_owned()
    }
}
