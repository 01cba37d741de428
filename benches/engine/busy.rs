//! Daemon and tmux server CPU while every agent works on a long prompt:
//! the steady state of a busy fleet, where each in-flight pane has to be
//! watched for the moment it goes idle.

use super::*;

pub(crate) fn busy(opts: &Opts) {
    let n = 50;
    let secs = if opts.quick { 15 } else { 60 };
    let tmux = TmuxServer::new();
    // Busy far longer than the window measured.
    start_agents(&tmux, n, 3_600_000);
    let d = TestDaemon::builder()
        .config(DEFAULT_CONFIG)
        .envs(DAEMON_ENV)
        .tmux(tmux.socket())
        .start();
    wait_sessions(&d, n, Some("idle"));
    let mut c = d.raw();
    for i in 0..n {
        let v = c.call(
            &json!({"type": "send", "prompt": {"text": format!("long task {i}")}}).to_string(),
        );
        assert_eq!(v["ok"], true, "{v}");
    }
    let all_running = wait_until(Duration::from_secs(120), || {
        c.call(r#"{"type":"status"}"#)["status"]["prompts"]["in_progress"] == n
    });
    assert!(
        all_running,
        "not every agent started:\n{}",
        d.ctl_ok(&["status"])
    );
    let spid = server_pid(&tmux);
    let pid = d.pid();
    let cpu = cpu_window(pid, spid, secs);
    println!("\n## busy: {n} stand-in agents each working on a prompt, default config, {secs} s");
    println!("| daemon | daemon + tmux clients | tmux server | daemon VmHWM |");
    println!("|---|---|---|---|");
    println!(
        "| {:.2} % | {:.2} % | {:.2} % | {:.1} MiB |",
        cpu.daemon,
        cpu.with_clients,
        cpu.server,
        vm_hwm_kb(pid) as f64 / 1024.0,
    );
    println!("(% of one core)");
    drop(d);
    drop(tmux);
}
