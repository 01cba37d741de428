//! The checks every real agent goes through, written once: `claude.rs` and
//! `codex.rs` call them with what differs between the agents (the dialog
//! they draw, the key a person answers it with, how they word an API
//! error).

use std::time::Duration;

use crate::common::wait_until;
use crate::real::agent::RealAgent;
use crate::real::{ANSWER, states_until};
use assigner::protocol::PromptStatus;

/// A prompt for the delivery checks: five lines, Unicode, `$(…)`,
/// backticks, `${…}`, quotes, a backslash, a tab, and a trailing `;`.
pub const AWKWARD: &str = "Prüfe naïve Größen — 日本語 ✓ and emoji 🚀\n\
    keep $(echo injected) and `uname -a` and ${HOME} literal\n\
    \ta tab\tinside\n\
    quotes ' \" and a backslash \\ stay\n\
    the last line ends with a semicolon;";

/// [`AWKWARD`] and a one-line paste of 3,000 characters reach the model
/// exactly as pasted, for an agent that does not rewrite them (Codex CLI,
/// Gemini CLI, aider: their notes in tests/fixtures/screens/).
pub fn delivered_as_pasted(c: &RealAgent) {
    let long = format!("3,000 characters: {}", "0123456789".repeat(300))[..3000].to_owned();
    for text in [AWKWARD, long.as_str()] {
        let id = c.d.send(&[text]);
        c.wait_status(id, PromptStatus::Completed, ANSWER);
        let received = c.mock.turns().last().map(|t| t.text.clone());
        assert_eq!(received.as_deref(), Some(text), "{}", c.context());
    }
    assert_eq!(c.mock.turns().len(), 2, "{:?}", c.mock.turns());
}

/// The daemon names the agent's provider and reads its pane idle.
pub fn provider_and_idle(c: &RealAgent) {
    let expected = Some((c.agent.name().to_owned(), "idle".to_owned()));
    assert_eq!(c.session(), expected, "{}", c.context());
}

/// A prompt sent while an answer streams waits for it: the pane reads busy
/// for the whole answer, and the second prompt reaches the model after the
/// first answer ended, as its own turn.
pub fn streaming_holds_the_next_prompt_back(c: &RealAgent) {
    let first = "[[slow=6]] an answer that streams for six seconds";
    let second = "the prompt sent while the first streams";
    let id = c.d.send(&[first]);
    // Every state read from the first request's arrival to its answer's
    // end; each read in this order, so the request had arrived before the
    // state was read and the answer had not ended after it. The second
    // prompt is sent once the answer shows (Codex then shows no busy
    // marker any more).
    let (mut b, mut in_time, mut while_streaming) = (None, false, Vec::new());
    wait_until(ANSWER, || {
        if b.is_none() && c.screen().contains("line 2 of 12") {
            b = Some(c.d.send(&[second]));
            in_time = c.mock.answer_end(first).is_none();
        }
        let asked = !c.mock.turns().is_empty();
        let state = c.state();
        if asked && c.mock.answer_end(first).is_none() {
            while_streaming.push(state);
        }
        c.mock.answer_end(first).is_some()
    });
    let b = b.unwrap_or_else(|| panic!("the answer never streamed:\n{}", c.context()));
    assert!(
        in_time,
        "the answer ended before the second prompt was queued; nothing was tested"
    );
    // The daemon reports a state once it has held for a moment, so the
    // first reads may still be the idle before the prompt; from the first
    // busy on, every read must be busy.
    let busy_on = while_streaming.iter().skip_while(|s| *s != "busy");
    assert!(
        busy_on.clone().next().is_some() && busy_on.clone().all(|s| s == "busy"),
        "read while streaming: {while_streaming:?}\n{}",
        c.context()
    );
    c.wait_status(id, PromptStatus::Completed, ANSWER);
    c.wait_status(b, PromptStatus::Completed, ANSWER);

    let ended = c.mock.answer_end(first).expect("the first answer ended");
    let turns = c.mock.turns();
    let texts: Vec<&str> = turns.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, [first, second], "{}", c.context());
    let (second_at, completed) = (&turns[1].at, c.event_at(id, "completed"));
    assert!(
        second_at >= &ended,
        "second request at {second_at}, first answer ended {ended}"
    );
    assert!(
        completed >= ended,
        "completed at {completed}, answer ended {ended}"
    );
    let pasted = c.event_at(b, "pasted");
    assert!(
        pasted >= completed,
        "second pasted at {pasted}, first completed {completed}"
    );
    let response = c.response(id);
    assert!(response.contains("line 12 of 12"), "response: {response:?}");
}

/// Completion is recorded once a slow four-line answer has ended, and
/// the stored response holds its lines.
pub fn completion_after_the_answer(c: &RealAgent) {
    let text = "[[slow=2]] a short answer in four lines";
    let id = c.d.send(&[text]);
    c.wait_status(id, PromptStatus::Completed, ANSWER);
    let ended = c.mock.answer_end(text).expect("the answer ended");
    let completed = c.event_at(id, "completed");
    assert!(
        completed >= ended,
        "completed at {completed}, answer ended {ended}"
    );
    let response = c.response(id);
    for n in 1..=4 {
        let line = format!("Slow line {n} of 4.");
        assert!(response.contains(&line), "{line} not in {response:?}");
    }
}

/// An HTTP 500 leaves the pane idle, never unknown, and fails the prompt
/// with `reason` in its error once the agent has given up (`within`); the
/// next prompt goes through.
pub fn api_error_fails_the_prompt(c: &RealAgent, reason: &str, within: Duration) {
    let id = c.d.send(&["[[500]] this request fails"]);
    let seen = states_until(c, within, |state| {
        state == "idle" && matches!(c.d.status_of(id).as_str(), "failed" | "completed")
    });
    let shown = c.d.ctl_json(&["show", &id.to_string()]);
    let status = &shown["prompt"]["status"];
    assert_eq!(status, "failed", "{shown}\n{}", c.context());
    let error = shown["prompt"]["error"].as_str().unwrap_or_default();
    assert!(error.contains(reason), "reason: {error:?}");
    assert_eq!(
        seen.last().map(String::as_str),
        Some("idle"),
        "{seen:?}\n{}",
        c.context()
    );
    let unknown = seen.iter().any(|s| s == "unknown");
    assert!(!unknown, "states read: {seen:?}\n{}", c.context());

    let next = "a plain prompt after the failure";
    let id = c.d.send(&[next]);
    c.wait_status(id, PromptStatus::Completed, ANSWER);
    assert_eq!(c.mock.turns().last().map(|t| t.text.as_str()), Some(next));
}

/// A 429 the agent gave up on makes the pane `rate_limited`; the prompt
/// goes back to the queue at no retry cost and waits, not tried again at
/// once on this pane (src/engine/limit.rs), with the agent's error line as
/// the reason it was requeued.
pub fn rate_limit_waits(c: &RealAgent, reason: &str) {
    let text = "[[429]] this request is refused";
    let id = c.d.send(&[text]);
    let seen = states_until(c, ANSWER, |state| state == "rate_limited");
    assert_eq!(
        seen.last().map(String::as_str),
        Some("rate_limited"),
        "{seen:?}\n{}",
        c.context()
    );
    let shown = c.d.ctl_json(&["show", &id.to_string()]);
    assert_eq!(
        shown["prompt"]["status"],
        "pending",
        "{shown}\n{}",
        c.context()
    );
    assert_eq!(shown["prompt"]["retry_count"], 0, "{shown}");
    let history = shown["history"].as_array().expect("history");
    let requeued = history
        .iter()
        .find(|e| e["event"] == "requeued-rate-limited");
    let detail = requeued
        .and_then(|e| e["detail"].as_str())
        .unwrap_or_default();
    assert!(detail.contains(reason), "{shown}");
    let unknown = seen.iter().any(|s| s == "unknown");
    assert!(!unknown, "states read: {seen:?}\n{}", c.context());
    // Read after all of the above: still one round of the agent's own
    // tries, and the prompt still waits.
    let tried = c.mock.requests_for(text);
    assert_eq!(c.d.status_of(id), PromptStatus::Pending, "{}", c.context());
    assert_eq!(c.mock.requests_for(text), tried, "{:?}", c.mock.turns());
    assert_eq!(c.state(), "rate_limited", "{}", c.context());
}

/// A tool call that needs approval makes the pane `waiting_approval` with
/// `option` (the selected first option) on screen; nothing is typed while
/// it is up, and once a person presses `key` the queue moves.
pub fn approval_is_left_to_a_person(c: &RealAgent, option: &str, key: &str) {
    let queued = "a prompt queued behind the dialog";
    let a = c.d.send(&["[[tool]] create the file"]);
    c.wait_state("waiting_approval", ANSWER);
    let b = c.d.send(&[queued]);
    let held = wait_until(ANSWER, || {
        c.d.ctl_json(&["show", &b.to_string()])["prompt"]["waiting_reason"]
            .as_str()
            .is_some_and(|r| r.contains("idle"))
    });
    let shown_b = || c.d.ctl_ok(&["show", &b.to_string()]);
    assert!(held, "{}\n{}", shown_b(), c.context());
    assert_eq!(c.mock.turns().len(), 1, "{:?}", c.mock.turns());
    assert!(
        !c.d.history_events(b).contains(&"pasted".to_owned()),
        "{}",
        shown_b()
    );
    let screen = c.screen();
    assert!(
        screen.contains(option) && !screen.contains(queued),
        "{}",
        c.context()
    );

    c.tmux.ok(&["send-keys", "-t", &c.pane, key]);
    c.wait_status(a, PromptStatus::Completed, ANSWER);
    assert!(c.work.join("approved.txt").exists(), "{}", c.context());
    c.wait_status(b, PromptStatus::Completed, ANSWER);
    assert_eq!(c.mock.turns().last().map(|t| t.text.as_str()), Some(queued));
}

/// An answer quoting dialog and status phrases reads only idle or busy,
/// and the next prompt goes through.
pub fn quotes_change_nothing(c: &RealAgent) {
    let a = c.d.send(&["[[quote]] quote the dialog phrases"]);
    let seen = states_until(c, ANSWER, |_| c.d.status_of(a) == PromptStatus::Completed);
    assert_eq!(
        c.d.status_of(a),
        PromptStatus::Completed,
        "{seen:?}\n{}",
        c.context()
    );
    let only_idle_or_busy = seen.iter().all(|s| s == "idle" || s == "busy");
    assert!(only_idle_or_busy, "states read: {seen:?}\n{}", c.context());
    let next = "the prompt after the quotes";
    let b = c.d.send(&[next]);
    c.wait_status(b, PromptStatus::Completed, ANSWER);
    assert_eq!(c.mock.turns().last().map(|t| t.text.as_str()), Some(next));
}
