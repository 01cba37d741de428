//! Figures for BENCHMARKS.md about `assignerctl top`, run by hand (they are
//! ignored by `cargo test`, and assert no timing):
//!
//! ```sh
//! cargo test --test cli_top_bench -- --ignored --nocapture
//! ```
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::time::{Duration, Instant};

use common::{Fleet, TopView};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The time from `send` to the session shown at work on the prompt.
#[test]
#[ignore = "a benchmark, run by hand"]
fn update_latency() {
    let f = Fleet::with_agents(&["claude-1"]);
    let top = TopView::start(&f.d, 120, 30);
    let mut took = Vec::new();
    for i in 0..20 {
        top.wait_screen("claude-1 idle", |s| {
            s.lines()
                .any(|l| l.contains("claude-1") && l.contains("idle"))
        });
        let start = Instant::now();
        let id =
            f.d.send(&["--target", "claude-1", &format!("latency {i} #busy=300")]);
        top.wait_screen("the prompt in claude-1's hand", |s| {
            s.lines()
                .any(|l| l.contains("claude-1") && l.contains(&format!(" {id} ")))
        });
        took.push(start.elapsed());
        f.wait_status(id, "completed");
    }
    took.sort();
    println!(
        "send -> shown by top, {} prompts: p50 {:.0} ms, min {:.0} ms, max {:.0} ms",
        took.len(),
        ms(took[took.len() / 2]),
        ms(took[0]),
        ms(took[took.len() - 1])
    );
}

/// User plus system CPU seconds of a process so far.
fn cpu_secs(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let after = &stat[stat.rfind(')').expect("comm") + 2..];
    let fields: Vec<&str> = after.split(' ').collect();
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 here.
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

/// `top`'s share of a core while 50 agents work on a prompt each.
#[test]
#[ignore = "a benchmark, run by hand"]
fn cpu_with_50_busy_agents() {
    let names: Vec<String> = (1..=50).map(|i| format!("claude-{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let f = Fleet::with_agents(&refs);
    for name in &names {
        f.d.send(&["--target", name, "a long piece of work #busy=600000"]);
    }
    for name in &names {
        f.wait_session_state(name, "busy");
    }
    let top = TopView::start(&f.d, 200, 60);
    top.wait_for("50 busy");
    // The pane runs a shell, which runs top.
    let sh = top.pane("#{pane_pid}");
    let children = std::fs::read_to_string(format!("/proc/{sh}/task/{sh}/children")).unwrap();
    let pid = children
        .split_whitespace()
        .next()
        .expect("top runs")
        .to_owned();
    let window = Duration::from_secs(30);
    let (cpu0, t0) = (cpu_secs(&pid), Instant::now());
    std::thread::sleep(window);
    let used = cpu_secs(&pid) - cpu0;
    println!(
        "top with 50 busy agents: {:.2} % of a core over {:.0} s",
        100.0 * used / t0.elapsed().as_secs_f64(),
        window.as_secs_f64()
    );
}
