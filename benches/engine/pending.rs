//! A long queue that nothing can take right now: daemon CPU while it waits,
//! and the latency of `status` and `send` meanwhile. Two cases: no agent at
//! all (one pane running `cat`) with every prompt asking for a provider no
//! session runs, so `status` counts all of them as unroutable; and a fleet
//! whose every agent is busy for an hour, with prompts any agent may take.

use super::*;

use assigner::protocol::NewPrompt;
use assigner::store::Store;

/// Prompts waiting in the queue while measuring.
const QUEUE: usize = 10_000;
/// Agents of the busy fleet.
const FLEET: usize = 10;
/// Requests timed per command.
const SAMPLES: usize = 20;

pub(crate) fn pending(opts: &Opts) {
    let secs = if opts.quick { 15 } else { 30 };
    println!("\n## pending: {QUEUE} prompts no session can take now, default config, {secs} s");
    println!(
        "| case | daemon | daemon + tmux clients | `assignerctl status` p50/p99 | `status` on the socket p50/p99 | `send` on the socket p50/p99 | daemon VmHWM |"
    );
    println!("|---|---|---|---|---|---|---|");
    no_agent(secs);
    all_busy(secs);
    println!("(CPU: % of one core; latencies in ms, {SAMPLES} samples each, p99 is their maximum)");
}

/// No agent at all: one `cat` pane keeps the tmux server up; every prompt
/// asks for codex.
fn no_agent(secs: u64) {
    let tmux = TmuxServer::new();
    start_quiet(&tmux, 1);
    let codex = NewPrompt {
        provider: Some("codex".into()),
        ..NewPrompt::default()
    };
    let d = daemon_with_queue(&tmux, QUEUE, &codex);
    wait_sessions(&d, 1, None);
    wait_queue(&d, QUEUE, 0);
    report(
        "no agent; prompts for codex (all unroutable)",
        &d,
        &tmux,
        secs,
        &codex,
    );
}

/// Every agent busy for an hour with one of the queued prompts; the rest
/// wait for any agent.
fn all_busy(secs: u64) {
    let tmux = TmuxServer::new();
    start_agents(&tmux, FLEET, 3_600_000);
    let any = NewPrompt::default();
    let d = daemon_with_queue(&tmux, QUEUE + FLEET, &any);
    wait_queue(&d, QUEUE, FLEET);
    report(
        &format!("{FLEET} agents all working; prompts for any agent"),
        &d,
        &tmux,
        secs,
        &any,
    );
}

/// A daemon started on a database that already holds `n` prompts like
/// `like`: queueing them through the socket would time the daemon under
/// load, not the queue at rest.
fn daemon_with_queue(tmux: &TmuxServer, n: usize, like: &NewPrompt) -> TestDaemon {
    let mut d = TestDaemon::builder()
        .config(DEFAULT_CONFIG)
        .envs(DAEMON_ENV)
        .tmux(tmux.socket())
        .unstarted();
    let mut store = Store::open(&d.db).expect("open the database");
    for i in 0..n {
        let p = NewPrompt {
            text: format!("queued prompt {i}"),
            ..like.clone()
        };
        store.insert_prompt(&p).expect("queue a prompt");
    }
    drop(store);
    d.spawn();
    d.wait_ready();
    d
}

/// Waits until `pending` prompts wait and `running` are in progress.
fn wait_queue(d: &TestDaemon, pending: usize, running: usize) {
    let mut c = d.raw();
    let ok = wait_until(Duration::from_secs(300), || {
        let v = c.call(r#"{"type":"status"}"#);
        let p = &v["status"]["prompts"];
        p["pending"] == pending && p["in_progress"] == running
    });
    assert!(ok, "queue never settled:\n{}", d.ctl_ok(&["status"]));
}

fn report(case: &str, d: &TestDaemon, tmux: &TmuxServer, secs: u64, like: &NewPrompt) {
    let pid = d.pid();
    let cpu = cpu_window(pid, server_pid(tmux), secs);
    let mut ctl = Vec::new();
    for _ in 0..SAMPLES {
        let t = Instant::now();
        d.ctl_ok(&["status"]);
        ctl.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut c = d.raw();
    let mut status = Vec::new();
    for _ in 0..SAMPLES {
        let t = Instant::now();
        let v = c.call(r#"{"type":"status"}"#);
        status.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(v["ok"], true, "{v}");
    }
    let mut send = Vec::new();
    for i in 0..SAMPLES {
        let p = NewPrompt {
            text: format!("sent while queued {i}"),
            ..like.clone()
        };
        let line = json!({"type": "send", "prompt": p}).to_string();
        let t = Instant::now();
        let v = c.call(&line);
        send.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(v["ok"], true, "{v}");
    }
    let cell = |v: &mut Vec<f64>| format!("{:.1} / {:.1}", pct(v, 50.0), pct(v, 99.0));
    println!(
        "| {case} | {:.2} % | {:.2} % | {} | {} | {} | {:.1} MiB |",
        cpu.daemon,
        cpu.with_clients,
        cell(&mut ctl),
        cell(&mut status),
        cell(&mut send),
        vm_hwm_kb(pid) as f64 / 1024.0,
    );
}
