//! Screens that say less than they seem to: what a restarted daemon reads
//! on screens it did not see being typed, and an agent idle again after its
//! model API failed. A restarted daemon did not see what was typed:
//! the prompts an earlier run sent are still echoed there, and a quoted
//! status phrase in them must not hold a pane busy or in a dialog.

mod common;

use common::Fleet;

#[test]
fn a_quoted_status_phrase_typed_before_a_restart_decides_nothing() {
    let mut f = Fleet::with_agents(&["claude-1"]);
    let quoted = f.d.send(&["say 'esc to interrupt' back to me #busy=200"]);
    f.wait_status(quoted, "completed");
    f.d.kill9();
    f.d.spawn();
    f.d.wait_ready();
    f.wait_session_state("claude-1", "idle");
    let next = f.d.send(&["the next prompt #busy=100"]);
    f.wait_status(next, "completed");
    assert_eq!(f.log("claude-1").submissions().len(), 2);
    f.assert_no_violations();
}

/// An agent whose model API failed the prompt is idle again, but did not do
/// the work: the prompt fails with the agent's error line as its reason.
#[test]
fn an_api_error_fails_the_prompt_with_the_error_and_leaves_the_pane_idle() {
    let f = Fleet::with_agents(&["claude-1"]);
    let id =
        f.d.send(&["this one meets a server error #apierror #busy=100"]);
    f.wait_status(id, "failed");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    let error = shown["prompt"]["error"].as_str().unwrap();
    assert!(error.contains("API Error: 500"), "{error}");
    f.wait_session_state("claude-1", "idle");
    let next = f.d.send(&["the next one works #busy=100"]);
    f.wait_status(next, "completed");
    f.assert_no_violations();
}
