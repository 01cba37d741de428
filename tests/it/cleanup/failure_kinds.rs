//! `cleanup` decides by a failure's recorded kind, never by its wording;
//! the text is read only for failures recorded without one (a database an
//! older daemon wrote, or the original worker's).

use assigner::model::FailureKind;
use assigner::protocol::{MAYBE_DELIVERED, PromptInfo};
use assigner::store::Store;

use crate::cleanup::fixtures::*;

#[test]
fn the_kind_decides_and_the_wording_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let no_server = dir.path().join("no-tmux");
    let mut store = Store::open(&db).unwrap();
    let reworded = failed_as(
        &mut store,
        "its session never came",
        Some("nowhere"),
        FailureKind::MissingTarget,
        "gave up waiting: no session called nowhere",
    );
    let quoting = failed_as(
        &mut store,
        "the agent quoted a tmux error",
        Some("here"),
        FailureKind::Agent,
        "agent hook reported a failure: target session 'here' not found in tmux",
    );
    let unsure = failed_as(
        &mut store,
        "never confirmed",
        None,
        FailureKind::MaybeDelivered,
        "Enter may or may not have reached it",
    );
    let plain = failed_as(
        &mut store,
        "withdrawn",
        None,
        FailureKind::Delivery,
        &format!("a quoted reason: {MAYBE_DELIVERED}"),
    );
    drop(store);

    let dry = offline_ok(&db, &no_server, &["--retry-failed"]);
    let actions = strings(&dry["actions"]);
    let has = |want: &str| actions.iter().any(|a| a.contains(want));
    assert!(
        has(&format!(
            "reset prompt {reworded} to pending (its session 'nowhere' was missing"
        )),
        "{actions:?}"
    );
    assert!(!has(&format!("reset prompt {quoting} ")), "{actions:?}");
    assert!(
        has(&format!("retry prompt {quoting} (retry 1 of 3")),
        "{actions:?}"
    );
    assert!(
        has(&format!(
            "retry prompt {unsure} (retry 1 of 3; error cleared); its delivery was never confirmed"
        )),
        "{actions:?}"
    );
    assert!(
        !has(&format!(
            "retry prompt {plain} (retry 1 of 3; error cleared); its"
        )),
        "{actions:?}"
    );

    let shown = Store::open(&db).unwrap().prompt(reworded).unwrap();
    assert_eq!(shown.summary.failure_kind, Some(FailureKind::MissingTarget));
    let wire = serde_json::to_value(PromptInfo::from(shown)).unwrap();
    assert_eq!(wire["failure_kind"], "missing_target");
}

#[test]
fn a_database_from_before_failure_kinds_is_read_by_its_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let no_server = dir.path().join("no-tmux");
    let mut store = Store::open(&db).unwrap();
    let missing = failed(
        &mut store,
        "failed the old way",
        Some("test-claude"),
        GUIDE_ERROR,
    );
    // Schema 2, as an older daemon left it: a dry run opens it read-only
    // and migrates nothing.
    store
        .conn()
        .execute_batch("ALTER TABLE prompts DROP COLUMN failure_kind; PRAGMA user_version = 2;")
        .unwrap();
    drop(store);

    let dry = offline_ok(&db, &no_server, &[]);
    let actions = strings(&dry["actions"]);
    assert!(
        actions
            .iter()
            .any(|a| a.contains(&format!("reset prompt {missing} to pending"))),
        "{actions:?}"
    );
}
