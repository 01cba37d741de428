//! Agent hooks reporting with `assignerctl complete` against real tmux,
//! stand-in agents and the real binaries: the answer from the hook's
//! payload, a report without one that waits for the screen, a report that
//! overtakes the delivery check, and failure reports that do not send the
//! prompt straight back into the same pane.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, TEST_CONFIG, WAIT, wait_until};

fn stop(answer: &str) -> Vec<u8> {
    serde_json::json!({
        "session_id": "s1",
        "transcript_path": "/nonexistent/t.jsonl",
        "hook_event_name": "Stop",
        "stop_hook_active": false,
        "last_assistant_message": answer,
    })
    .to_string()
    .into_bytes()
}

fn stop_failure(error: &str, message: &str) -> Vec<u8> {
    serde_json::json!({
        "hook_event_name": "StopFailure",
        "error": error,
        "last_assistant_message": message,
    })
    .to_string()
    .into_bytes()
}

fn hook(f: &Fleet, name: &str, payload: &[u8]) -> serde_json::Value {
    let pane = f.panes[name].clone();
    let args = [
        "--json",
        "complete",
        "--pane",
        &pane,
        "--from-hook",
        "claude",
    ];
    let out = f.d.ctl_stdin(&args, Some(payload));
    assert!(
        out.status.success(),
        "{}\nlog:\n{}",
        String::from_utf8_lossy(&out.stderr),
        f.d.logs()
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Queues `text` and waits until an agent runs it.
fn running(f: &Fleet, text: &str) -> i64 {
    let id = f.d.send(&[text]);
    f.wait_status(id, "in_progress");
    id
}

/// Waits until agent `name` received prompt `id`, which is then running.
fn wait_taken(f: &Fleet, id: i64, name: &str) {
    let taken = wait_until(WAIT, || !f.log(name).submissions().is_empty());
    assert!(taken, "{name} got nothing\nlog:\n{}", f.d.logs());
    f.wait_status(id, "in_progress");
}

#[test]
fn the_answer_in_the_payload_completes_at_once() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id = running(&f, "long work #busy=60000");
    let out = hook(&f, "claude-1", &stop("The whole answer,\nnot half drawn."));
    assert_eq!(out["id"], id);
    assert_eq!(f.d.status_of(id), "completed");
    assert_eq!(
        f.prompt_field(id, "response"),
        "The whole answer,\nnot half drawn."
    );
    let pane = f.panes["claude-1"].clone();
    let out = f.d.ctl(&["complete", "--pane", &pane]);
    assert_eq!(out.status.code(), Some(66), "nothing in flight any more");
}

#[test]
fn a_report_without_an_answer_waits_for_the_idle_screen() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id = running(&f, "answer slowly #busy=3000");
    let pane = f.panes["claude-1"].clone();
    let out = f.d.ctl_json(&["complete", "--pane", &pane]);
    assert_eq!(out["id"], id);
    // The agent still works: capturing now would keep half an answer.
    assert_eq!(f.d.status_of(id), "in_progress");
    f.wait_status(id, "completed");
    assert!(
        f.prompt_field(id, "response").contains("answer slowly"),
        "{}",
        f.prompt_field(id, "response")
    );
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    let last = shown["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["detail"], "reported by agent hook");
}

#[test]
fn a_report_during_the_delivery_check_completes_and_ends_the_check() {
    // The first Enter is ignored, and the check waits long for a reaction
    // before its rescue Enter: the hook's report arrives meanwhile.
    let config = TEST_CONFIG.replace("verify_ms = 800", "verify_ms = 60000");
    let f = Fleet::new(&["claude-1"], &["--ignore-enters", "1"], &config);
    let first = f.d.send(&["first prompt"]);
    let ignored = wait_until(WAIT, || {
        f.log("claude-1")
            .entries()
            .iter()
            .any(|e| e["ignored"] == "enter")
    });
    assert!(ignored, "{}", f.d.logs());
    assert_eq!(f.d.status_of(first), "assigned");
    hook(&f, "claude-1", &stop("done early"));
    assert_eq!(f.d.status_of(first), "completed");
    assert_eq!(f.prompt_field(first, "response"), "done early");
    assert_eq!(
        f.d.history_events(first),
        ["queued", "assigned", "pasted", "completed"]
    );
    // The check ended at once, not after its minute: the pane is free, and
    // only the text the ignored Enter left in its box keeps the next
    // prompt waiting; no rescue Enter submitted it.
    let second = f.d.send(&["second prompt"]);
    f.wait_waiting_reason(second, "unsent text");
    assert!(f.log("claude-1").submissions().is_empty());
    let pane = f.panes["claude-1"].clone();
    f.tmux.ok(&["send-keys", "-t", &pane, "C-u"]);
    f.wait_status(second, "completed");
    assert_eq!(f.log("claude-1").submissions(), ["second prompt"]);
    let events = f.d.history_events(first);
    assert!(
        !events.iter().any(|e| e == "started" || e == "rescue-enter"),
        "{events:?}"
    );
    f.assert_no_violations();
}

#[test]
fn a_rate_limit_requeues_without_a_retry_and_the_pane_reads_rate_limited() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let id = running(&f, "limited work #busy=60000");
    hook(
        &f,
        "claude-1",
        &stop_failure("rate_limit", "API Error: Request rejected (429)"),
    );
    assert_eq!(f.d.status_of(id), "pending");
    // The agent stops working and is idle again, but its pane reads
    // rate_limited while the limit is waited out (src/engine/limit.rs).
    rests_then_goes_elsewhere(&mut f, id, "rate_limited", "waiting for an idle");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(shown["prompt"]["retry_count"], 0, "a limit uses no retry");
    assert!(
        f.d.history_events(id)
            .contains(&"requeued-rate-limited".to_owned())
    );
}

#[test]
fn a_server_error_fails_with_its_reason_and_no_retry() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id = running(&f, "doomed work #busy=60000");
    hook(
        &f,
        "claude-1",
        &stop_failure("server_error", "API Error: 500 Internal server error."),
    );
    assert_eq!(f.d.status_of(id), "failed");
    assert_eq!(
        f.prompt_field(id, "error"),
        "agent hook reported a failure: server_error: API Error: 500 Internal server error."
    );
    assert!(!f.d.history_events(id).contains(&"retry".to_owned()));
}

#[test]
fn a_failure_is_retried_but_not_in_the_same_pane_at_once() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let id = running(&f, "flaky work #busy=60000");
    let pane = f.panes["claude-1"].clone();
    f.d.ctl_ok(&["complete", "--pane", &pane, "--failed", "tool crashed"]);
    rests_then_goes_elsewhere(&mut f, id, "idle", "reported a failure");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(shown["prompt"]["retry_count"], 1);
}

/// The agent in claude-1 stops (Escape) and its pane reads `state`, yet
/// prompt `id` waits for a reason containing `why` until another agent
/// takes it.
fn rests_then_goes_elsewhere(f: &mut Fleet, id: i64, state: &str, why: &str) {
    let pane = f.panes["claude-1"].clone();
    f.tmux.ok(&["send-keys", "-t", &pane, "Escape"]);
    f.wait_session_state("claude-1", state);
    f.wait_waiting_reason(id, why);
    f.add_agent("claude-2", &[]);
    wait_taken(f, id, "claude-2");
    assert_eq!(f.log("claude-1").submissions().len(), 1);
}
