//! The system under test for one seed: a private tmux server with stand-in
//! agents (each start of an agent is an incarnation with a log of its own),
//! and one `assignerd` serving it. Dropping it stops both.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::chaos::plan::Plan;
use crate::common::disk::SmallDisk;
use crate::common::tmux::{TmuxServer, stand_in_agent};
use crate::common::{TEST_CONFIG, TestDaemon};

/// How long one `assignerctl` call of the harness may take: a stopped
/// daemon must not stop the schedule.
const CTL_DEADLINE: Duration = Duration::from_secs(5);

/// One start of an agent.
pub struct Incarnation {
    pub log: PathBuf,
    /// A shell's log of the context preparations it ran, one token a line.
    pub prep: Option<PathBuf>,
    /// Its pane was killed (by the pane or server fault): whatever it was
    /// working on died with it, and may rightly be delivered again.
    pub killed: bool,
}

/// One agent of the fleet.
pub struct Agent {
    pub name: String,
    pub flags: Vec<String>,
    /// A plain bash pane (see [`SHELL_TOOLS`]).
    pub shell: bool,
    pub pane: Option<String>,
    pub lives: Vec<Incarnation>,
}

/// Everything one seed runs against.
pub struct World {
    /// The database's own small file system, for `fill-disk`; unmounted
    /// (lazily) before the daemon's directory is removed.
    pub disk: Option<SmallDisk>,
    /// Dropped before the tmux server, so the daemon stops first.
    pub d: TestDaemon,
    pub tmux: TmuxServer,
    pub agents: Vec<Agent>,
}

impl World {
    /// Starts the agents of `plan`, then the daemon.
    pub fn start(plan: &Plan) -> Self {
        let tmux = TmuxServer::new();
        let agents = plan
            .agents
            .iter()
            .enumerate()
            .map(|(i, v)| Agent {
                name: format!("agent-{i}"),
                flags: v.flags.clone(),
                shell: v.shell,
                pane: None,
                lives: Vec::new(),
            })
            .collect();
        let config = format!("tmux_control_mode = {}\n{TEST_CONFIG}", plan.control_mode);
        let d = TestDaemon::builder()
            .config(&config)
            .tmux(tmux.socket())
            .unstarted();
        let disk = if plan.fills_disk() {
            SmallDisk::mount(d.db.parent().unwrap(), "16m")
        } else {
            None
        };
        write_shell_tools(&tools_dir(&tmux));
        let mut w = Self {
            disk,
            d,
            tmux,
            agents,
        };
        for i in 0..w.agents.len() {
            w.start_agent(i);
        }
        w.d.spawn();
        w.d.wait_ready();
        w
    }

    /// Starts agent `i` again, with a fresh log.
    pub fn start_agent(&mut self, i: usize) {
        let a = &mut self.agents[i];
        let dir = self.tmux.dir();
        let log = dir.join(format!("{}-{}.jsonl", a.name, a.lives.len()));
        if a.shell {
            let prep = dir.join(format!("{}-{}.prep", a.name, a.lives.len()));
            let path = format!(
                "PATH={}:{}",
                tools_dir(&self.tmux).display(),
                std::env::var("PATH").unwrap_or_default()
            );
            let log_var = format!("CHAOS_LOG={}", log.display());
            let prep_var = format!("CHAOS_PREP={}", prep.display());
            let argv = [
                "env",
                &path,
                &log_var,
                &prep_var,
                "bash",
                "--norc",
                "--noprofile",
            ];
            a.pane = Some(self.tmux.new_session(&a.name, &argv));
            a.lives.push(Incarnation {
                log,
                prep: Some(prep),
                killed: false,
            });
            return;
        }
        let bin = stand_in_agent();
        let mut argv: Vec<&str> = vec![bin.to_str().unwrap(), "--name", &a.name, "--log"];
        argv.push(log.to_str().unwrap());
        argv.extend(a.flags.iter().map(String::as_str));
        a.pane = Some(self.tmux.new_session(&a.name, &argv));
        a.lives.push(Incarnation {
            log,
            prep: None,
            killed: false,
        });
    }

    /// Marks agent `i`'s current incarnation dead.
    pub fn agent_died(&mut self, i: usize) {
        let a = &mut self.agents[i];
        a.pane = None;
        if let Some(life) = a.lives.last_mut() {
            life.killed = true;
        }
    }

    /// The tmux server's pid, when it answers.
    pub fn tmux_pid(&self) -> Option<i32> {
        let out = self.tmux.run(&["display-message", "-p", "#{pid}"]);
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    }

    /// `assignerctl ARGS` with a deadline; `None` when it did not finish in
    /// time (the harness killed the client it started).
    pub fn ctl(&self, args: &[&str]) -> Option<Output> {
        ctl_on(&self.d.socket, args)
    }

    /// `assignerctl --json ARGS`, parsed, when it answered.
    pub fn ctl_json(&self, args: &[&str]) -> Option<serde_json::Value> {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ctl(&all)?;
        if !out.status.success() {
            return None;
        }
        serde_json::from_slice(&out.stdout).ok()
    }

    /// Another assignerd on the same database through a symlink, with a
    /// socket of its own: it must refuse to start, since two daemons would
    /// deliver the same prompts.
    pub fn second_daemon_refused(&self) -> bool {
        let d = &self.d;
        let alias = d.dir.path().join("alias.db");
        let _ = std::os::unix::fs::symlink(&d.db, &alias);
        let second = std::process::Command::new(env!("CARGO_BIN_EXE_assignerd"))
            .arg("--config")
            .arg(&d.config)
            .arg("--db")
            .arg(&alias)
            .arg("--socket")
            .arg(d.dir.path().join("second.sock"))
            .arg("--tmux-socket")
            .arg(&d.tmux_socket)
            .env_remove("NOTIFY_SOCKET")
            .env_remove("LISTEN_FDS")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start a second assignerd");
        let mut child = crate::common::ChildGuard(second);
        crate::common::wait_until(Duration::from_secs(5), || {
            matches!(child.0.try_wait(), Ok(Some(_)))
        })
    }
}

/// The shell pane's commands: `chaos-ran TOKEN MS` is a prompt's work (it
/// logs the token as a submission once it is done, so a command cut off
/// by a killed pane leaves no line), `chaos-prep TOKEN` a context
/// preparation's prerequisite (it logs the token as it starts).
const SHELL_TOOLS: [(&str, &str); 2] = [
    (
        "chaos-ran",
        "#!/bin/sh\nsleep \"$(( $2 / 1000 )).$(printf %03d $(( $2 % 1000 )))\"\nprintf '{\"text\":\"%s\"}\\n' \"$1\" >> \"$CHAOS_LOG\"\n",
    ),
    (
        "chaos-prep",
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$CHAOS_PREP\"\nsleep 0.3\n",
    ),
];

fn tools_dir(tmux: &TmuxServer) -> PathBuf {
    tmux.dir().join("bin")
}

fn write_shell_tools(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(dir).expect("create the shell tools' directory");
    for (name, script) in SHELL_TOOLS {
        let path = dir.join(name);
        std::fs::write(&path, script).expect("write a shell tool");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make a shell tool executable");
    }
}

/// `assignerctl --socket SOCKET ARGS` with a deadline; `None` when it did
/// not finish in time (the client is killed then). Free of the world, so a
/// send can run on a thread of its own while faults go on.
pub fn ctl_on(socket: &Path, args: &[&str]) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_assignerctl"))
        .arg("--socket")
        .arg(socket)
        .args(args)
        .env_remove("ASSIGNER_SOCKET")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start assignerctl");
    let deadline = Instant::now() + CTL_DEADLINE;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return child.wait_with_output().ok();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}
