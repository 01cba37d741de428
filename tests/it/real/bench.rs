//! Benchmarks, not tests (BENCHMARKS.md, "Real agents"): how long after an
//! answer has ended each real agent's prompt is recorded completed. Run
//! by hand, one agent at a time:
//!
//! ```sh
//! cargo test --test it real::bench:: -- --ignored --nocapture --test-threads 1
//! ```
//!
//! Each prints one line per prompt and the median; nothing is asserted
//! about the figures.

use crate::real::agent::RealAgent;
use crate::real::launch::Agent;
use crate::real::{ANSWER, each_version};
use assigner::protocol::PromptStatus;

/// Prompts per agent.
const SAMPLES: usize = 5;

/// Milliseconds of the day of a history or mock timestamp
/// (`2026-11-29T17:16:22.816Z`); the runs never span midnight.
fn ms_of_day(at: &str) -> i64 {
    let time = at
        .split_once('T')
        .map_or(at, |(_, t)| t)
        .trim_end_matches('Z');
    let (hms, ms) = time.split_once('.').unwrap_or((time, "0"));
    let parts: Vec<i64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + ms.parse::<i64>().unwrap()
}

/// Sends [`SAMPLES`] slow four-line answers one after the other and prints
/// the delay from each answer's end to its `completed`.
fn delays(c: &RealAgent) {
    let mut all = Vec::new();
    for n in 0..SAMPLES {
        let text = format!("[[slow=2]] completion delay sample {n}");
        let id = c.d.send(&[&text]);
        c.wait_status(id, PromptStatus::Completed, ANSWER);
        let ended = c.mock.answer_end(&text).expect("the answer ended");
        let delay = ms_of_day(&c.event_at(id, "completed")) - ms_of_day(&ended);
        eprintln!(
            "{} {}: answer end -> completed {delay} ms",
            c.agent.name(),
            c.version
        );
        all.push(delay);
    }
    all.sort_unstable();
    let (name, version) = (c.agent.name(), &c.version);
    eprintln!(
        "{name} {version}: median {} ms, {all:?}",
        all[all.len() / 2]
    );
}

#[test]
#[ignore = "a benchmark, run by hand"]
fn claude_completion_delay() {
    each_version(Agent::Claude, &["2.1.332", "2.1.197"], &[], delays);
}

#[test]
#[ignore = "a benchmark, run by hand"]
fn codex_completion_delay() {
    each_version(Agent::Codex, &["0.171.0"], &[], delays);
}

#[test]
#[ignore = "a benchmark, run by hand"]
fn gemini_completion_delay() {
    each_version(Agent::Gemini, &["0.61.0"], &[], delays);
}

#[test]
#[ignore = "a benchmark, run by hand"]
fn aider_completion_delay() {
    each_version(Agent::Aider, &["0.86.2"], &[], delays);
}
