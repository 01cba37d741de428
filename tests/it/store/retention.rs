//! Retention: old finished prompts are pruned at start-up and when a reload
//! shortens `retention_days`; failed and pending prompts stay.

use crate::common::daemon::TEST_CONFIG;
use crate::common::{TestDaemon, WAIT, wait_until};
use assigner::protocol::PromptStatus;
use assigner::store::{Claim, Store};

/// How a test prompt finished.
#[derive(Clone, Copy)]
enum End {
    Completed,
    Cancelled,
    Failed,
}

/// Queues and finishes a prompt, then back-dates its finish by `days`.
fn finished(store: &mut Store, text: &str, end: End, days: u32) -> i64 {
    let id = store
        .insert_prompt(&assigner::protocol::NewPrompt {
            text: text.into(),
            ..Default::default()
        })
        .unwrap();
    if let End::Cancelled = end {
        store.cancel(id).unwrap();
    } else if let End::Failed = end {
        store
            .fail(id, assigner::model::FailureKind::Agent, "agent crashed")
            .unwrap();
    } else {
        store
            .claim(
                id,
                &Claim {
                    pane: "%1".into(),
                    session: "a".into(),
                },
            )
            .unwrap();
        store.complete(id, Some("done"), "test").unwrap();
    }
    store
        .conn()
        .execute(
            "UPDATE prompts SET finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now', ?2) WHERE id = ?1",
            rusqlite::params![id, format!("-{days} days")],
        )
        .unwrap();
    id
}

#[test]
fn retention_days_prunes_old_finished_prompts_at_start_and_on_reload() {
    let mut d = TestDaemon::builder()
        .config(&format!("retention_days = 4\n{TEST_CONFIG}"))
        .unstarted();
    let mut store = Store::open(&d.db).unwrap();
    let three_days = finished(&mut store, "three days done", End::Completed, 3);
    let old_cancelled = finished(&mut store, "old cancelled", End::Cancelled, 5);
    let old_failed = finished(&mut store, "old failed", End::Failed, 5);
    let recent = finished(&mut store, "recent", End::Completed, 1);
    let pending = store
        .insert_prompt(&assigner::protocol::NewPrompt {
            text: "waiting".into(),
            ..Default::default()
        })
        .unwrap();
    drop(store);
    d.spawn();
    d.wait_ready();
    assert_eq!(
        d.ctl(&["show", &old_cancelled.to_string()]).status.code(),
        Some(66)
    );
    assert!(d.logs().contains("pruned finished prompts"));
    assert_eq!(d.status_of(three_days), PromptStatus::Completed);
    // Failed prompts are kept for cleanup and retry.
    assert_eq!(d.status_of(old_failed), PromptStatus::Failed);
    // A shorter retention applies as soon as the config is reloaded.
    std::fs::write(&d.config, format!("retention_days = 2\n{TEST_CONFIG}")).unwrap();
    d.signal(nix::sys::signal::Signal::SIGHUP);
    let pruned = wait_until(WAIT, || {
        d.ctl(&["show", &three_days.to_string()]).status.code() == Some(66)
    });
    assert!(
        pruned,
        "reload did not apply the new retention:\n{}",
        d.logs()
    );
    assert_eq!(d.status_of(recent), PromptStatus::Completed);
    assert_eq!(d.status_of(pending), PromptStatus::Pending);
    // `clear` without --days removes every finished prompt.
    assert_eq!(d.ctl_ok(&["clear"]), "deleted 1 finished prompt(s)\n");
    assert_eq!(d.status_of(pending), PromptStatus::Pending);
    assert_eq!(d.status_of(old_failed), PromptStatus::Failed);
}
