//! Deliveries the agent did not visibly take: the prompt is sent again only
//! when its text is verifiably unsent (cleared from the input box), and
//! fails without a retry when that cannot be shown. Never run twice.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, TEST_CONFIG};
use serde_json::json;

#[test]
fn text_left_in_the_input_box_is_cleared_and_sent_again() {
    for (extra, text) in [
        (vec![], "refactor the parser module"),
        // Shown as "[Pasted text #1 +1 lines]" in the box.
        (
            vec!["--collapse-pastes"],
            "refactor the parser\nand its tests",
        ),
    ] {
        let mut flags = vec!["--ignore-enters", "2"];
        flags.extend(extra);
        let f = Fleet::new(&["claude-1"], &flags, TEST_CONFIG);
        let id = f.d.send(&[text]);
        f.wait_status(id, "completed");
        let log = f.log("claude-1");
        assert_eq!(log.submissions(), [text], "{flags:?}");
        let cleared: Vec<_> = log
            .entries()
            .into_iter()
            .filter(|e| e.get("cleared").is_some())
            .collect();
        assert_eq!(cleared, [json!({ "cleared": text })], "{flags:?}");
        let shown = f.d.ctl_json(&["show", &id.to_string()]);
        assert_eq!(shown["prompt"]["retry_count"], 1, "{shown}");
        let events = f.d.history_events(id);
        assert_eq!(
            events.iter().filter(|e| *e == "assigned").count(),
            2,
            "{events:?}"
        );
        assert!(events.contains(&"retried".to_owned()), "{events:?}");
        f.assert_no_violations();
    }
}

#[test]
fn text_that_cannot_be_cleared_fails_without_a_retry() {
    let f = Fleet::new(
        &["claude-1"],
        &["--ignore-enters", "2", "--ignore-clear"],
        TEST_CONFIG,
    );
    let id = f.d.send(&["refactor the parser module"]);
    f.wait_status(id, "failed");
    let shown = f.d.ctl_json(&["show", &id.to_string()]);
    let error = shown["prompt"]["error"].as_str().unwrap();
    assert!(
        error.contains("still in the input box") && error.contains("not sent again"),
        "{error}"
    );
    assert_eq!(shown["prompt"]["retry_count"], 0, "{shown}");
    assert!(!f.d.history_events(id).contains(&"retried".to_owned()));
    assert!(f.log("claude-1").submissions().is_empty());
    f.assert_no_violations();
}
