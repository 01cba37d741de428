//! Runs one seed's schedule against a [`World`]: sends, faults, and the
//! restores each fault schedules; then puts everything right and lets the
//! queue drain, answering approval dialogs as a person would.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::chaos::plan::{Action, Plan};
use crate::chaos::world::World;

/// Something a fault undoes later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Restore {
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
    /// Database pages overwritten while the daemon was down.
    pub corrupted: usize,
}

pub(crate) struct Runner<'a> {
    pub(crate) w: &'a mut World,
    plan: &'a Plan,
    start: Instant,
    pub(crate) restores: Vec<(Instant, Restore)>,
    pub(crate) out: Outcome,
    pub(crate) daemon_up: bool,
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
    r.out.stalled = !crate::chaos::settle::drain(r.w);
    if r.out.stalled {
        r.out.report = crate::chaos::settle::stall_report(r.w);
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

    pub(crate) fn later(&mut self, ms: u64, what: Restore) {
        self.restores
            .push((Instant::now() + Duration::from_millis(ms), what));
    }

    /// Undoes, at once, anything that would make the harness's own tmux
    /// calls hang or reach the wrong server.
    pub(crate) fn tmux_usable(&mut self) {
        let urgent: Vec<Restore> = self
            .restores
            .iter()
            .filter(|(_, r)| matches!(r, Restore::ContTmux(_) | Restore::SocketBack))
            .map(|(_, r)| *r)
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
        let p = &self.plan.prompts[i];
        let mut args = vec!["send".to_owned(), p.text.clone()];
        if p.shell {
            // The context a shell pane prepares before the command.
            let t = crate::chaos::plan::token(self.plan.seed, i);
            args.extend([
                "--provider".into(),
                "shell".into(),
                "--workdir".into(),
                "/tmp".into(),
                "--env".into(),
                format!("CHAOS_TOKEN={t}"),
                "--prereq".into(),
                format!("chaos-prep {t}"),
            ]);
        }
        let sending = std::thread::spawn(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            crate::chaos::world::ctl_on(&socket, &args)
        });
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

    pub(crate) fn restore(&mut self, what: Restore) {
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
                self.free_disk_now();
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
