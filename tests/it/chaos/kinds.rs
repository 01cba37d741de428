//! What the suite can do to the system: the fault kinds (`ASSIGNER_CHAOS_FAULTS`) and
//! one fault with its parameters, as a schedule holds it.

/// The faults the suite can inject (RELIABILITY.md lists what each means).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// kill -9 of assignerd at a random moment, or when a prompt reaches a
    /// delivery point ([`KILL_POINTS`]), or again during the recovery that
    /// follows.
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
    /// assignerd stopped (kill -9 or SIGTERM), one b-tree page of its
    /// database overwritten with garbage, assignerd started again.
    CorruptPage,
}

/// Where a `kill9` may strike, besides a random moment: while a shell
/// pane's context preparation runs, while the prompt is being pasted,
/// between paste and Enter (settle), between Enter and the proof of
/// submission (verify), and while the agent works.
pub const KILL_POINTS: [&str; 5] = ["preparing", "claimed", "pasted", "verify", "submitted"];

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 11] = [
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
        Kind::CorruptPage,
    ];

    /// The name used in the summary and in `ASSIGNER_CHAOS_FAULTS`.
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
            Kind::CorruptPage => "corrupt-page",
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
    /// `pick` chooses the page among the b-tree pages found; `term`: stop
    /// the daemon with SIGTERM instead of kill -9.
    CorruptPage {
        pick: u64,
        term: bool,
        down_ms: u64,
    },
}
