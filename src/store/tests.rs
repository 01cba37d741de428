//! Store behaviour on real database files.

use super::{Claim, Phase, Store};
use crate::error::StoreError;
use crate::protocol::{NewPrompt, PromptStatus};

pub(super) fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("sub/assigner.db")).unwrap();
    (dir, store)
}

pub(super) fn prompt(text: &str) -> NewPrompt {
    NewPrompt {
        text: text.into(),
        ..NewPrompt::default()
    }
}

fn events(store: &Store, id: i64) -> Vec<String> {
    store
        .history(id)
        .unwrap()
        .into_iter()
        .map(|h| h.event)
        .collect()
}

#[test]
fn opens_in_wal_with_foreign_keys() {
    let (_d, store) = temp_store();
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .conn()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
}

#[test]
fn insert_validates_and_records_history() {
    let (_d, mut store) = temp_store();
    let id = store.insert_prompt(&prompt("hello\nworld")).unwrap();
    let p = store.prompt(id).unwrap();
    assert_eq!(p.text, "hello\nworld");
    assert_eq!(store.prompt_text(id).unwrap(), p.text);
    assert!(matches!(
        store.prompt_text(id + 1),
        Err(StoreError::NoSuchPrompt(_))
    ));
    assert_eq!(p.summary.status, PromptStatus::Pending);
    assert_eq!(p.summary.priority, 5);
    assert_eq!(p.summary.max_retries, 3);
    assert_eq!(events(&store, id), ["queued"]);
    assert!(matches!(
        store.insert_prompt(&prompt("  ")),
        Err(StoreError::Invalid(_))
    ));
    let mut bad = prompt("x");
    bad.priority = Some(11);
    assert!(matches!(
        store.insert_prompt(&bad),
        Err(StoreError::Invalid(_))
    ));
    let mut dep = prompt("x");
    dep.after = vec![999];
    assert!(matches!(
        store.insert_prompt(&dep),
        Err(StoreError::NoSuchPrompt(999))
    ));
    dep.after = vec![id];
    let second = store.insert_prompt(&dep).unwrap();
    assert_eq!(store.prompt(second).unwrap().summary.after, vec![id]);
    assert_eq!(
        store.dependency_statuses(second).unwrap(),
        vec![(id, PromptStatus::Pending)]
    );
}

#[test]
fn transitions_are_guarded_on_status() {
    let (_d, mut store) = temp_store();
    let id = store.insert_prompt(&prompt("p")).unwrap();
    assert!(matches!(
        store.retry(id, "x"),
        Err(StoreError::WrongStatus { .. })
    ));
    store.cancel(id).unwrap();
    let err = store.cancel(id).unwrap_err();
    assert_eq!(
        err.to_string(),
        "prompt 1 is cancelled; cancel needs it to be pending"
    );
    store.retry(id, "by hand").unwrap();
    let claim = Claim {
        pane: "%1".into(),
        session: "claude-1".into(),
    };
    store.claim(id, &claim).unwrap();
    assert!(matches!(
        store.claim(id, &claim),
        Err(StoreError::WrongStatus { .. })
    ));
    assert!(matches!(
        store.cancel(id),
        Err(StoreError::WrongStatus { .. })
    ));
    store.set_phase(id, Phase::Pasted, Some(40)).unwrap();
    assert_eq!(
        store.delivery_state(id).unwrap(),
        (Some(Phase::Pasted), Some(40))
    );
    store.start(id, "agent busy").unwrap();
    store.complete(id, Some("done"), "agent idle").unwrap();
    let p = store.prompt(id).unwrap();
    assert_eq!(p.summary.status, PromptStatus::Completed);
    assert_eq!(p.response.as_deref(), Some("done"));
    assert_eq!(p.summary.session.as_deref(), Some("claude-1"));
    assert_eq!(
        events(&store, id),
        [
            "queued",
            "cancelled",
            "retried",
            "assigned",
            "pasted",
            "started",
            "completed"
        ]
    );
    assert!(matches!(
        store.cancel(42),
        Err(StoreError::NoSuchPrompt(42))
    ));
}

#[test]
fn retries_respect_budget_and_requeue_costs_nothing() {
    let (_d, mut store) = temp_store();
    let mut p = prompt("p");
    p.max_retries = Some(1);
    let id = store.insert_prompt(&p).unwrap();
    let claim = Claim {
        pane: "%1".into(),
        session: "a".into(),
    };
    store.claim(id, &claim).unwrap();
    store
        .requeue(id, super::Requeue::StaleSession, "pane %1 vanished")
        .unwrap();
    assert_eq!(store.prompt(id).unwrap().summary.retry_count, 0);
    store.claim(id, &claim).unwrap();
    assert!(
        store
            .fail_and_maybe_retry(
                id,
                crate::model::FailureKind::Delivery,
                "timed out after 1 min",
                Some("%1")
            )
            .unwrap()
    );
    assert_eq!(store.last_pane(id).unwrap().as_deref(), Some("%1"));
    store.claim(id, &claim).unwrap();
    assert!(
        !store
            .fail_and_maybe_retry(
                id,
                crate::model::FailureKind::Delivery,
                "timed out after 1 min",
                Some("%1")
            )
            .unwrap()
    );
    let p = store.prompt(id).unwrap().summary;
    assert_eq!((p.status, p.retry_count), (PromptStatus::Failed, 1));
    assert_eq!(p.error.as_deref(), Some("timed out after 1 min"));
    assert!(store.retry_all_failed().unwrap().is_empty());
}

#[test]
fn a_failure_and_its_retry_are_one_transaction() {
    let (_d, mut store) = temp_store();
    let id = store.insert_prompt(&prompt("p")).unwrap();
    let claim = Claim {
        pane: "%1".into(),
        session: "a".into(),
    };
    store.claim(id, &claim).unwrap();
    // The requeue half cannot be written: nothing of the failure may stay,
    // or the prompt would sit `failed` with retries left, never retried.
    store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER refuse_retry BEFORE INSERT ON history
             WHEN NEW.event = 'retried' BEGIN SELECT RAISE(ABORT, 'disk gone'); END;",
        )
        .unwrap();
    assert!(
        store
            .fail_and_maybe_retry(id, crate::model::FailureKind::Delivery, "boom", Some("%1"))
            .is_err()
    );
    let p = store.prompt(id).unwrap().summary;
    assert_eq!((p.status, p.error), (PromptStatus::Assigned, None));
    assert_eq!(events(&store, id), ["queued", "assigned"]);
    store
        .conn()
        .execute_batch("DROP TRIGGER temp.refuse_retry")
        .unwrap();
    assert!(
        store
            .fail_and_maybe_retry(id, crate::model::FailureKind::Delivery, "boom", Some("%1"))
            .unwrap()
    );
    assert_eq!(
        events(&store, id),
        ["queued", "assigned", "failed", "retried"]
    );
    assert_eq!(
        store.prompt(id).unwrap().summary.status,
        PromptStatus::Pending
    );
}

#[test]
fn concurrent_claims_have_one_winner() {
    let (dir, mut store) = temp_store();
    let ids: Vec<i64> = (0..50)
        .map(|i| store.insert_prompt(&prompt(&format!("p{i}"))).unwrap())
        .collect();
    let path = dir.path().join("sub/assigner.db");
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let path = path.clone();
            let ids = ids.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                let claim = Claim {
                    pane: format!("%{t}"),
                    session: format!("s{t}"),
                };
                ids.iter()
                    .filter(|id| s.claim(**id, &claim).is_ok())
                    .count()
            })
        })
        .collect();
    let won: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(won, ids.len());
    for id in ids {
        assert_eq!(events(&store, id), ["queued", "assigned"]);
    }
}

#[test]
fn clear_and_counts() {
    let (_d, mut store) = temp_store();
    let a = store.insert_prompt(&prompt("a")).unwrap();
    let _b = store.insert_prompt(&prompt("b")).unwrap();
    store.cancel(a).unwrap();
    assert_eq!(
        store.counts().unwrap()[&crate::protocol::PromptStatus::Cancelled],
        1
    );
    assert_eq!(store.clear_finished(Some(1)).unwrap(), 0);
    assert_eq!(store.clear_finished(None).unwrap(), 1);
    assert!(store.history(a).unwrap().is_empty());
    assert_eq!(
        store.counts().unwrap()[&crate::protocol::PromptStatus::Pending],
        1
    );
    let (evs, last) = store.history_since(0).unwrap();
    assert_eq!(evs.len(), 1);
    assert_eq!(last, store.last_history_id().unwrap());
}

#[test]
fn clear_keeps_a_finished_prompt_that_a_waiting_prompt_depends_on() {
    let (_d, mut store) = temp_store();
    let first = store.insert_prompt(&prompt("first")).unwrap();
    store.cancel(first).unwrap();
    let mut dep = prompt("after first");
    dep.after = vec![first];
    let second = store.insert_prompt(&dep).unwrap();
    assert_eq!(store.clear_finished(None).unwrap(), 0);
    assert_eq!(
        store.dependency_statuses(second).unwrap(),
        [(first, PromptStatus::Cancelled)]
    );
    store.cancel(second).unwrap();
    assert_eq!(store.clear_finished(None).unwrap(), 2);
}

#[test]
fn refuses_newer_schema_and_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    drop(Store::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::TooNew { found: 99, .. })
    ));
    let junk = dir.path().join("junk");
    std::fs::write(&junk, vec![0x42u8; 8192]).unwrap();
    assert!(
        matches!(Store::open(&junk), Err(StoreError::Corrupt { .. })),
        "{:?}",
        Store::open(&junk).err()
    );
}
