//! The stand-in's command line (the flags in `stand_in.rs`'s doc): each
//! flag turns on one awkward behaviour of a real agent, so that a test asks
//! for the agent it needs.

use std::time::Duration;

use crate::screen::Style;
use crate::{Agent, Mode};

impl Agent {
    /// The agent `args` ask for; a missing `--log` or an unknown style
    /// exits with the usage status, before the terminal is touched.
    pub(super) fn from_args(args: &[String]) -> Self {
        let flag = |name: &str| {
            args.iter()
                .position(|a| a == name)
                .and_then(|i| args.get(i + 1))
                .cloned()
        };
        let Some(log) = flag("--log") else {
            eprintln!(
                "usage: stand-in-agent --log FILE [--busy-ms MS] [--style claude|codex] [--name NAME] [--collapse-pastes] [--no-limits] [--file-picker] [--ignore-enters N] [--ignore-clear] [--ignore-escape] [--echo-below] [--limit-every N] [--slow-redraw MS] [--no-bracketed-paste] [--limited-for SECS]"
            );
            std::process::exit(64);
        };
        let style = match flag("--style").as_deref() {
            None | Some("claude") => Style::Claude,
            Some("codex") => Style::Codex,
            Some(other) => {
                eprintln!("unknown style {other}");
                std::process::exit(64);
            }
        };
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("open log");
        let mut agent = Self {
            style,
            name: flag("--name").unwrap_or_else(|| "agent".into()),
            busy_ms: flag("--busy-ms")
                .and_then(|v| v.parse().ok())
                .unwrap_or(300),
            collapse: args.iter().any(|a| a == "--collapse-pastes"),
            limits: !args.iter().any(|a| a == "--no-limits"),
            limit_every: flag("--limit-every")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            picker: args.iter().any(|a| a == "--file-picker"),
            deaf_enters: flag("--ignore-enters")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            keep_on_clear: args.iter().any(|a| a == "--ignore-clear"),
            deaf_escape: args.iter().any(|a| a == "--ignore-escape"),
            echo_below: args.iter().any(|a| a == "--echo-below"),
            api_error: None,
            resets: None,
            redraw_lag: Duration::from_millis(
                flag("--slow-redraw")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            ),
            log,
            seq: 0,
            transcript: Vec::new(),
            composer: Vec::new(),
            mode: Mode::Idle,
            then: None,
            exit: false,
        };
        if let Some(secs) = flag("--limited-for").and_then(|v| v.parse::<u64>().ok()) {
            agent.limit_lasting(secs);
        }
        agent
    }
}
