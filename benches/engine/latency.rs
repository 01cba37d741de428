//! Enqueue to paste and to submission, one prompt at a time.

use super::*;

pub(crate) fn latency(opts: &Opts) {
    let samples = if opts.quick { 8 } else { 30 };
    println!("\n## latency: enqueue -> ..., ms ({samples} prompts per size, one at a time)");
    println!(
        "| panes | assigned p50/p99 | pasted p50/p99 | agent got Enter p50/p99 | started p50/p99 | daemon VmHWM |"
    );
    println!("|---|---|---|---|---|---|");
    for n in SIZES {
        let tmux = TmuxServer::new();
        let logs = start_agents(&tmux, n, 100);
        let d = TestDaemon::builder()
            .config(DEFAULT_CONFIG)
            .envs(DAEMON_ENV)
            .tmux(tmux.socket())
            .start();
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
