//! Agents slow to draw what they are given, as on a loaded machine: the
//! Enter waits until the paste shows in the input box, since an agent that
//! reads the Enter before the paste is drawn may lose it or take it into
//! the paste, and a rescue Enter then lands in a working agent.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::Fleet;

#[test]
fn the_enter_waits_for_a_paste_drawn_late() {
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 60\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let f = Fleet::new(&["claude-1"], &["--slow-redraw", "600"], config);
    let id = f.d.send(&["drawn late #busy=1500"]);
    f.wait_status(id, "completed");
    assert_eq!(f.log("claude-1").submissions(), ["drawn late #busy=1500"]);
    let events = f.d.history_events(id);
    assert!(!events.contains(&"rescue-enter".to_owned()), "{events:?}");
    f.assert_no_violations();
}
