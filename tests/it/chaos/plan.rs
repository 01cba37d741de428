//! One seed's schedule: the agents (a stand-in variant each), the prompts,
//! and the faults, each at a time from the start. Everything here comes from
//! the seed alone, so a seed replays the same schedule.

pub use crate::chaos::kinds::{Fault, KILL_POINTS, Kind};
use crate::chaos::rng::Rng;

/// A stand-in agent's flags, chosen by the seed; or a plain shell.
#[derive(Debug, Clone)]
pub struct Variant {
    pub flags: Vec<String>,
    /// A bash pane, no agent: it takes the prompts sent to provider
    /// `shell`, each with a context preparation.
    pub shell: bool,
}

/// One prompt of the schedule.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub text: String,
    /// For the shell pane: sent with `--provider shell`, a working
    /// directory, an environment variable and a prerequisite.
    pub shell: bool,
}

/// What happens at a step.
#[derive(Debug, Clone)]
pub enum Action {
    Send(usize),
    Fault(Fault),
}

/// A step of the schedule.
#[derive(Debug, Clone)]
pub struct Step {
    pub at_ms: u64,
    pub action: Action,
}

impl Plan {
    /// Whether any step fills the disk: the database then lives on a small
    /// file system of its own.
    pub fn fills_disk(&self) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s.action, Action::Fault(Fault::FillDisk { .. })))
    }
}

/// One seed's whole schedule.
#[derive(Debug, Clone)]
pub struct Plan {
    pub seed: u64,
    /// Whether the daemon talks to tmux in control mode (even seeds) or
    /// with a process per call (odd seeds): both paths meet every fault.
    /// Taken from the seed's parity, so the schedules stay as they were.
    pub control_mode: bool,
    pub agents: Vec<Variant>,
    pub prompts: Vec<Prompt>,
    pub steps: Vec<Step>,
}

/// The token that names prompt `i` of `seed` inside its text, so every
/// submission says which prompts it carries.
pub fn token(seed: u64, i: usize) -> String {
    format!("⟦s{seed}p{i}⟧")
}

/// The schedule of `seed`, drawing faults from `kinds`.
pub fn plan(seed: u64, kinds: &[Kind]) -> Plan {
    let mut rng = Rng::new(seed);
    let mut agents: Vec<Variant> = (0..rng.range(2, 5)).map(|_| variant(&mut rng)).collect();
    let shell = rng.chance(50);
    if shell {
        agents.push(Variant {
            flags: Vec::new(),
            shell: true,
        });
    }
    let n = 8 + rng.below(9);
    let prompts = (0..n)
        .map(|i| {
            if shell && rng.chance(40) {
                shell_prompt(&mut rng, seed, i)
            } else {
                prompt(&mut rng, seed, i)
            }
        })
        .collect();
    let mut steps: Vec<Step> = (0..n)
        .map(|i| Step {
            at_ms: rng.range(0, 5000),
            action: Action::Send(i),
        })
        .collect();
    let mut p = Plan {
        seed,
        control_mode: seed % 2 == 0,
        agents,
        prompts,
        steps: Vec::new(),
    };
    if !kinds.is_empty() {
        for _ in 0..rng.range(2, 6) {
            let kind = *rng.pick(kinds);
            steps.push(Step {
                at_ms: rng.range(200, 6000),
                action: Action::Fault(fault(&mut rng, kind, p.agents.len())),
            });
        }
    }
    steps.sort_by_key(|s| s.at_ms);
    p.steps = steps;
    p
}

fn variant(rng: &mut Rng) -> Variant {
    let mut flags = vec!["--busy-ms".to_owned(), rng.range(100, 900).to_string()];
    if rng.chance(40) {
        flags.extend(["--style".into(), "codex".into()]);
    } else if rng.chance(25) {
        flags.push("--echo-below".into());
    }
    if rng.chance(15) {
        flags.extend(["--slow-redraw".into(), rng.range(50, 300).to_string()]);
    }
    if rng.chance(10) {
        flags.push("--ignore-escape".into());
    }
    if rng.chance(20) {
        flags.push("--collapse-pastes".into());
    }
    if rng.chance(10) {
        flags.extend(["--ignore-enters".into(), "1".into()]);
    }
    if rng.chance(25) {
        flags.extend(["--limit-every".into(), rng.range(3, 6).to_string()]);
    }
    if rng.chance(25) {
        flags.push("--no-bracketed-paste".into());
    }
    Variant {
        flags,
        shell: false,
    }
}

fn prompt(rng: &mut Rng, seed: u64, i: usize) -> Prompt {
    let body = *rng.pick(&[
        "fix the flaky test",
        "line one\nline two\n  indented three",
        "naïve café ✓ — \"quoted\" and 'single' $(not run) `nor this`;",
        "Do you want to proceed? esc to interrupt (quoted, not a dialog)",
    ]);
    let mut text = format!(
        "chaos {} {body} #busy={}",
        token(seed, i),
        rng.range(100, 1500)
    );
    if rng.chance(8) {
        text.push_str(" #dialog");
    }
    Prompt { text, shell: false }
}

/// A command for the shell pane: `chaos-ran` (world.rs) logs the token
/// after a while, as a stand-in logs a submission.
fn shell_prompt(rng: &mut Rng, seed: u64, i: usize) -> Prompt {
    Prompt {
        text: format!("chaos-ran {} {}", token(seed, i), rng.range(100, 900)),
        shell: true,
    }
}

fn fault(rng: &mut Rng, kind: Kind, agents: usize) -> Fault {
    let agent = rng.below(agents);
    match kind {
        Kind::Kill9 => Fault::Kill9 {
            phase: if rng.chance(25) {
                None
            } else {
                Some(*rng.pick(&KILL_POINTS))
            },
            down_ms: rng.range(0, 600),
            again: rng.chance(20),
        },
        Kind::Kill9Cleanup => Fault::Kill9Cleanup {
            after_ms: rng.range(0, 40),
        },
        Kind::StopDaemon => Fault::StopDaemon {
            ms: rng.range(100, 2500),
        },
        Kind::StopTmux => Fault::StopTmux {
            ms: rng.range(100, 2500),
        },
        Kind::KillPane => Fault::KillPane {
            agent,
            down_ms: rng.range(100, 1500),
        },
        Kind::RestartTmux => Fault::RestartTmux {
            down_ms: rng.range(100, 1500),
        },
        Kind::MoveSocket => Fault::MoveSocket {
            ms: rng.range(300, 4000),
        },
        Kind::CopyMode => Fault::CopyMode {
            agent,
            ms: rng.range(300, 3000),
        },
        Kind::SecondDaemon => Fault::SecondDaemon,
        Kind::FillDisk => Fault::FillDisk {
            ms: rng.range(300, 3000),
        },
        Kind::CorruptPage => Fault::CorruptPage {
            pick: rng.range(0, 1000),
            term: rng.chance(30),
            down_ms: rng.range(0, 600),
        },
    }
}
