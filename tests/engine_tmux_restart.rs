//! A tmux server that restarts while prompts are in flight: pane ids are
//! reused by the new server, and nothing meant for a pane of the old one
//! may reach the pane that has its id now.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

mod common;

use common::{Fleet, WAIT, wait_until};

#[test]
fn pane_ids_reused_by_a_new_tmux_server_are_not_mistaken_after_a_restart() {
    let mut f = Fleet::new(&["claude-1"], &["--busy-ms", "60000"], common::TEST_CONFIG);
    let id = f.d.send(&["was running when everything died"]);
    f.wait_status(id, "in_progress");
    let old_pane = f.panes["claude-1"].clone();
    f.d.kill9();
    f.tmux.kill_server();
    // A new server hands out the same pane id to a different agent.
    let (pane, log) = f.tmux.start_agent("claude-2", &[]);
    assert_eq!(
        pane, old_pane,
        "tmux did not reuse the pane id; the test proves nothing"
    );
    f.logs.insert("claude-2".into(), log);
    f.d.spawn();
    f.d.wait_ready();
    f.wait_status(id, "completed");
    assert_eq!(
        f.log("claude-2").submissions(),
        ["was running when everything died"]
    );
    assert!(
        f.d.history_events(id)
            .contains(&"requeued-from-stale-session".to_owned())
    );
}

#[test]
fn a_delivery_cut_off_by_a_tmux_restart_types_nothing_into_the_new_server() {
    // A long settle holds the delivery between its paste and its Enter.
    let config = "scan_interval_ms = 100\n[delivery]\nsettle_ms = 2000\nverify_ms = 800\ncompletion_debounce_ms = 300\n";
    let f = Fleet::new(&["claude-1"], &[], config);
    let id = f.d.send(&["typed into the old server"]);
    let pasted = wait_until(WAIT, || {
        f.d.history_events(id).contains(&"pasted".to_owned())
    });
    assert!(pasted, "{:?}", f.d.history_events(id));
    let old_pane = f.panes["claude-1"].clone();
    f.tmux.kill_server();
    // The new server gives the old pane id to an agent holding a person's
    // draft, which a stray Enter would submit...
    let (pane, drafted) = f.tmux.start_agent("claude-1", &[]);
    assert_eq!(pane, old_pane, "tmux did not reuse the pane id");
    f.tmux.ok(&["send-keys", "-t", &pane, "-l", "my own draft"]);
    // ...and another agent takes the requeued prompt, after the same settle
    // the cut-off delivery would have waited out.
    let (_, other) = f.tmux.start_agent("claude-2", &[]);
    f.wait_status(id, "completed");
    assert_eq!(other.submissions(), ["typed into the old server"]);
    assert!(
        drafted.submissions().is_empty(),
        "the cut-off delivery pressed Enter in the new server's pane: {:?}",
        drafted.submissions()
    );
    assert!(f.d.logs().contains("delivery stopped: its pane is gone"));
}
