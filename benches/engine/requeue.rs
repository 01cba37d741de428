//! A session killed while its agent works on a prompt: the time from the
//! kill to the prompt back in the queue, read from the daemon's history.
//! In control mode tmux's own notification wakes the engine; on the
//! process-per-call path only the periodic scan can see it.

use super::*;

pub(crate) fn requeue(opts: &Opts) {
    let samples = if opts.quick { 5 } else { 15 };
    println!(
        "\n## requeue: kill -> prompt pending again, ms ({samples} kills per size, at most one per pane)"
    );
    println!("| panes | p50 | p99 |");
    println!("|---|---|---|");
    for n in SIZES {
        let tmux = TmuxServer::new();
        // Busy far longer than the run: a prompt stays on its pane.
        start_agents(&tmux, n, 3_600_000);
        let d = TestDaemon::builder()
            .config(DEFAULT_CONFIG)
            .envs(DAEMON_ENV)
            .tmux(tmux.socket())
            .start();
        wait_sessions(&d, n, Some("idle"));
        let mut watch = d.raw();
        assert_eq!(watch.call(r#"{"type":"watch"}"#)["ok"], true);
        let mut ctl = d.raw();
        let mut lat = Vec::new();
        // Each prompt targets its own agent, so once requeued it waits for
        // that session (which is gone) and is cancelled while pending.
        for i in 0..samples.min(n) {
            let target = format!("agent-{i:03}");
            let sent = ctl.call(
                &json!({"type": "send", "prompt": {"text": format!("held {i}"), "target": target}})
                    .to_string(),
            );
            let id = sent["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("send: {sent}"));
            let assigned = wait_event(&mut watch, id, "assigned");
            let session = assigned["session"].as_str().expect("session").to_owned();
            wait_event(&mut watch, id, "started");
            let t0 = now_ms();
            tmux.kill_session(&session);
            let back = wait_event(&mut watch, id, "requeued-from-stale-session");
            let at = back["at"]
                .as_str()
                .and_then(parse_rfc3339_ms)
                .expect("event time");
            lat.push(at - t0);
            ctl.call(&json!({"type": "cancel", "id": id}).to_string());
        }
        println!(
            "| {n} | {:.0} | {:.0} |",
            pct(&mut lat, 50.0),
            pct(&mut lat, 99.0)
        );
        drop(d);
        drop(tmux);
    }
}

/// Reads watch events until prompt `id` records `event`; returns it.
fn wait_event(watch: &mut RawClient, id: i64, event: &str) -> serde_json::Value {
    loop {
        let mut line = watch.read();
        let ev = line["event"].take();
        if ev["kind"] == "prompt" && ev["id"].as_i64() == Some(id) && ev["event"] == event {
            return ev;
        }
    }
}
