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
//! ```
//!
//! Sections: `latency` (enqueue to paste and to submission, 10/50/200
//! panes), `scan` (wall and CPU of one scan, in process, 10/50/200 panes),
//! `idle` (daemon and tmux server CPU over 60 s with 50 idle stand-in
//! agents, peak RSS), `idle-quiet` (the same with 50 panes that print
//! nothing; not in the default run).

#[path = "../tests/common/mod.rs"]
mod common;

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
            "latency" | "scan" | "idle" | "idle-quiet" => sections.push(arg),
            other => {
                eprintln!(
                    "unknown argument {other}; expected quick, latency, scan, idle, idle-quiet"
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
            "latency" => latency(&opts),
            "scan" => scan(&opts),
            "idle" => idle(&opts, false),
            "idle-quiet" => idle(&opts, true),
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
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
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

// ---------------------------------------------------------------- latency

fn latency(opts: &Opts) {
    let samples = if opts.quick { 8 } else { 30 };
    println!("\n## latency: enqueue -> ..., ms ({samples} prompts per size, one at a time)");
    println!(
        "| panes | assigned p50/p99 | pasted p50/p99 | agent got Enter p50/p99 | started p50/p99 | daemon VmHWM |"
    );
    println!("|---|---|---|---|---|---|");
    for n in SIZES {
        let tmux = TmuxServer::new();
        let logs = start_agents(&tmux, n, 100);
        let d = TestDaemon::start_on_tmux_with(DEFAULT_CONFIG, DAEMON_ENV, tmux.socket());
        wait_sessions(&d, n, Some("idle"));
        let mut watch = d.raw();
        assert_eq!(watch.call(r#"{"type":"watch"}"#)["ok"], true);
        let mut ctl = d.raw();
        let mut lat: HashMap<&str, Vec<f64>> = HashMap::new();
        for i in 0..samples {
            let text = format!("bench prompt {n}-{i}");
            let line = json!({"type": "send", "prompt": {"text": text}}).to_string();
            let t0 = now_ms();
            let sent = ctl.call(&line);
            let id = sent["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("send: {sent}"));
            let (times, session) = follow(&mut watch, id);
            let log = &logs[&session];
            let mut got = None;
            let found = wait_until(Duration::from_secs(10), || {
                got = log
                    .entries()
                    .iter()
                    .find(|e| e["text"] == text.as_str())
                    .and_then(|e| e["at_ms"].as_f64());
                got.is_some()
            });
            assert!(found, "{session} never logged {text:?}");
            for (key, at) in [
                ("assigned", times.get("assigned")),
                ("pasted", times.get("pasted")),
                ("agent", got.as_ref()),
                ("started", times.get("started")),
            ] {
                let at = at.unwrap_or_else(|| panic!("prompt {id}: no {key} time"));
                lat.entry(key).or_default().push(at - t0);
            }
        }
        let hwm = vm_hwm_kb(d.pid());
        let cells: HashMap<&str, String> = lat
            .iter_mut()
            .map(|(k, v)| (*k, format!("{:.0} / {:.0}", pct(v, 50.0), pct(v, 99.0))))
            .collect();
        let cell = |k: &str| cells[k].clone();
        println!(
            "| {n} | {} | {} | {} | {} | {:.1} MiB |",
            cell("assigned"),
            cell("pasted"),
            cell("agent"),
            cell("started"),
            hwm as f64 / 1024.0
        );
        drop(d);
        drop(tmux);
    }
    println!(
        "(assigned/pasted/started: the daemon's history timestamps; agent got Enter: the stand-in's at_ms; p99 of {samples} samples is their maximum)"
    );
}

/// Reads watch events until prompt `id` completes; returns the time of
/// each of its events (Unix ms) and the session it went to.
fn follow(watch: &mut RawClient, id: i64) -> (HashMap<String, f64>, String) {
    let mut times = HashMap::new();
    let mut session = None;
    loop {
        let line = watch.read();
        let ev = &line["event"];
        if ev["kind"] != "prompt" || ev["id"].as_i64() != Some(id) {
            continue;
        }
        let event = ev["event"].as_str().unwrap_or_default().to_owned();
        if event == "failed" {
            panic!("prompt {id} failed: {ev}");
        }
        if event == "assigned" {
            session = ev["session"].as_str().map(str::to_owned);
        }
        let at = ev["at"].as_str().and_then(parse_rfc3339_ms);
        times.insert(event.clone(), at.expect("event time"));
        if event == "completed" {
            return (times, session.expect("assigned to a session"));
        }
    }
}

// ---------------------------------------------------------------- scan

fn scan(opts: &Opts) {
    let (k_list, k_full) = if opts.quick { (20, 3) } else { (100, 10) };
    println!("\n## scan cost, in process (idle stand-in agents, no daemon)");
    println!(
        "| panes | list-panes: wall p50 | list-panes: CPU ours + server | list + capture every pane: wall p50 | list + capture every pane: CPU ours + server |"
    );
    println!("|---|---|---|---|---|");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for n in SIZES {
        let server = TmuxServer::new();
        start_agents(&server, n, 100);
        std::thread::sleep(Duration::from_secs(1));
        let tmux = Tmux::new(server.socket());
        let first = rt.block_on(tmux.snapshot()).expect("snapshot");
        assert_eq!(first.panes.len(), n, "panes");
        let spid = first.server_pid;
        let ids: Vec<String> = first.panes.iter().map(|p| p.id.clone()).collect();
        let background = background_rate(spid, if opts.quick { 1 } else { 3 });
        let list = measure(k_list, spid, background, || {
            rt.block_on(async {
                tmux.snapshot().await.expect("snapshot");
            })
        });
        let full = measure(k_full, spid, background, || {
            rt.block_on(async {
                let snap = tmux.snapshot().await.expect("snapshot");
                assert_eq!(snap.panes.len(), ids.len());
                for id in &ids {
                    tmux.capture(id, 40).await.expect("capture");
                }
            })
        });
        println!(
            "| {n} | {:.1} ms | {} | {:.1} ms | {} |",
            list.wall_p50_ms,
            list.cpu_cell(),
            full.wall_p50_ms,
            full.cpu_cell()
        );
    }
    println!(
        "(CPU per scan = mean over the batch; ours = this process + its tmux client children; server = the tmux server, net of its background load from the agents' redraws)"
    );
}

struct Batch {
    wall_p50_ms: f64,
    ours_ms: f64,
    server_ms: f64,
}

impl Batch {
    fn cpu_cell(&self) -> String {
        format!("{:.1} + {:.1} ms", self.ours_ms, self.server_ms)
    }
}

/// CPU ticks per second the tmux server spends on its own (the agents'
/// redraws) while nobody asks it anything, over `secs`.
fn background_rate(server_pid: u32, secs: u64) -> f64 {
    let (t0, _) = cpu_ticks(server_pid);
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let (t1, _) = cpu_ticks(server_pid);
    (t1 - t0) as f64 / start.elapsed().as_secs_f64()
}

/// Runs `f` `k` times (after one warm-up); median wall time and mean CPU,
/// the tmux server's net of its `background` ticks per second.
fn measure(k: usize, server_pid: u32, background: f64, mut f: impl FnMut()) -> Batch {
    f();
    let me = std::process::id();
    let (own0, kids0) = cpu_ticks(me);
    let (srv0, _) = cpu_ticks(server_pid);
    let mut walls = Vec::with_capacity(k);
    let start = Instant::now();
    for _ in 0..k {
        let t = Instant::now();
        f();
        walls.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (own1, kids1) = cpu_ticks(me);
    let (srv1, _) = cpu_ticks(server_pid);
    let server_net = ((srv1 - srv0) as f64 - background * start.elapsed().as_secs_f64()).max(0.0);
    let per_ms = |ticks: f64| ticks / TICKS_PER_SEC * 1e3 / k as f64;
    Batch {
        wall_p50_ms: pct(&mut walls, 50.0),
        ours_ms: per_ms(((own1 - own0) + (kids1 - kids0)) as f64),
        server_ms: per_ms(server_net),
    }
}

// ---------------------------------------------------------------- idle

fn idle(opts: &Opts, quiet: bool) {
    let n = 50;
    let secs = if opts.quick { 15 } else { 60 };
    let tmux = TmuxServer::new();
    if quiet {
        start_quiet(&tmux, n);
    } else {
        start_agents(&tmux, n, 100);
    }
    let d = TestDaemon::start_on_tmux_with(DEFAULT_CONFIG, DAEMON_ENV, tmux.socket());
    wait_sessions(&d, n, (!quiet).then_some("idle"));
    let spid: u32 = tmux
        .ok(&["display-message", "-p", "#{pid}"])
        .parse()
        .expect("server pid");
    std::thread::sleep(Duration::from_secs(5));
    let pid = d.pid();
    let (own0, kids0) = cpu_ticks(pid);
    let (srv0, _) = cpu_ticks(spid);
    let t = Instant::now();
    std::thread::sleep(Duration::from_secs(secs));
    let (own1, kids1) = cpu_ticks(pid);
    let (srv1, _) = cpu_ticks(spid);
    let wall = t.elapsed().as_secs_f64();
    let pct_core = |ticks: u64| ticks as f64 / TICKS_PER_SEC / wall * 100.0;
    let what = if quiet {
        "panes running `cat` (no output)"
    } else {
        "idle stand-in agents (redraw every 500 ms)"
    };
    println!("\n## idle: {n} {what}, default config, {secs} s");
    println!("| daemon | daemon + tmux clients | tmux server | daemon VmHWM | tmux server VmHWM |");
    println!("|---|---|---|---|---|");
    println!(
        "| {:.2} % | {:.2} % | {:.2} % | {:.1} MiB | {:.1} MiB |",
        pct_core(own1 - own0),
        pct_core((own1 - own0) + (kids1 - kids0)),
        pct_core(srv1 - srv0),
        vm_hwm_kb(pid) as f64 / 1024.0,
        vm_hwm_kb(spid) as f64 / 1024.0,
    );
    println!("(% of one core)");
    drop(d);
    drop(tmux);
}

// ---------------------------------------------------------------- /proc and numbers

/// (utime + stime, cutime + cstime) of a process, in ticks.
fn cpu_ticks(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc stat");
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|s| s.parse().unwrap_or(0))
        .collect();
    (f[11] + f[12], f[13] + f[14])
}

/// Peak resident set size (VmHWM) in KiB.
fn vm_hwm_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Nearest-rank percentile.
fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// Wall clock, Unix ms.
fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
        * 1000.0
}

/// `2026-11-24T10:15:02.123Z` as Unix ms.
fn parse_rfc3339_ms(s: &str) -> Option<f64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut t = time.split(':');
    let (h, min) = (
        t.next()?.parse::<i64>().ok()?,
        t.next()?.parse::<i64>().ok()?,
    );
    let sec: f64 = t.next()?.parse().ok()?;
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + min * 60) as f64 + sec) * 1000.0)
}
