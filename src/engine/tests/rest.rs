//! Rest: with nothing queued, in hand or settling, due scans are let go,
//! and a new prompt ends the rest at once.

use super::fake::Agent;
use super::{Rig, SCAN, config};
use crate::protocol::PromptStatus;
use crate::store::Store;

#[tokio::test]
async fn an_engine_with_nothing_to_do_lets_due_scans_go_until_a_prompt_comes() {
    // A scan interval far longer than the test: the rest it stretches
    // cannot run out while the test watches.
    let mut long = config();
    long.scan_interval_ms = 600_000;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("assigner.db")).unwrap();
    let mut rig = Rig::configured(dir, store, [Agent::idle("%1", "claude-1")], &long);
    // At rest, with no quick look still due from the first reads.
    rig.run_until("rest", |r| {
        r.engine.next_fast.is_none() && r.engine.resting(&r.store).unwrap_or(false)
    })
    .await;
    let scans = rig.engine.scans;
    for _ in 0..10 {
        tokio::time::sleep(SCAN).await;
        rig.engine.step(&mut rig.store, true).await.unwrap();
    }
    assert_eq!(rig.engine.scans, scans, "scans while at rest");
    let id = rig.send("write the changelog");
    assert!(!rig.engine.resting(&rig.store).unwrap());
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    assert_eq!(rig.tmux.pastes("%1"), ["write the changelog"]);
}
