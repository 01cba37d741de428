//! The real Gemini CLI under the real daemon, offline against
//! `tests/real/mock_gemini.py`. What Gemini CLI draws in each state is in
//! tests/fixtures/screens/gemini-0.61.0/NOTES.md.

use std::path::Path;

use serde_json::Value;

use crate::common::TestDaemon;
use crate::real::agent::RealAgent;
use crate::real::launch::Agent;
use crate::real::{ANSWER, checks, states_until};
use assigner::protocol::PromptStatus;

/// The versions driven: the latest must be installed.
const VERSIONS: &[&str] = &["0.61.0"];

/// Runs `body` against each installed version of [`VERSIONS`].
fn each_gemini(body: impl Fn(&RealAgent)) {
    crate::real::each_version(Agent::Gemini, VERSIONS, &[], body);
}

#[test]
fn provider_is_detected_and_the_pane_reads_idle() {
    each_gemini(checks::provider_and_idle);
}

#[test]
fn delivery_is_byte_exact() {
    // Gemini CLI sends what was pasted as it is: tabs included, and a
    // paste of 3,000 characters, which its input box shows collapsed as
    // `[Pasted Text: 3000 chars]`, whole. Its one rewriting, whitespace at
    // either end stripped (NOTES.md), does not touch these texts.
    each_gemini(checks::delivered_as_pasted);
}

#[test]
fn completion_is_recorded_after_the_answer_with_the_answer() {
    each_gemini(checks::completion_after_the_answer);
}

#[test]
fn a_streaming_answer_holds_the_next_prompt_back() {
    each_gemini(checks::streaming_holds_the_next_prompt_back);
}

#[test]
fn an_approval_dialog_is_left_to_a_person() {
    // Enter takes the selected first option.
    each_gemini(|c| checks::approval_is_left_to_a_person(c, "● 1. Allow once", "Enter"));
}

#[test]
fn quoted_dialog_phrases_do_not_change_the_state() {
    each_gemini(checks::quotes_change_nothing);
}

/// With its default `ui.errorVerbosity = "low"`, Gemini CLI 0.61.0 never
/// gives up on a 500: it retries in rounds for as long as it runs and
/// shows no error, only its `Thinking... (esc to cancel, …)` line
/// (NOTES.md). So there is no error for assigner to read: the pane reads
/// busy through the retries, never idle or unknown, and nothing is typed
/// into it; once a person presses Escape the queue moves. A 429 is the
/// same (NOTES.md), so the pane never reads `rate_limited` either.
#[test]
fn an_api_error_keeps_the_pane_busy_until_a_person_cancels() {
    let failing = "[[500]] this request fails";
    let queued = "a prompt queued behind the retries";
    each_gemini(|c| {
        let a = c.d.send(&[failing]);
        let b = c.d.send(&[queued]);
        let tries = || c.mock.requests_for(failing);
        // Two rounds' first retries: Gemini CLI waits about 5 s before the
        // second attempt and 10 s before the third.
        let seen = states_until(c, ANSWER, |_| tries() >= 3);
        assert!(tries() >= 3, "{seen:?}\n{}", c.context());
        let busy_on: Vec<&String> = seen.iter().skip_while(|s| *s != "busy").collect();
        assert!(
            !busy_on.is_empty() && busy_on.iter().all(|s| *s == "busy"),
            "states read: {seen:?}\n{}",
            c.context()
        );
        assert_eq!(
            c.d.status_of(a),
            PromptStatus::InProgress,
            "{}",
            c.context()
        );
        assert!(
            !c.d.history_events(b).contains(&"pasted".to_owned()),
            "{}",
            c.d.ctl_ok(&["show", &b.to_string()])
        );
        // Escape shows `ℹ Request cancelled.` and the input box: a
        // person's interrupt, which completes the prompt as Escape does in
        // Codex (src/detect/api_error.rs), with what the screen showed.
        c.tmux.ok(&["send-keys", "-t", &c.pane, "Escape"]);
        c.wait_status(a, PromptStatus::Completed, ANSWER);
        let response = c.response(a);
        assert!(response.contains("Request cancelled."), "{response:?}");
        c.wait_status(b, PromptStatus::Completed, ANSWER);
        assert_eq!(c.mock.turns().last().map(|t| t.text.as_str()), Some(queued));
    });
}

/// `assignerctl hooks install gemini` merges an AfterAgent hook into the
/// settings Gemini CLI already has; the real agent runs it, and its
/// payload's answer completes the prompt. `hooks uninstall gemini` then
/// leaves the settings as they were.
#[test]
fn the_installed_after_agent_hook_completes_the_prompt() {
    let settings = |home: &Path| home.join(".gemini/settings.json");
    let read = |home: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(settings(home)).unwrap()).unwrap()
    };
    let install = |home: &Path, d: &TestDaemon| {
        let before = read(home);
        let path = settings(home);
        d.ctl_ok(&[
            "hooks",
            "install",
            "gemini",
            "--settings",
            path.to_str().unwrap(),
        ]);
        let after = read(home);
        let hooks = after["hooks"]["AfterAgent"].to_string();
        assert!(hooks.contains("--from-hook gemini"), "{after}");
        let mut without = after.clone();
        without.as_object_mut().unwrap().remove("hooks");
        assert_eq!(without, before, "the other settings changed");
    };
    let text = "[[slow=2]] a short answer in four lines";
    let home_of = |c: &RealAgent| c.tmux.dir().join("home");
    crate::real::each_version_set_up(Agent::Gemini, VERSIONS, &[], &install, |c| {
        let id = c.d.send(&[text]);
        c.wait_status(id, PromptStatus::Completed, ANSWER);
        let shown = c.d.ctl_json(&["show", &id.to_string()]);
        let history = shown["history"].as_array().expect("history");
        let completed = history.iter().find(|h| h["event"] == "completed");
        let detail = completed.map(|h| h["detail"].clone()).unwrap_or_default();
        assert_eq!(detail, "reported by agent hook", "{shown}\n{}", c.context());
        // The payload's answer: the model's words, none of the screen.
        // Gemini CLI 0.61.0 passes the whole answer followed by its later
        // streamed parts again (`\n Slow line 2 of 4.\n …`); that is what
        // is stored.
        let response = c.response(id);
        let answer = "Slow line 1 of 4.\nSlow line 2 of 4.\nSlow line 3 of 4.\nSlow line 4 of 4.\n";
        assert!(
            response.starts_with(answer),
            "{response:?}\n{}",
            c.context()
        );
        assert!(!response.contains("Type your message"), "{response:?}");
        let home = home_of(c);
        let path = settings(&home);
        let with = read(&home);
        c.d.ctl_ok(&[
            "hooks",
            "uninstall",
            "gemini",
            "--settings",
            path.to_str().unwrap(),
        ]);
        let mut expected = with;
        expected.as_object_mut().unwrap().remove("hooks");
        assert_eq!(read(&home), expected);
    });
}
