//! What a restarted daemon reads on screens it did not see being typed:
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
