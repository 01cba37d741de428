//! Benchmarks of the engine against real tmux (not tests: nothing here
//! asserts a timing). Each section starts its own private tmux server
//! (`tmux -S <tempdir>/sock`) with stand-in agents and, where it needs one,
//! its own daemon; guards stop exactly those when the section ends.
//!
//! ```text
//! cargo build --release --examples          # the stand-in agent
//! cargo bench --bench engine                # latency, scan, idle
//! cargo bench --bench engine -- quick       # fewer samples, 15 s idle
//! cargo bench --bench engine -- scan idle   # only these sections
//! cargo bench --bench engine -- busy        # a fleet working on prompts
//! cargo bench --bench engine -- pending     # a queue of 10,000 no one can take
//! cargo bench --bench engine -- burst       # 300 prompts at once
//! cargo bench --bench engine -- requeue     # a killed session's prompt requeued
//! ```
//!
//! Sections: `latency` (enqueue to paste and to submission, 10/50/200
//! panes), `scan` (wall and CPU of one scan, in process, 10/50/200 panes),
//! `idle` (daemon and tmux server CPU over 60 s with 10, 50 and 200 idle stand-in
//! agents, peak RSS), `idle-quiet` (the same with panes that print
//! nothing; not in the default run), `busy` (the same with every agent
//! working on a prompt; not in the default run), `pending` (CPU, `status` and
//! `send` latency with 10,000 prompts no session can take now; not in the
//! default run), `burst` (300 prompts sent back to back: first delivery,
//! first wave confirmed, throughput, CPU per prompt; not in the default
//! run), `requeue` (a killed session's prompt back in the queue; not in the
//! default run).
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod burst;
mod busy;
#[path = "../../tests/common/mod.rs"]
mod common;
mod idle;
mod latency;
mod numbers;
mod pending;
mod requeue;
mod scan;

use numbers::*;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use assigner::tmux::Tmux;
use common::wait::wait_until;
use common::{AgentLog, RawClient, TestDaemon, TmuxServer};
use serde_json::json;

/// Pane counts measured by `latency` and `scan`.
const SIZES: [usize; 3] = [10, 50, 200];

/// Daemon config for every section: the built-in defaults
/// (`scan_interval_ms = 1000`, `settle_ms = 150`, `verify_ms = 1500`,
/// `completion_debounce_ms = 1000`).
const DEFAULT_CONFIG: &str = "";

/// The daemon logs at its default level, not the tests' `debug`.
const DAEMON_ENV: &[(&str, &str)] = &[("RUST_LOG", "info")];

/// Linux reports /proc CPU times in USER_HZ ticks, 100 per second.
const TICKS_PER_SEC: f64 = 100.0;

struct Opts {
    quick: bool,
    sections: Vec<String>,
}

fn main() {
    let mut quick = false;
    let mut sections = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            // cargo passes `--bench`; other flags are libtest's, ignored.
            a if a.starts_with('-') => {}
            "quick" => quick = true,
            "latency" | "scan" | "idle" | "idle-quiet" | "busy" | "pending" | "burst"
            | "requeue" => sections.push(arg),
            other => {
                eprintln!(
                    "unknown argument {other}; expected quick, latency, scan, idle, idle-quiet, busy, pending, burst, requeue"
                );
                std::process::exit(64);
            }
        }
    }
    if sections.is_empty() {
        sections = ["latency", "scan", "idle"].map(String::from).to_vec();
    }
    let opts = Opts { quick, sections };
    machine_notes();
    for section in &opts.sections {
        match section.as_str() {
            "latency" => latency::latency(&opts),
            "scan" => scan::scan(&opts),
            "idle" => idle::idle(&opts, false),
            "idle-quiet" => idle::idle(&opts, true),
            "busy" => busy::busy(&opts),
            "pending" => pending::pending(&opts),
            "burst" => burst::burst(&opts),
            "requeue" => requeue::requeue(&opts),
            _ => unreachable!(),
        }
    }
}

fn machine_notes() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let tmux = std::process::Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    println!(
        "# machine: {cores} cores, {cpu}; {tmux}; Linux {}",
        kernel.trim()
    );
}

// ---------------------------------------------------------------- agents

/// The stand-in agent next to this bench's profile
/// (`target/<profile>/examples/stand-in-agent`), else any profile's.
fn stand_in_agent() -> PathBuf {
    let exe = std::env::current_exe().expect("current_exe");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let mut candidates = vec![profile.join("examples/stand-in-agent")];
    if let Some(target) = profile.parent() {
        for p in ["release", "debug"] {
            candidates.push(target.join(p).join("examples/stand-in-agent"));
        }
    }
    candidates
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            eprintln!("stand-in-agent missing: run `cargo build --release --examples` first");
            std::process::exit(69);
        })
}

/// Starts `n` stand-in agents (`agent-000`, ...) busy for `busy_ms` per
/// prompt; returns their logs by session name.
fn start_agents(tmux: &TmuxServer, n: usize, busy_ms: u64) -> HashMap<String, AgentLog> {
    let bin = stand_in_agent();
    let bin = bin.to_str().expect("utf-8 path");
    let busy = busy_ms.to_string();
    let mut logs = HashMap::new();
    for i in 0..n {
        let name = format!("agent-{i:03}");
        let log = tmux.dir().join(format!("{name}.jsonl"));
        let log_s = log.to_str().expect("utf-8 path");
        tmux.new_session(
            &name,
            &[bin, "--name", &name, "--log", log_s, "--busy-ms", &busy],
        );
        logs.insert(name, AgentLog { path: log });
    }
    logs
}

/// Starts `n` panes that print nothing after start-up (`cat`).
fn start_quiet(tmux: &TmuxServer, n: usize) {
    for i in 0..n {
        tmux.new_session(&format!("quiet-{i:03}"), &["cat"]);
    }
}

/// Waits until the daemon tracks `n` sessions, all of them in `state` when
/// given.
fn wait_sessions(d: &TestDaemon, n: usize, state: Option<&str>) {
    let mut c = d.raw();
    let ok = wait_until(Duration::from_secs(120), || {
        let v = c.call(r#"{"type":"sessions"}"#);
        let sessions = v["sessions"].as_array().cloned().unwrap_or_default();
        sessions.len() == n
            && sessions
                .iter()
                .all(|s| state.is_none_or(|st| s["state"] == st))
    });
    assert!(
        ok,
        "the daemon never saw {n} sessions ({state:?}):\n{}",
        d.ctl_ok(&["sessions"])
    );
}
