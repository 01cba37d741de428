//! Daemon and tmux server CPU while nothing is queued, and peak RSS.

use super::*;

pub(crate) fn idle(opts: &Opts, quiet: bool) {
    for n in SIZES {
        idle_at(opts, quiet, n);
    }
}

/// One size: `n` panes, the daemon with the built-in defaults.
fn idle_at(opts: &Opts, quiet: bool, n: usize) {
    let secs = if opts.quick { 15 } else { 60 };
    let tmux = TmuxServer::new();
    if quiet {
        start_quiet(&tmux, n);
    } else {
        start_agents(&tmux, n, 100);
    }
    let d = TestDaemon::builder()
        .config(DEFAULT_CONFIG)
        .envs(DAEMON_ENV)
        .tmux(tmux.socket())
        .start();
    wait_sessions(&d, n, (!quiet).then_some("idle"));
    let spid = server_pid(&tmux);
    let pid = d.pid();
    let cpu = cpu_window(pid, spid, secs);
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
        cpu.daemon,
        cpu.with_clients,
        cpu.server,
        vm_hwm_kb(pid) as f64 / 1024.0,
        vm_hwm_kb(spid) as f64 / 1024.0,
    );
    println!("(% of one core)");
    drop(d);
    drop(tmux);
}
