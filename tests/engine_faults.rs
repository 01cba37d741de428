//! Faults: panes, the tmux server and the daemon itself dying mid-run. No
//! prompt is lost, none is delivered twice, and none fails for a session
//! that cannot be seen only because the server is down.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::{Fleet, WAIT, wait_until};

#[test]
fn killed_session_requeues_its_prompt_to_another_agent() {
    let mut f = Fleet::new(
        &["claude-1"],
        &["--busy-ms", "60000"],
        common::daemon::TEST_CONFIG,
    );
    let id = f.d.send(&["survive me"]);
    f.wait_status(id, "in_progress");
    f.add_agent("claude-2", &[]);
    f.tmux.kill_session("claude-1");
    f.wait_status(id, "completed");
    assert_eq!(f.log("claude-2").submissions(), ["survive me"]);
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(
        shown["prompt"]["retry_count"], 0,
        "a vanished pane costs no retry"
    );
    assert!(
        f.d.history_events(id)
            .contains(&"requeued-from-stale-session".to_owned())
    );
    let sessions = f.d.ctl_json(&["sessions"]);
    let names: Vec<&str> = sessions["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["claude-2"]);
}

#[test]
fn a_dead_pane_gives_its_prompt_back_and_gets_nothing_more() {
    let mut f = Fleet::new(
        &["claude-1"],
        &["--busy-ms", "60000"],
        common::daemon::TEST_CONFIG,
    );
    let pane = f.panes["claude-1"].clone();
    f.tmux
        .ok(&["set-option", "-w", "-t", &pane, "remain-on-exit", "on"]);
    let id = f.d.send(&["outlive my agent"]);
    f.wait_status(id, "in_progress");
    // The agent exits mid-prompt; tmux keeps its pane, dead.
    let pid = nix::unistd::Pid::from_raw(f.tmux.pane_pid(&pane));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).unwrap();
    let dead = wait_until(WAIT, || {
        f.tmux
            .ok(&["display-message", "-p", "-t", &pane, "#{pane_dead}"])
            == "1"
    });
    assert!(dead, "the pane did not stay on as a dead pane");
    f.wait_status(id, "pending");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(
        shown["prompt"]["retry_count"], 0,
        "a dead pane costs no retry"
    );
    let requeued = shown["history"].as_array().unwrap().iter().any(|h| {
        h["event"] == "requeued-from-stale-session"
            && h["detail"].as_str().unwrap().contains("exited")
    });
    assert!(requeued, "{shown}");
    assert_eq!(
        f.session_state("claude-1"),
        None,
        "a dead pane is not tracked"
    );
    // The prompt goes to a live agent, never back to the dead pane.
    f.add_agent("claude-2", &[]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("claude-2").submissions(), ["outlive my agent"]);
    assert_eq!(f.log("claude-1").submissions(), ["outlive my agent"]);
}

#[test]
fn tmux_server_killed_and_restarted() {
    let mut f = Fleet::new(
        &["claude-1"],
        &["--busy-ms", "60000"],
        common::daemon::TEST_CONFIG,
    );
    let running = f.d.send(&["interrupted by the server"]);
    f.wait_status(running, "in_progress");
    f.tmux.kill_server();
    f.wait_status(running, "pending");
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["status"])["status"]["tmux"]["reachable"] == false
    });
    assert!(ok, "status still claims tmux is reachable");
    let reason = f.d.ctl_json(&["status"])["status"]["tmux"]["reason"].clone();
    assert!(
        reason.as_str().unwrap().contains("no tmux server"),
        "{reason}"
    );
    let queued = f.d.send(&["queued while tmux is down"]);
    // A new server on the same socket: the daemon finds it on its own.
    f.add_agent("claude-9", &[]);
    f.wait_status(running, "completed");
    f.wait_status(queued, "completed");
    assert_eq!(f.log("claude-9").submissions().len(), 2);
    f.assert_no_violations();
}

#[test]
fn a_target_is_not_counted_missing_while_the_tmux_server_is_down() {
    // With no wait at all, a target seen missing fails the prompt at once.
    let config = format!("target_wait_minutes = 0\n{}", common::daemon::TEST_CONFIG);
    let f = Fleet::new(&["claude-1"], &[], &config);
    f.tmux.kill_server();
    let ok = wait_until(WAIT, || {
        f.d.ctl_json(&["status"])["status"]["tmux"]["reachable"] == false
    });
    assert!(ok, "status still claims tmux is reachable");
    let targeted =
        f.d.send(&["for claude-1 once it is back", "--target", "claude-1"]);
    let later = f.d.send(&["queued after it"]);
    for id in [targeted, later] {
        let ok = wait_until(WAIT, || {
            f.d.ctl_json(&["show", &id.to_string()])["prompt"]["waiting_reason"]
                .as_str()
                .is_some_and(|r| r.starts_with("waiting for a tmux session: "))
        });
        assert!(ok, "{}", f.d.ctl_ok(&["show", &id.to_string()]));
    }
    assert_eq!(f.d.status_of(targeted), "pending");
}

#[test]
fn kill_9_during_a_run_of_200_prompts_delivers_each_exactly_once() {
    let names = ["claude-1", "claude-2", "claude-3", "claude-4", "claude-5"];
    let mut f = Fleet::new(&names, &["--busy-ms", "30"], common::daemon::TEST_CONFIG);
    let texts: Vec<String> = (0..200).map(|i| format!("prompt {i:03}")).collect();
    let socket = f.d.socket.clone();
    let mut client = common::RawClient::connect(&socket);
    for t in &texts {
        let v = client.call(&format!(r#"{{"type":"send","prompt":{{"text":"{t}"}}}}"#));
        assert_eq!(v["ok"], true);
    }
    drop(client);
    let completed = |f: &Fleet| {
        f.d.ctl_json(&["status"])["status"]["prompts"]["completed"]
            .as_u64()
            .unwrap()
    };
    for kill_at in [40, 110] {
        assert!(
            wait_until(Duration::from_secs(120), || completed(&f) >= kill_at),
            "stalled before {kill_at}"
        );
        f.d.kill9();
        f.d.spawn();
        f.d.wait_ready();
    }
    let all_done = wait_until(Duration::from_secs(180), || completed(&f) == 200);
    let status = f.d.ctl_ok(&["status"]);
    assert!(
        all_done,
        "{status}\n{}",
        f.d.ctl_ok(&["prompts", "--status", "failed"])
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    for text in f.all_received() {
        *seen.entry(text).or_default() += 1;
    }
    for t in &texts {
        assert_eq!(
            seen.get(t),
            Some(&1),
            "{t} received {:?} times",
            seen.get(t)
        );
    }
    assert_eq!(seen.len(), 200);
    f.assert_no_violations();
}

#[test]
fn sigterm_mid_delivery_finishes_the_delivery_first() {
    // A long settle between paste and Enter keeps the delivery open.
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 1500\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let mut f = Fleet::new(&["claude-1"], &[], config);
    let id = f.d.send(&["in flight at shutdown"]);
    let pasted = wait_until(WAIT, || {
        f.d.history_events(id).contains(&"pasted".to_owned())
    });
    assert!(pasted, "{:?}", f.d.history_events(id));
    assert_eq!(f.d.stop().code(), Some(0));
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "completed");
    let events = f.d.history_events(id);
    assert!(
        !events.contains(&"recovered".to_owned()),
        "the delivery was cut short: {events:?}"
    );
    assert_eq!(f.log("claude-1").submissions(), ["in flight at shutdown"]);
}

#[test]
fn collapsed_paste_is_delivered_and_recovered_exactly_once() {
    // Claude Code shows a multi-line paste as "[Pasted text #1 +N lines]":
    // the text never appears on screen, in the input box or the transcript.
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 1500\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let mut f = Fleet::new(&["claude-1"], &["--collapse-pastes"], config);
    let plain = f.d.send(&["first line\nsecond line\nthird line"]);
    f.wait_status(plain, "completed");
    // Killed between the paste and Enter: the restart finds the collapsed
    // marker in the input box and presses Enter, once.
    let text = "interrupted paste\nwith a second line";
    let id = f.d.send(&[text]);
    assert!(wait_until(WAIT, || f
        .d
        .history_events(id)
        .contains(&"pasted".to_owned())));
    f.d.kill9();
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "completed");
    assert!(f.d.history_events(id).contains(&"recovered".to_owned()));
    assert_eq!(
        f.log("claude-1").submissions(),
        ["first line\nsecond line\nthird line", text]
    );
    f.assert_no_violations();
}

#[test]
fn frozen_tmux_server_is_reported_and_work_resumes_after() {
    let f = Fleet::with_agents(&["claude-1"]);
    let server: i32 = f
        .tmux
        .ok(&["display-message", "-p", "#{pid}"])
        .parse()
        .unwrap();
    let server = nix::unistd::Pid::from_raw(server);
    nix::sys::signal::kill(server, nix::sys::signal::Signal::SIGSTOP).unwrap();
    let id = f.d.send(&["sent while tmux is frozen"]);
    let reason = || {
        f.d.ctl_json(&["status"])["status"]["tmux"]["reason"]
            .as_str()
            .map(str::to_owned)
    };
    let reported = wait_until(WAIT, || reason().is_some_and(|r| r.contains("timed out")));
    nix::sys::signal::kill(server, nix::sys::signal::Signal::SIGCONT).unwrap();
    assert!(reported, "{:?}", reason());
    // The panes were not given up for lost: the prompt goes to the same agent.
    f.wait_status(id, "completed");
    assert_eq!(
        f.log("claude-1").submissions(),
        ["sent while tmux is frozen"]
    );
    assert_eq!(
        f.d.history_events(id),
        ["queued", "assigned", "pasted", "started", "completed"]
    );
}

#[test]
fn a_stopped_daemon_leaves_a_session_row_for_every_pane_it_knew() {
    // Scans far apart: only the shutdown can have written the new row.
    let config = "scan_interval_ms = 600000\n";
    let tmux = common::TmuxServer::new();
    tmux.new_session("first", &["sleep", "600"]);
    let mut d = common::TestDaemon::start_on_tmux(config, tmux.socket());
    tmux.new_session("late", &["sleep", "600"]);
    let seen = wait_until(WAIT, || {
        d.ctl_ok(&["sessions"])
            .lines()
            .any(|l| l.starts_with("late"))
    });
    assert!(seen, "{}", d.ctl_ok(&["sessions"]));
    assert_eq!(d.stop().code(), Some(0));
    let rows = assigner::store::Store::open(&d.db)
        .unwrap()
        .sessions()
        .unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.info.name.as_str()).collect();
    assert!(names.contains(&"late"), "{names:?}");
}
