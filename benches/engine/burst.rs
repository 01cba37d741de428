//! A burst of 300 prompts sent as fast as one connection can: how soon the
//! first is delivered, how soon the first wave (one prompt per pane) is
//! confirmed, the throughput until the last completes, and the CPU each
//! delivered prompt costs. The agents answer at once (`--busy-ms 0`), so
//! the daemon, not the agents, bounds the figures as far as it can: each
//! pane still takes `settle_ms`, the check that the agent started and the
//! completion debounce per prompt.

use super::*;

const BURST: usize = 300;

pub(crate) fn burst(opts: &Opts) {
    let sizes: &[usize] = if opts.quick { &[10, 200] } else { &SIZES };
    println!("\n## burst: {BURST} prompts sent back to back, agents that answer at once");
    println!(
        "| panes | all sent | first pasted | first wave started | all completed | prompts/min | CPU per prompt: daemon + clients, server | daemon VmHWM |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for &n in sizes {
        let tmux = TmuxServer::new();
        start_agents(&tmux, n, 0);
        let d = TestDaemon::builder()
            .config(DEFAULT_CONFIG)
            .envs(DAEMON_ENV)
            .tmux(tmux.socket())
            .start();
        wait_sessions(&d, n, Some("idle"));
        let mut watch = d.raw();
        assert_eq!(watch.call(r#"{"type":"watch"}"#)["ok"], true);
        let spid = server_pid(&tmux);
        let cpu0 = CpuMark::take(d.pid(), spid);
        let t0 = now_ms();
        let mut ctl = d.raw();
        let sender = std::thread::spawn(move || {
            for i in 0..BURST {
                let line =
                    json!({"type": "send", "prompt": {"text": format!("burst {i}")}}).to_string();
                let v = ctl.call(&line);
                assert_eq!(v["ok"], true, "send: {v}");
            }
            now_ms()
        });
        let wave = n.min(BURST);
        let (mut first_paste, mut started, mut completed) = (None, 0, 0);
        let mut wave_at = None;
        let mut last = t0;
        while completed < BURST {
            let line = watch.read();
            let ev = &line["event"];
            if ev["kind"] != "prompt" {
                continue;
            }
            let at = ev["at"]
                .as_str()
                .and_then(parse_rfc3339_ms)
                .expect("event time");
            match ev["event"].as_str().unwrap_or_default() {
                "pasted" => {
                    first_paste.get_or_insert(at);
                }
                "started" => {
                    started += 1;
                    if started == wave {
                        wave_at = Some(at);
                    }
                }
                "completed" => {
                    completed += 1;
                    last = at;
                }
                "failed" => panic!("a burst prompt failed: {ev}"),
                _ => {}
            }
        }
        let cpu = CpuMark::take(d.pid(), spid).since(&cpu0);
        let sent = sender.join().expect("sender thread");
        let ms = |t: Option<f64>| t.map_or("-".into(), |t| format!("{:.0} ms", t - t0));
        let per_min = BURST as f64 / ((last - t0) / 60_000.0);
        println!(
            "| {n} | {} | {} | {} ({wave}) | {} | {per_min:.0} | {:.1} ms, {:.1} ms | {:.1} MiB |",
            ms(Some(sent)),
            ms(first_paste),
            ms(wave_at),
            ms(Some(last)),
            cpu.1 * 1000.0 / BURST as f64,
            cpu.2 * 1000.0 / BURST as f64,
            vm_hwm_kb(d.pid()) as f64 / 1024.0,
        );
        drop(d);
        drop(tmux);
    }
    println!(
        "(times from the first send; first wave: one prompt per pane, or all {BURST} when there are more panes)"
    );
}
