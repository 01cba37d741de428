//! One seed's schedule: the agents (a stand-in variant each), the prompts,
//! and the faults, each at a time from the start. Everything here comes from
//! the seed alone, so a seed replays the same schedule.

use crate::rng::Rng;

/// The faults the suite can inject (RELIABILITY.md lists what each means).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// kill -9 of assignerd at a random moment, or when a prompt reaches a
    /// delivery phase, or again during the recovery that follows.
    Kill9,
    /// kill -9 of assignerd while `cleanup --apply` runs.
    Kill9Cleanup,
    /// SIGSTOP, then SIGCONT, of assignerd.
    StopDaemon,
    /// SIGSTOP, then SIGCONT, of the tmux server.
    StopTmux,
    /// One agent's pane killed, the agent started again later.
    KillPane,
    /// The tmux server killed and started again with the same sessions.
    RestartTmux,
    /// The tmux socket moved away and back.
    MoveSocket,
    /// An agent's pane put in copy mode, and out of it again.
    CopyMode,
    /// A second assignerd started on the same database through a symlink.
    SecondDaemon,
    /// The database's file system filled, then freed.
    FillDisk,
}

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 10] = [
        Kind::Kill9,
        Kind::Kill9Cleanup,
        Kind::StopDaemon,
        Kind::StopTmux,
        Kind::KillPane,
        Kind::RestartTmux,
        Kind::MoveSocket,
        Kind::CopyMode,
        Kind::SecondDaemon,
        Kind::FillDisk,
    ];

    /// The name used in the summary and in `--faults`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Kill9 => "kill9",
            Kind::Kill9Cleanup => "kill9-cleanup",
            Kind::StopDaemon => "stop-daemon",
            Kind::StopTmux => "stop-tmux",
            Kind::KillPane => "kill-pane",
            Kind::RestartTmux => "restart-tmux",
            Kind::MoveSocket => "move-socket",
            Kind::CopyMode => "copy-mode",
            Kind::SecondDaemon => "second-daemon",
            Kind::FillDisk => "fill-disk",
        }
    }
}

/// One injected fault with its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// `phase`: wait (briefly) for a prompt in that delivery phase first;
    /// `again`: kill once more as soon as the restarted daemon answers.
    Kill9 {
        phase: Option<&'static str>,
        down_ms: u64,
        again: bool,
    },
    Kill9Cleanup {
        after_ms: u64,
    },
    StopDaemon {
        ms: u64,
    },
    StopTmux {
        ms: u64,
    },
    KillPane {
        agent: usize,
        down_ms: u64,
    },
    RestartTmux {
        down_ms: u64,
    },
    MoveSocket {
        ms: u64,
    },
    CopyMode {
        agent: usize,
        ms: u64,
    },
    SecondDaemon,
    FillDisk {
        ms: u64,
    },
}

/// A stand-in agent's flags, chosen by the seed.
#[derive(Debug, Clone)]
pub struct Variant {
    pub flags: Vec<String>,
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
    pub agents: Vec<Variant>,
    pub prompts: Vec<String>,
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
    let agents = (0..rng.range(2, 5)).map(|_| variant(&mut rng)).collect();
    let n = rng.range(8, 17) as usize;
    let prompts = (0..n).map(|i| prompt(&mut rng, seed, i)).collect();
    let mut steps: Vec<Step> = (0..n)
        .map(|i| Step {
            at_ms: rng.range(0, 5000),
            action: Action::Send(i),
        })
        .collect();
    let mut p = Plan {
        seed,
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
    Variant { flags }
}

fn prompt(rng: &mut Rng, seed: u64, i: usize) -> String {
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
    text
}

fn fault(rng: &mut Rng, kind: Kind, agents: usize) -> Fault {
    let agent = rng.range(0, agents as u64) as usize;
    match kind {
        Kind::Kill9 => Fault::Kill9 {
            phase: *rng.pick(&[None, Some("claimed"), Some("pasted"), Some("submitted")]),
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
    }
}
