//! The faults of a schedule: each one done to the world at its time, with
//! what undoes it scheduled as a [`Restore`].

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::chaos::plan::Fault;
use crate::chaos::run::{Restore, Runner};

impl Runner<'_> {
    pub(crate) fn fault(&mut self, f: &Fault) {
        match *f {
            Fault::Kill9 {
                phase,
                down_ms,
                again,
            } => {
                if !self.daemon_up {
                    return;
                }
                if let Some(point) = phase {
                    crate::chaos::points::wait_for_point(self.w, point, Duration::from_secs(2));
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
                // Only a live server's socket: a stale one, moved back over
                // the socket of the server started meanwhile, would cut
                // that server off for good.
                let sock = self.w.tmux.socket();
                if self.w.tmux_pid().is_some()
                    && std::fs::rename(sock, sock.with_extension("away")).is_ok()
                {
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
            Fault::CorruptPage {
                pick,
                term,
                down_ms,
            } => {
                if !self.daemon_up {
                    return;
                }
                // SIGTERM waits for a clean exit, which a stopped daemon or
                // tmux server would hold up.
                let stopped = self
                    .restores
                    .iter()
                    .any(|(_, r)| matches!(r, Restore::ContDaemon | Restore::ContTmux(_)));
                if term && !stopped {
                    self.w.d.stop();
                    self.daemon_up = false;
                } else {
                    self.kill_daemon();
                }
                self.free_disk_now();
                if crate::common::pages::corrupt_btree_page(&self.w.d.db, pick).is_some() {
                    self.out.corrupted += 1;
                }
                self.later(down_ms, Restore::StartDaemon { again: false });
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

    /// Frees a filled disk at once. A daemon started on a full disk rightly
    /// refuses to run (exit 74): `fill-disk` tests a daemon that runs out
    /// of space, not one that cannot start.
    pub(crate) fn free_disk_now(&mut self) {
        if self.restores.iter().any(|(_, r)| *r == Restore::FreeDisk) {
            self.restores.retain(|(_, r)| *r != Restore::FreeDisk);
            self.restore(Restore::FreeDisk);
        }
    }

    pub(crate) fn filler(&self) -> std::path::PathBuf {
        self.w.d.db.with_file_name("filler")
    }

    pub(crate) fn kill_daemon(&mut self) {
        self.restores.retain(|(_, r)| *r != Restore::ContDaemon);
        self.w.d.kill9();
        self.daemon_up = false;
    }
}
