//! The real aider under the real daemon, offline against
//! `tests/real/mock_openai.py` (Chat Completions). What aider draws in each
//! state is in tests/fixtures/screens/aider-0.86.2/NOTES.md.

use std::time::Duration;

use crate::real::agent::RealAgent;
use crate::real::checks;
use crate::real::launch::Agent;

/// The versions driven: the latest must be installed.
const VERSIONS: &[&str] = &["0.86.2"];

/// Runs `body` against each installed version of [`VERSIONS`].
fn each_aider(body: impl Fn(&RealAgent)) {
    crate::real::each_version(Agent::Aider, VERSIONS, &[], body);
}

#[test]
fn provider_is_detected_and_the_pane_reads_idle() {
    each_aider(checks::provider_and_idle);
}

#[test]
fn delivery_is_byte_exact() {
    // aider sends what was pasted as it is, tabs and 3,000 characters
    // included, and appends the rules of its edit format after it, which
    // the mock's log drops (mock.rs).
    each_aider(checks::delivered_as_pasted);
}

#[test]
fn completion_is_recorded_after_the_answer_with_the_answer() {
    each_aider(checks::completion_after_the_answer);
}

/// aider draws no busy marker while an answer streams, only the answer
/// below the echoed prompt (NOTES.md, `busy-streaming-*`).
#[test]
fn a_streaming_answer_holds_the_next_prompt_back() {
    each_aider(checks::streaming_holds_the_next_prompt_back);
}

/// aider has no tool calls: it offers to run a shell command the model
/// proposed, with a `(Y)es/(N)o` question in place of its prompt. Enter
/// takes the default, `[Yes]`.
#[test]
fn an_approval_dialog_is_left_to_a_person() {
    each_aider(|c| {
        checks::approval_is_left_to_a_person(c, "Run shell command? (Y)es/(N)o", "Enter");
    });
}

/// aider retries a 500 for about 75 s, doubling its pause, and cannot be
/// told to retry less (NOTES.md); then it prints the last error above its
/// prompt.
#[test]
fn an_api_error_fails_the_prompt_and_the_pane_reads_idle() {
    let gives_up = Duration::from_secs(240);
    each_aider(|c| {
        checks::api_error_fails_the_prompt(c, "litellm.InternalServerError: ", gives_up);
    });
}

// No 429 test: aider retries a rate limit as long as a 500 (about 80 s)
// before it shows `litellm.RateLimitError: …`, which would add more than a
// minute to the suite; src/detect/api_error.rs reads that line from its
// captured screen as a rate limit, and claude.rs and codex.rs check what
// the daemon then does with the real agents.

#[test]
fn quoted_dialog_phrases_do_not_change_the_state() {
    each_aider(checks::quotes_change_nothing);
}
