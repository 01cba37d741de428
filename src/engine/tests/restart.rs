//! Restart recovery: an engine starting on a database that holds prompts
//! in flight resolves each from its recorded phase and what its pane
//! shows, never typing it again blindly.

use super::Rig;
use super::fake::Agent;
use crate::model::FailureKind;
use crate::protocol::{MAYBE_DELIVERED, NewPrompt, PromptStatus};
use crate::store::{Claim, Phase, Store};

const TEXT: &str = "bump the version";

/// A database on which an earlier run claimed a prompt for pane `%1` and
/// got as far as `phase`.
fn left_in_flight(phase: Phase) -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("assigner.db")).unwrap();
    let id = store
        .insert_prompt(&NewPrompt {
            text: TEXT.into(),
            ..NewPrompt::default()
        })
        .unwrap();
    let claim = Claim {
        pane: "%1".into(),
        session: "claude-1".into(),
    };
    store.claim(id, &claim).unwrap();
    if phase != Phase::Claimed {
        store.set_phase(id, phase, Some(0)).unwrap();
    }
    (dir, store, id)
}

/// The engine of the next run, over `agents`, after its first steps.
async fn restarted(phase: Phase, agents: Vec<Agent>) -> (Rig, i64) {
    let (dir, store, id) = left_in_flight(phase);
    let mut rig = Rig::on(dir, store, agents);
    rig.run_until("recovery", |r| r.engine.recovered).await;
    (rig, id)
}

/// Claimed, and the pane shows nothing of it: nothing was typed, so it
/// goes back to the queue at no retry cost and is delivered once.
#[tokio::test]
async fn claimed_and_nothing_typed_is_delivered_afresh() {
    let (mut rig, id) = restarted(Phase::Claimed, vec![Agent::idle("%1", "claude-1")]).await;
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    assert!(rig.events(id).contains(&"requeued".to_owned()));
    assert_eq!(rig.prompt(id).retry_count, 0);
    assert_eq!(rig.tmux.pastes("%1"), [TEXT]);
}

/// Pasted, and the text still in the input box: Enter is pressed and the
/// prompt runs; nothing is pasted again.
#[tokio::test]
async fn pasted_and_held_in_the_box_is_submitted_with_enter() {
    let mut agent = Agent::idle("%1", "claude-1");
    agent.input = TEXT.into();
    let (mut rig, id) = restarted(Phase::Pasted, vec![agent]).await;
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    assert!(rig.tmux.pastes("%1").is_empty());
    assert_eq!(rig.tmux.keys("%1"), ["Enter"]);
    assert!(rig.events(id).contains(&"recovered".to_owned()));
}

/// Pasted, and the agent at work on it: it runs, and nothing is typed.
#[tokio::test]
async fn pasted_and_at_work_is_watched() {
    let mut agent = Agent::idle("%1", "claude-1");
    agent.transcript.push(format!("> {TEXT}"));
    agent.busy = true;
    let (rig, id) = restarted(Phase::Pasted, vec![agent]).await;
    assert_eq!(rig.prompt(id).status, PromptStatus::InProgress);
    assert!(rig.tmux.typed().is_empty(), "{:?}", rig.tmux.typed());
}

/// Pasted, and an idle agent with an empty box that shows nothing of it:
/// the agent may have it, so it fails without a retry and nothing is typed.
#[tokio::test]
async fn pasted_with_nothing_to_show_fails_as_maybe_delivered() {
    let (rig, id) = restarted(Phase::Pasted, vec![Agent::idle("%1", "claude-1")]).await;
    let p = rig.prompt(id);
    assert_eq!(p.status, PromptStatus::Failed);
    assert_eq!(p.failure_kind, Some(FailureKind::MaybeDelivered));
    assert!(p.error.unwrap_or_default().contains(MAYBE_DELIVERED));
    assert!(rig.tmux.typed().is_empty(), "{:?}", rig.tmux.typed());
}

/// Its pane gone: back in the queue at no retry cost, and delivered to
/// another agent.
#[tokio::test]
async fn a_prompt_whose_pane_is_gone_goes_to_another() {
    let (mut rig, id) = restarted(Phase::Pasted, vec![Agent::idle("%2", "claude-2")]).await;
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    let p = rig.prompt(id);
    assert_eq!((p.pane.as_deref(), p.retry_count), (Some("%2"), 0));
    assert_eq!(rig.tmux.pastes("%2"), [TEXT]);
}
