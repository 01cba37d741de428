//! The real Codex CLI under the real daemon, offline against
//! `tests/real/mock_openai.py` (Responses API). What Codex draws in each
//! state is in tests/fixtures/screens/codex-0.171.0/NOTES.md.

use crate::real::agent::RealAgent;
use crate::real::launch::Agent;
use crate::real::{ANSWER, checks};

/// The versions driven: the latest must be installed.
const VERSIONS: &[&str] = &["0.171.0"];

/// Runs `body` against each installed version of [`VERSIONS`].
fn each_codex(body: impl Fn(&RealAgent)) {
    crate::real::each_version(Agent::Codex, VERSIONS, &[], body);
}

#[test]
fn provider_is_detected_and_the_pane_reads_idle() {
    each_codex(checks::provider_and_idle);
}

#[test]
fn delivery_is_byte_exact() {
    // Codex sends what was pasted as it is: tabs included, and a paste of
    // 3,000 characters, which its input box shows collapsed as `[Pasted
    // Content 3000 chars]`, whole (tests/real/README.md).
    each_codex(checks::delivered_as_pasted);
}

#[test]
fn completion_is_recorded_after_the_answer_with_the_answer() {
    each_codex(checks::completion_after_the_answer);
}

/// Codex shows no busy marker while it streams an answer, only the answer
/// above an input box that looks idle (NOTES.md, `busy-streaming-*`); a
/// prompt typed then is folded into the running turn.
#[test]
fn a_streaming_answer_holds_the_next_prompt_back() {
    each_codex(checks::streaming_holds_the_next_prompt_back);
}

#[test]
fn an_approval_dialog_is_left_to_a_person() {
    // A person presses `y`, the first option's key.
    each_codex(|c| checks::approval_is_left_to_a_person(c, "› 1. Yes, proceed", "y"));
}

#[test]
fn an_api_error_fails_the_prompt_and_the_pane_reads_idle() {
    // Codex retries once (launch.rs), then gives up with a `■` line above
    // its input box.
    each_codex(|c| {
        checks::api_error_fails_the_prompt(c, "■ We’re currently experiencing high demand", ANSWER);
    });
}

#[test]
fn a_rate_limit_makes_the_pane_rate_limited_and_the_prompt_waits() {
    // Codex retries once (launch.rs), then gives up with a `■` line.
    each_codex(|c| checks::rate_limit_waits(c, "■ exceeded retry limit, last status: 429"));
}

#[test]
fn quoted_dialog_phrases_do_not_change_the_state() {
    each_codex(checks::quotes_change_nothing);
}
