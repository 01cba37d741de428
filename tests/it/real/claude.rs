//! The real Claude Code under the real daemon: each check runs against
//! every installed version of [`VERSIONS`].

use crate::real::agent::RealAgent;
use crate::real::launch::Agent;
use crate::real::{ANSWER, checks, mock};
use assigner::protocol::PromptStatus;

/// The versions driven: the latest must be installed, the others are
/// driven when they are.
const VERSIONS: &[&str] = &["2.1.332", "2.1.197"];

/// Runs `body` against each installed version of [`VERSIONS`].
fn each_claude(extra_env: &[(&str, &str)], body: impl Fn(&RealAgent)) {
    crate::real::each_version(Agent::Claude, VERSIONS, extra_env, body);
}

#[test]
fn provider_is_detected_and_the_pane_reads_idle() {
    each_claude(&[], checks::provider_and_idle);
}

#[test]
fn delivery_is_byte_exact() {
    // Five lines, so both versions collapse the paste to `[Pasted text #1
    // +4 lines]` and 2.1.332 wraps it; a tab, which both turn into four
    // spaces.
    let text = checks::AWKWARD;
    let expected = text.replace('\t', "    ");
    each_claude(&[], |c| {
        let id = c.d.send(&[text]);
        c.wait_status(id, PromptStatus::Completed, ANSWER);
        let turns = c.mock.turns();
        assert_eq!(turns.len(), 1, "{}: {turns:?}", c.version);
        let received = &turns[0].text;
        assert_eq!(
            mock::unwrap_pasted(received),
            expected,
            "{}: received {received:?}",
            c.version
        );
    });
}

#[test]
fn a_streaming_answer_holds_the_next_prompt_back() {
    each_claude(&[], checks::streaming_holds_the_next_prompt_back);
}

#[test]
fn an_api_error_fails_the_prompt_and_the_pane_reads_idle() {
    // Without retries Claude Code shows the error at once, drawn as after
    // its ten (tests/real/README.md).
    each_claude(&[("CLAUDE_CODE_MAX_RETRIES", "0")], |c| {
        checks::api_error_fails_the_prompt(c, "API Error: 500 Internal server error", ANSWER);
    });
}

#[test]
fn a_rate_limit_makes_the_pane_rate_limited_and_the_prompt_waits() {
    // Without retries Claude Code shows the 429 at once, drawn as after
    // its ten.
    each_claude(&[("CLAUDE_CODE_MAX_RETRIES", "0")], |c| {
        checks::rate_limit_waits(c, "API Error: Request rejected (429)");
    });
}

#[test]
fn an_approval_dialog_is_left_to_a_person() {
    each_claude(&[], |c| {
        checks::approval_is_left_to_a_person(c, "❯ 1. Yes", "Enter");
    });
}

#[test]
fn quoted_dialog_phrases_do_not_change_the_state() {
    each_claude(&[], checks::quotes_change_nothing);
}
