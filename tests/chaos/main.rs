//! The randomized fault-injection suite (RELIABILITY.md): stand-in agents
//! of several kinds, a daemon, prompts, and faults at random points, then an
//! oracle for exactly-once delivery. Each seed gives one schedule; a failing
//! seed is replayed with `--seed S`.
//!
//! ```text
//! cargo test --test chaos                       # the fixed CI seeds
//! cargo test --test chaos -- --seeds 200        # seeds 1..=200
//! cargo test --test chaos -- --minutes 30       # as many seeds as fit
//! cargo test --test chaos -- --seed 17          # replay one seed
//! cargo test --test chaos -- --faults kill9,stop-tmux
//! ```
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

#[path = "../common/mod.rs"]
mod common;
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

use oracle::Findings;
use plan::Kind;

/// Seeds CI runs: enough to meet every fault kind several times in about
/// five minutes on two cores.
const CI_SEEDS: u64 = 16;

/// Fault kinds injected unless `--faults` says otherwise.
const DEFAULT_KINDS: [Kind; 11] = Kind::ALL;

struct Args {
    /// First and last seed (the last is open-ended with `--minutes`).
    seeds: std::ops::RangeInclusive<u64>,
    minutes: Option<u64>,
    kinds: Vec<Kind>,
    skip: bool,
}

fn args() -> Args {
    let mut a = Args {
        seeds: 1..=CI_SEEDS,
        minutes: None,
        kinds: DEFAULT_KINDS.to_vec(),
        skip: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().and_then(|v| v.parse::<u64>().ok());
        match arg.as_str() {
            "--seeds" => a.seeds = 1..=value().expect("--seeds N"),
            "--seed" => {
                let s = value().expect("--seed S");
                a.seeds = s..=s;
            }
            "--minutes" => {
                a.minutes = Some(value().expect("--minutes M"));
                a.seeds = 1..=u64::MAX;
            }
            "--faults" => {
                let list = it.next().expect("--faults a,b");
                a.kinds = list
                    .split(',')
                    .filter(|n| *n != "none")
                    .map(|n| {
                        *Kind::ALL
                            .iter()
                            .find(|k| k.name() == n)
                            .unwrap_or_else(|| panic!("unknown fault {n}"))
                    })
                    .collect();
            }
            // A name filter from `cargo test NAME` that is not this suite.
            other if !other.starts_with('-') && !"chaos".contains(other) => a.skip = true,
            _ => {}
        }
    }
    a
}

fn main() {
    let a = args();
    if a.skip {
        println!("chaos: skipped (filtered out)");
        return;
    }
    let names: Vec<&str> = a.kinds.iter().map(|k| k.name()).collect();
    println!("chaos: faults {}", names.join(","));
    let started = Instant::now();
    let mut total = Findings::default();
    let (mut seeds, mut faults, mut failed) = (0, 0, Vec::new());
    for seed in a.seeds.clone() {
        if a.minutes
            .is_some_and(|m| started.elapsed() > Duration::from_secs(m * 60))
        {
            break;
        }
        let plan = plan::plan(seed, &a.kinds);
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
                let bad = f.violations();
                println!(
                    "seed {seed} ({}): {} agents, {} prompts ({} prepared in a shell), {n} faults: {}",
                    if plan.control_mode {
                        "control mode"
                    } else {
                        "a process per call"
                    },
                    plan.agents.len(),
                    plan.prompts.len(),
                    f.prepared,
                    if bad == 0 {
                        "ok".to_owned()
                    } else {
                        format!("{bad} violations")
                    }
                );
                for d in &f.details {
                    println!("  {d}");
                }
                if bad > 0 {
                    for (i, agent) in plan.agents.iter().enumerate() {
                        let what = if agent.shell {
                            "bash".to_owned()
                        } else {
                            agent.flags.join(" ")
                        };
                        println!("  agent-{i}: {what}");
                    }
                    for step in &plan.steps {
                        if let plan::Action::Fault(fault) = &step.action {
                            println!("  fault at {} ms: {fault:?}", step.at_ms);
                        }
                    }
                }
                if bad > 0 {
                    failed.push(seed);
                }
                total.add(f);
            }
            Err(_) => {
                println!("seed {seed}: the harness failed (see the panic above)");
                failed.push(seed);
            }
        }
    }
    println!(
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
    if !failed.is_empty() {
        let list: Vec<String> = failed.iter().map(u64::to_string).collect();
        println!(
            "chaos: failing seeds {} (replay: cargo test --test chaos -- --seed S)",
            list.join(" ")
        );
    }
    println!(
        "chaos: {} passed, {} failed",
        seeds - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        std::process::exit(1);
    }
}
