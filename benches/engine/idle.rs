//! Daemon and tmux server CPU while nothing is queued, and peak RSS.

use super::*;

pub(crate) fn idle(opts: &Opts, quiet: bool) {
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
