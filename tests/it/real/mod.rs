//! The real agents driven end to end by the real `assignerd`, offline
//! against the mocks of their model APIs (tests/real/README.md): Claude
//! Code (`claude.rs`), Codex CLI (`codex.rs`), Gemini CLI (`gemini.rs`)
//! and aider (`aider.rs`), the same checks for each (`checks.rs`) where
//! they apply.
//! One agent at a time per test, nothing shared. Without the agents cache
//! (`tests/real/install.sh`) the suite says why once and every test
//! passes; `tests/run.sh` installs the cache first, and runs this area
//! apart from the others (`cargo test --test it real::`), once more on
//! failure, because the agents start slowly on a loaded machine.

mod agent;
mod aider;
mod bench;
mod checks;
mod claude;
mod codex;
mod gemini;
mod helpers;
mod launch;
mod mock;

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use self::agent::{RealAgent, START};
use self::launch::Agent;
use crate::common::wait_until;

/// Bound for an answer to be over and recorded; a passing run needs a few
/// seconds (the slow answer six).
pub const ANSWER: Duration = Duration::from_secs(60);

/// The installed binaries of `agent`'s `versions`, or `None` (after saying
/// why) when the first of them, the latest, is not installed, so the suite
/// skips instead of failing. The others are driven when they are installed.
fn installed(agent: Agent, versions: &[&str]) -> Option<Vec<(String, PathBuf)>> {
    // `None` for the whole area (no agents cache), else one agent.
    let skip = |whom: Option<Agent>, why: String| {
        // Straight to stderr, once each: the test harness hides
        // `eprintln!` of a passing test, and a skip must be seen.
        static SAID: std::sync::Mutex<Vec<Option<Agent>>> = std::sync::Mutex::new(Vec::new());
        let mut said = SAID
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !said.contains(&whom) {
            said.push(whom);
            let what = whom.map_or("real agent".to_owned(), |a| format!("real {}", a.name()));
            let _ = writeln!(std::io::stderr(), "skipping the {what} tests: {why}");
        }
        None
    };
    let installed = match launch::installed() {
        Ok(i) => i,
        Err(e) => return skip(None, e),
    };
    let latest = format!("{}-{}", agent.name(), versions[0]);
    if !installed.contains_key(&latest) {
        return skip(
            Some(agent),
            format!("{latest} is not in the agents cache (run tests/real/install.sh)"),
        );
    }
    Some(
        versions
            .iter()
            .filter_map(|v| {
                let bin = installed.get(&format!("{}-{v}", agent.name()))?;
                Some(((*v).to_owned(), bin.clone()))
            })
            .collect(),
    )
}

/// Runs `body` against each installed version of `agent` among `versions`
/// (the latest first), one after the other, each a fresh agent read idle
/// by the daemon.
pub fn each_version(
    agent: Agent,
    versions: &[&str],
    extra_env: &[(&str, &str)],
    body: impl Fn(&RealAgent),
) {
    each_version_set_up(agent, versions, extra_env, &|_, _| {}, body);
}

/// [`each_version`] with `setup` run before each agent starts
/// ([`RealAgent::start`]).
pub fn each_version_set_up(
    agent: Agent,
    versions: &[&str],
    extra_env: &[(&str, &str)],
    setup: &dyn Fn(&std::path::Path, &crate::common::TestDaemon),
    body: impl Fn(&RealAgent),
) {
    let Some(versions) = installed(agent, versions) else {
        return;
    };
    for (version, bin) in versions {
        let a = RealAgent::start(agent, &version, &bin, extra_env, setup);
        a.wait_state("idle", START);
        body(&a);
    }
}

/// Every state the daemon reads until `done` holds for the state just read
/// (or `within` passes). `done` gets that read rather than reading again,
/// so the last state listed is the one it accepted.
pub fn states_until(
    a: &RealAgent,
    within: Duration,
    mut done: impl FnMut(&str) -> bool,
) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    wait_until(within, || {
        let s = a.state();
        let over = done(&s);
        if seen.last() != Some(&s) {
            seen.push(s);
        }
        over
    });
    seen
}
