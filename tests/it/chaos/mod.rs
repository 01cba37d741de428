//! The randomized fault-injection suite (RELIABILITY.md): stand-in agents
//! of several kinds, a daemon, prompts, and faults at random points, then an
//! oracle for exactly-once delivery. Each seed gives one schedule; one test
//! runs the seeds in turn, printing each as it ends (past the harness's
//! capture; `--nocapture` adds a failing harness's panics as they happen),
//! and a failing seed is replayed with `ASSIGNER_CHAOS_SEED=S`. `config.rs`
//! reads the settings:
//!
//! ```text
//! cargo test --test it chaos::                                   # the fixed CI seeds
//! ASSIGNER_CHAOS_SEEDS=200 cargo test --test it chaos::          # seeds 1..=200
//! ASSIGNER_CHAOS_MINUTES=30 cargo test --test it chaos::         # as many seeds as fit
//! ASSIGNER_CHAOS_SEED=17 cargo test --test it chaos::            # replay one seed
//! ASSIGNER_CHAOS_FAULTS=kill9,stop-tmux cargo test --test it chaos::
//! ```

mod config;
mod faults;
mod kinds;
mod oracle;
mod plan;
mod points;
mod records;
mod rng;
mod run;
mod settle;
mod world;

use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use self::config::Settings;
use self::oracle::Findings;
use self::plan::Plan;

/// Prints a line past the test harness's capture: a run lasts minutes, and
/// its progress and findings are what it is run for, pass or fail.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Runs the seeds the environment asks for ([`Settings`]), each to its
/// end, then fails naming every seed that broke a promise, and how to
/// replay it.
#[test]
fn each_seed_keeps_exactly_once_delivery() {
    let s = Settings::from_env();
    say!("chaos: faults {}", config::names(&s.kinds));
    let started = Instant::now();
    let mut total = Findings::default();
    let (mut seeds, mut faults, mut failed) = (0, 0, Vec::new());
    for seed in s.seeds.clone() {
        if s.minutes
            .is_some_and(|m| started.elapsed() > Duration::from_secs(m * 60))
        {
            break;
        }
        let plan = plan::plan(seed, &s.kinds);
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut w = world::World::start(&plan);
            let out = run::run(&mut w, &plan);
            let _ = w.d.stop();
            (out.faults, oracle::check(&w, &plan, &out))
        }));
        seeds += 1;
        match result {
            Ok((n, f)) => {
                faults += n;
                if !report(&plan, n, &f) {
                    failed.push(seed);
                }
                total.add(f);
            }
            Err(_) => {
                say!("seed {seed}: the harness failed (see its panic)");
                failed.push(seed);
            }
        }
    }
    say!(
        "chaos: {seeds} seeds, {faults} faults, {} prompts: {} duplicated, {} fused, {} lost, {} into busy, {} completed unsent, {} failed unflagged, {} stalled, {} stray, {} two daemons, {} prepared twice, {} failed-may-have-it, {} lost-reported",
        total.prompts,
        total.duplicated,
        total.fused,
        total.lost,
        total.into_busy,
        total.completed_unsent,
        total.failed_unflagged,
        total.stalled,
        total.stray,
        total.two_daemons,
        total.prepared_twice,
        total.failed_may_have_it,
        total.lost_reported,
    );
    say!(
        "chaos: {} passed, {} failed",
        seeds - failed.len(),
        failed.len()
    );
    let list: Vec<String> = failed.iter().map(u64::to_string).collect();
    assert!(
        failed.is_empty(),
        "chaos: failing seeds {} (replay one: {} cargo test --test it chaos:: -- --nocapture)",
        list.join(" "),
        s.replay("S"),
    );
}

/// Prints what seed `plan` gave (`faults` injected, the oracle's
/// `findings`) and, when it broke a promise, its agents and faults;
/// returns whether it kept every promise.
fn report(plan: &Plan, faults: usize, findings: &Findings) -> bool {
    let bad = findings.violations();
    say!(
        "seed {} ({}): {} agents, {} prompts ({} prepared in a shell), {faults} faults: {}",
        plan.seed,
        if plan.control_mode {
            "control mode"
        } else {
            "a process per call"
        },
        plan.agents.len(),
        plan.prompts.len(),
        findings.prepared,
        if bad == 0 {
            "ok".to_owned()
        } else {
            format!("{bad} violations")
        }
    );
    for d in &findings.details {
        say!("  {d}");
    }
    if bad > 0 {
        for (i, agent) in plan.agents.iter().enumerate() {
            let what = if agent.shell {
                "bash".to_owned()
            } else {
                agent.flags.join(" ")
            };
            say!("  agent-{i}: {what}");
        }
        for step in &plan.steps {
            if let plan::Action::Fault(fault) = &step.action {
                say!("  fault at {} ms: {fault:?}", step.at_ms);
            }
        }
    }
    bad == 0
}
