//! Runs one seed's schedule against a [`World`]: sends, faults, and the
//! restores each fault schedules; then puts everything right and lets the
//! queue drain, answering approval dialogs as a person would.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::plan::{Action, Fault, Plan};
use crate::world::World;

/// Something a fault undoes later.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Restore {
    ContDaemon,
    ContTmux(i32),
    SocketBack,
    CopyModeOff(usize),
    StartAgent(usize),
    StartTmux,
    /// `again`: kill it once more as soon as it answers (during recovery).
    StartDaemon {
        again: bool,
    },
    FreeDisk,
}

/// What one seed did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Acknowledged sends: prompt id → prompt index.
    pub acked: BTreeMap<i64, usize>,
    pub faults: usize,
    /// The queue did not drain within [`DRAIN`].
    pub stalled: bool,
    /// What `prompts` and `sessions` showed when it did not.
    pub report: String,
    /// Promises broken during the run itself (a second daemon that ran).
    pub broken: Vec<String>,
}

struct Runner<'a> {
    w: &'a mut World,
    plan: &'a Plan,
    start: Instant,
    restores: Vec<(Instant, Restore)>,
    out: Outcome,
    daemon_up: bool,
    /// Sends still under way, by prompt index.
    sends: Vec<(usize, std::thread::JoinHandle<Option<std::process::Output>>)>,
}

/// Runs `plan` on `w`.
pub fn run(w: &mut World, plan: &Plan) -> Outcome {
    let mut r = Runner {
        w,
        plan,
        start: Instant::now(),
        restores: Vec::new(),
        out: Outcome::default(),
        daemon_up: true,
        sends: Vec::new(),
    };
    for step in &plan.steps {
        let due = r.start + Duration::from_millis(step.at_ms);
        r.until(due);
        match &step.action {
            Action::Send(i) => r.send(*i),
            Action::Fault(f) => {
                r.out.faults += 1;
                r.fault(f);
            }
        }
    }
    r.until(Instant::now() + Duration::from_millis(200));
    while let Some((_, what)) = r.restores.first().cloned() {
        r.restores.remove(0);
        r.restore(what);
    }
    r.collect_sends();
    r.out.stalled = !crate::settle::drain(r.w);
    if r.out.stalled {
        r.out.report = crate::settle::stall_report(r.w);
    }
    r.out
}

impl Runner<'_> {
    /// Carries out the restores due before `t`, then waits for `t`.
    fn until(&mut self, t: Instant) {
        loop {
            self.restores.sort_by_key(|(at, _)| *at);
            match self.restores.first() {
                Some((at, _)) if *at <= t => {
                    let (at, what) = self.restores.remove(0);
                    std::thread::sleep(at.saturating_duration_since(Instant::now()));
                    self.restore(what);
                }
                _ => break,
            }
        }
        std::thread::sleep(t.saturating_duration_since(Instant::now()));
    }

    fn later(&mut self, ms: u64, what: Restore) {
        self.restores
            .push((Instant::now() + Duration::from_millis(ms), what));
    }

    /// Undoes, at once, anything that would make the harness's own tmux
    /// calls hang or reach the wrong server.
    fn tmux_usable(&mut self) {
        let urgent: Vec<Restore> = self
            .restores
            .iter()
            .filter(|(_, r)| matches!(r, Restore::ContTmux(_) | Restore::SocketBack))
            .map(|(_, r)| r.clone())
            .collect();
        self.restores.retain(|(_, r)| !urgent.contains(r));
        for r in urgent {
            self.restore(r);
        }
    }

    /// Sends prompt `i` on a thread of its own, as a client would: a send
    /// to a stopped daemon waits out its deadline without holding up the
    /// schedule (the restore that wakes the daemon among it).
    fn send(&mut self, i: usize) {
        let socket = self.w.d.socket.clone();
        let text = self.plan.prompts[i].clone();
        let sending = std::thread::spawn(move || crate::world::ctl_on(&socket, &["send", &text]));
        self.sends.push((i, sending));
    }

    /// Waits for every send; the acknowledged ones count as promised.
    fn collect_sends(&mut self) {
        for (i, sending) in self.sends.drain(..) {
            let Ok(Some(out)) = sending.join() else {
                continue;
            };
            if out.status.success()
                && let Ok(id) = String::from_utf8_lossy(&out.stdout).trim().parse()
            {
                self.out.acked.insert(id, i);
            }
        }
    }

    fn fault(&mut self, f: &Fault) {
        match *f {
            Fault::Kill9 {
                phase,
                down_ms,
                again,
            } => {
                if !self.daemon_up {
                    return;
                }
                if let Some(phase) = phase {
                    crate::oracle::wait_for_phase(&self.w.d.db, phase, Duration::from_secs(2));
                }
                self.kill_daemon();
                self.later(down_ms, Restore::StartDaemon { again });
            }
            Fault::Kill9Cleanup { after_ms } => {
                if !self.daemon_up {
                    return;
                }
                let mut cleanup = std::process::Command::new(env!("CARGO_BIN_EXE_assignerctl"))
                    .arg("--socket")
                    .arg(&self.w.d.socket)
                    .args(["cleanup", "--apply", "--retry-failed"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("start cleanup");
                std::thread::sleep(Duration::from_millis(after_ms));
                self.kill_daemon();
                let _ = cleanup.wait();
                self.later(100, Restore::StartDaemon { again: false });
            }
            Fault::StopDaemon { ms } => {
                if self.daemon_up && !self.restores.iter().any(|(_, r)| *r == Restore::ContDaemon) {
                    self.w.d.signal(Signal::SIGSTOP);
                    self.later(ms, Restore::ContDaemon);
                }
            }
            Fault::StopTmux { ms } => {
                self.tmux_usable();
                if let Some(pid) = self.w.tmux_pid() {
                    let _ = kill(Pid::from_raw(pid), Signal::SIGSTOP);
                    self.later(ms, Restore::ContTmux(pid));
                }
            }
            Fault::KillPane { agent, down_ms } => {
                self.tmux_usable();
                if let Some(pane) = self.w.agents[agent].pane.clone() {
                    self.w.tmux.run(&["kill-pane", "-t", &pane]);
                    self.w.agent_died(agent);
                    self.later(down_ms, Restore::StartAgent(agent));
                }
            }
            Fault::RestartTmux { down_ms } => {
                self.tmux_usable();
                if self.w.tmux_pid().is_some() {
                    self.w.tmux.kill_server();
                    for i in 0..self.w.agents.len() {
                        if self.w.agents[i].pane.is_some() {
                            self.w.agent_died(i);
                        }
                    }
                    self.restores.retain(|(_, r)| {
                        !matches!(r, Restore::StartAgent(_) | Restore::CopyModeOff(_))
                    });
                    self.later(down_ms, Restore::StartTmux);
                }
            }
            Fault::MoveSocket { ms } => {
                self.tmux_usable();
                let sock = self.w.tmux.socket();
                if std::fs::rename(sock, sock.with_extension("away")).is_ok() {
                    self.later(ms, Restore::SocketBack);
                }
            }
            Fault::SecondDaemon => {
                // Only against a daemon that holds the database: with none
                // running, the second one is simply the daemon.
                if self.daemon_up && !self.w.second_daemon_refused() {
                    self.out
                        .broken
                        .push("a second daemon ran on the same database".into());
                }
            }
            Fault::FillDisk { ms } => {
                if self.w.disk.is_some()
                    && !self.restores.iter().any(|(_, r)| *r == Restore::FreeDisk)
                {
                    crate::common::disk::fill(&self.filler());
                    self.later(ms, Restore::FreeDisk);
                }
            }
            Fault::CopyMode { agent, ms } => {
                self.tmux_usable();
                if let Some(pane) = self.w.agents[agent].pane.clone() {
                    self.w.tmux.run(&["copy-mode", "-t", &pane]);
                    self.later(ms, Restore::CopyModeOff(agent));
                }
            }
        }
    }

    fn filler(&self) -> std::path::PathBuf {
        self.w.d.db.with_file_name("filler")
    }

    fn kill_daemon(&mut self) {
        self.restores.retain(|(_, r)| *r != Restore::ContDaemon);
        self.w.d.kill9();
        self.daemon_up = false;
    }

    fn restore(&mut self, what: Restore) {
        match what {
            Restore::ContDaemon => self.w.d.signal(Signal::SIGCONT),
            Restore::ContTmux(pid) => {
                let _ = kill(Pid::from_raw(pid), Signal::SIGCONT);
            }
            Restore::SocketBack => {
                let sock = self.w.tmux.socket();
                let _ = std::fs::rename(sock.with_extension("away"), sock);
            }
            Restore::CopyModeOff(agent) => {
                self.tmux_usable();
                if let Some(pane) = self.w.agents[agent].pane.clone() {
                    self.w.tmux.run(&["send-keys", "-t", &pane, "-X", "cancel"]);
                }
            }
            Restore::StartAgent(agent) => {
                self.tmux_usable();
                // The last pane killed ends the server (exit-empty): the
                // agent's new session then starts a new one.
                if self.w.agents[agent].pane.is_none() {
                    self.w.start_agent(agent);
                }
            }
            Restore::StartTmux => {
                for i in 0..self.w.agents.len() {
                    self.w.start_agent(i);
                }
            }
            Restore::FreeDisk => {
                let _ = std::fs::remove_file(self.filler());
            }
            Restore::StartDaemon { again } => {
                if self.daemon_up {
                    return;
                }
                self.w.d.spawn();
                self.w.d.wait_ready();
                self.daemon_up = true;
                if again {
                    self.kill_daemon();
                    self.later(50, Restore::StartDaemon { again: false });
                }
            }
        }
    }
}
