//! An agent TUI that never asks for bracketed paste gets a paste as bare
//! keys. A multi-line prompt must still arrive as one submission: its
//! newlines must not reach the agent as Enter (CR), or the first line is
//! submitted alone and the rest after it.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, TEST_CONFIG};

#[test]
fn a_multi_line_prompt_reaches_an_agent_without_bracketed_paste_whole() {
    let f = Fleet::new(&["claude-1"], &["--no-bracketed-paste"], TEST_CONFIG);
    let text = "line one\nline two\n  indented three";
    let id = f.d.send(&[text]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("claude-1").submissions(), [text]);
    f.assert_no_violations();
}
