//! Salvage of a corrupt database keeps what the readable rows say: a
//! prompt an agent is working on stays in flight on its pane, for restart
//! recovery to resolve from that pane, and never goes to a second agent.

use std::path::Path;

use assigner::maintenance::{Recovery, open_checked};
use assigner::pool::PoolScale;
use assigner::protocol::{NewPrompt, PromptStatus, SessionInfo, SessionState};
use assigner::store::{Claim, Phase, SessionRow, Store};
use rusqlite::Connection;

/// Overwrites the root page of the index `name` (small enough to be a
/// single leaf) with garbage; every table row stays readable.
fn corrupt_index(db: &Path, name: &str) {
    let page_size = crate::common::pages::checkpointed_page_size(db);
    let conn = Connection::open(db).unwrap();
    let root: usize = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND name = ?1",
            [name],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(db).unwrap();
    let page = &mut bytes[(root - 1) * page_size..root * page_size];
    assert_eq!(page[0], 0x0A, "index {name} is not a single leaf page");
    page.fill(0xA5);
    std::fs::write(db, bytes).unwrap();
}

fn queue(store: &mut Store, text: &str) -> i64 {
    store
        .insert_prompt(&NewPrompt {
            text: text.into(),
            ..NewPrompt::default()
        })
        .unwrap()
}

fn claim(store: &mut Store, id: i64, pane: &str) {
    let claim = Claim {
        pane: pane.into(),
        session: format!("agent{pane}"),
    };
    store.claim(id, &claim).unwrap();
}

/// A prompt an agent on `pane` is working on.
fn at_work(store: &mut Store, pane: &str) -> i64 {
    let id = queue(store, "an agent is working on this");
    claim(store, id, pane);
    store.set_phase(id, Phase::Pasted, Some(40)).unwrap();
    store.start(id, "agent busy").unwrap();
    id
}

/// A database that `fill` writes, whose queue index is then damaged, opened
/// again: the rebuilt store, what the salvage said, and what `fill` gave.
fn salvaged<T>(fill: impl FnOnce(&mut Store) -> T) -> (tempfile::TempDir, Store, Recovery, T) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("assigner.db");
    let mut store = Store::open(&db).unwrap();
    let filled = fill(&mut store);
    drop(store);
    corrupt_index(&db, "prompts_queue");
    let (store, recovery) = open_checked(&db).unwrap();
    let recovery = recovery.expect("the damaged index was found");
    (dir, store, recovery, filled)
}

#[test]
fn prompts_in_flight_keep_status_phase_and_pane_through_salvage() {
    let (_dir, store, recovery, (waiting, working, before)) = salvaged(|store| {
        let waiting = queue(store, "still waiting");
        let working = at_work(store, "%7");
        let pasted = queue(store, "pasted, not yet submitted");
        claim(store, pasted, "%8");
        store.set_phase(pasted, Phase::Pasted, Some(12)).unwrap();
        (waiting, working, store.in_flight().unwrap())
    });
    assert_eq!(recovery.salvaged.prompts, 3);
    assert_eq!(recovery.salvaged.prompts_lost, 0);
    assert_eq!(recovery.salvaged.in_flight, 2);
    assert!(
        recovery
            .notice()
            .contains("2 in flight left to restart recovery"),
        "{}",
        recovery.notice()
    );
    let after = store.in_flight().unwrap();
    let kept = |f: &assigner::store::InFlight| (f.id, f.status, f.pane.clone(), f.phase, f.mark);
    assert_eq!(
        after.iter().map(kept).collect::<Vec<_>>(),
        before.iter().map(kept).collect::<Vec<_>>()
    );
    assert_eq!(after[0].status, PromptStatus::InProgress);
    assert_eq!(after[0].pane.as_deref(), Some("%7"));
    assert_eq!(
        store.prompt(waiting).unwrap().summary.status,
        PromptStatus::Pending
    );
    let last = store.history(working).unwrap().pop().unwrap();
    assert_eq!(last.event, "recovered");
    assert!(
        last.detail
            .as_deref()
            .unwrap_or_default()
            .contains("it was in_progress, and restart recovery resolves it from its pane"),
        "{last:?}"
    );
}

/// The session rows name the tmux server the panes were on. Without them a
/// restarted daemon cannot tell a tmux socket out of reach from a server
/// that is gone, and sends the prompts kept in flight to second agents.
#[test]
fn session_rows_and_their_tmux_server_survive_salvage() {
    let (_dir, store, _, working) = salvaged(|store| {
        let working = at_work(store, "%7");
        store.upsert_session(&session_row(working)).unwrap();
        working
    });
    let sessions = store.sessions().unwrap();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!(sessions[0].server_pid, Some(4242));
    assert_eq!(sessions[0].info.prompt, Some(working));
}

/// Pane %7 of tmux server 4242, busy with prompt `working`.
fn session_row(working: i64) -> SessionRow {
    SessionRow {
        info: SessionInfo {
            name: "agent%7".into(),
            pane: "%7".into(),
            provider: "claude".into(),
            state: SessionState::Busy,
            rule: None,
            working_dir: None,
            branch: None,
            command: Some("claude".into()),
            prompt: Some(working),
            excluded: false,
            last_activity: None,
        },
        server_pid: Some(4242),
        session_name: "agent".into(),
        window: 0,
        index: 0,
        pane_pid: Some(4343),
    }
}

/// A pool scaled by hand keeps its count: without it the rebuilt daemon
/// would start again at the config's count, stopping or starting agents
/// nobody asked for.
#[test]
fn pools_scaled_by_hand_keep_their_counts_through_salvage() {
    let scale = PoolScale {
        count: 5,
        config_count: 2,
    };
    let (_dir, store, _, ()) = salvaged(|store| {
        queue(store, "a prompt, so the index has a page");
        store.set_pool_scale("claude", Some(scale)).unwrap();
    });
    assert_eq!(store.pool_scales().unwrap(), [("claude".to_owned(), scale)]);
}

/// A damaged page of the schema itself (once it outgrew page 1) leaves
/// nothing to read: the rebuild says every prompt is lost, never that
/// there were none.
#[test]
fn a_damaged_schema_is_reported_as_every_prompt_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("assigner.db");
    let mut store = Store::open(&db).unwrap();
    queue(&mut store, "lost with the schema");
    drop(store);
    let page_size = crate::common::pages::checkpointed_page_size(&db);
    let bytes = std::fs::read(&db).unwrap();
    // The first page past page 1 whose loss hides the prompts table.
    let schema_page = (2..=bytes.len() / page_size)
        .find(|p| {
            let mut b = bytes.clone();
            b[(p - 1) * page_size..p * page_size].fill(0xA5);
            let probe = dir.path().join("probe.db");
            std::fs::write(&probe, b).unwrap();
            let conn = Connection::open(&probe).unwrap();
            conn.prepare("PRAGMA table_info(prompts)")
                .and_then(|mut s| s.query_map([], |_| Ok(()))?.collect::<Result<Vec<_>, _>>())
                .is_err()
        })
        .expect("the schema fits on page 1: nothing to damage");
    let mut bytes = bytes;
    bytes[(schema_page - 1) * page_size..schema_page * page_size].fill(0xA5);
    std::fs::write(&db, bytes).unwrap();

    let (store, recovery) = open_checked(&db).unwrap();
    let recovery = recovery.expect("the damaged schema was not found");
    assert!(recovery.salvaged.schema_lost, "{recovery:?}");
    assert!(
        recovery.notice().contains("every prompt it held is lost"),
        "{}",
        recovery.notice()
    );
    assert_eq!(store.counts().unwrap().values().sum::<u64>(), 0);
}
