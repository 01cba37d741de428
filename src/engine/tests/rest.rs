//! Rest: with nothing queued, in hand or settling, due scans are let go,
//! and a new prompt ends the rest at once.

use std::time::Duration;

use super::fake::Agent;
use super::{Rig, SCAN, config};
use crate::protocol::PromptStatus;
use crate::store::Store;

/// One idle Claude Code, scanned every `interval`.
fn rig_scanning_every(interval: Duration) -> Rig {
    let mut config = config();
    config.scan_interval_ms = u64::try_from(interval.as_millis()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("assigner.db")).unwrap();
    Rig::configured(dir, store, [Agent::idle("%1", "claude-1")], &config)
}

#[tokio::test]
async fn an_engine_with_nothing_to_do_lets_due_scans_go_until_a_prompt_comes() {
    // A scan interval far longer than the test: the rest it stretches
    // cannot run out while the test watches.
    let mut rig = rig_scanning_every(Duration::from_secs(600));
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

#[tokio::test]
async fn a_rest_tells_the_loop_when_to_wake_and_a_person_asking_gets_a_fresh_look() {
    // Intervals long enough that "at once" below cannot be a rest late.
    let interval = Duration::from_millis(400);
    let mut rig = rig_scanning_every(interval);
    rig.run_until("rest", |r| r.engine.rest_until().is_some())
        .await;
    // Without tmux's events (the stand-in hears none) a rest is five
    // intervals from the last scan.
    let last = rig.engine.last_scan.expect("a scan before the rest");
    let until = rig.engine.rest_until().unwrap();
    assert_eq!(
        until.into_std(),
        last + interval * super::super::rest::REST_SCANS
    );
    // Asked at once, the look stands; asked after a rest, it is taken again.
    let scans = rig.engine.scans;
    rig.engine.freshen(&mut rig.store).await.unwrap();
    assert_eq!(rig.engine.scans, scans, "a fresh look taken again");
    tokio::time::sleep_until(until).await;
    rig.engine.freshen(&mut rig.store).await.unwrap();
    assert_eq!(rig.engine.scans, scans + 1, "a stale look not taken again");
    let until = rig
        .engine
        .rest_until()
        .expect("at rest again after the look");
    // `status` never waits on tmux: it asks for a look at the next turn.
    rig.engine.look_soon();
    assert!(
        rig.engine.rest_until().is_some(),
        "a fresh look asked again"
    );
    tokio::time::sleep_until(until).await;
    rig.engine.look_soon();
    assert_eq!(rig.engine.rest_until(), None);
    assert!(rig.engine.next_wake() <= tokio::time::Instant::now());
    rig.engine.step(&mut rig.store, false).await.unwrap();
    assert_eq!(rig.engine.scans, scans + 2, "no look at the next turn");
    // A prompt ends the rest: every interval counts again.
    rig.send("write the changelog");
    assert_eq!(rig.engine.rest_until(), None);
}
