//! Assignment: which pane gets a prompt, and which never does.

use super::Rig;
use super::fake::Agent;
use crate::protocol::PromptStatus;

/// Of three agents, one at work and one with a draft in its input box,
/// the prompt goes to the idle one with an empty box; the others get
/// nothing typed, and the draft stays as it was.
#[tokio::test]
async fn goes_only_to_the_idle_pane_with_an_empty_box() {
    let mut busy = Agent::idle("%1", "claude-1");
    busy.busy = true;
    let mut drafting = Agent::idle("%2", "claude-2");
    drafting.input = "half a thought".into();
    let mut rig = Rig::new([busy, drafting, Agent::idle("%3", "claude-3")]);
    rig.scan(2).await;
    let id = rig.send("write the changelog");
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    assert_eq!(rig.prompt(id).pane.as_deref(), Some("%3"));
    assert_eq!(rig.tmux.pastes("%3"), ["write the changelog"]);
    assert!(rig.tmux.typed().iter().all(|t| !t.is_for("%1")));
    assert!(rig.tmux.typed().iter().all(|t| !t.is_for("%2")));
    assert_eq!(rig.tmux.with("%2", |a| a.input.clone()), "half a thought");
}

/// With the one idle-looking agent holding a draft, the prompt waits,
/// saying why, and nothing is typed; once the draft is gone it goes there.
#[tokio::test]
async fn waits_while_the_only_box_holds_a_draft() {
    let mut drafting = Agent::idle("%1", "claude-1");
    drafting.input = "half a thought".into();
    let mut rig = Rig::new([drafting]);
    let id = rig.send("write the changelog");
    rig.run_until("a waiting reason", |r| {
        r.prompt(id).waiting_reason.is_some()
    })
    .await;
    rig.scan(3).await;
    assert_eq!(rig.prompt(id).status, PromptStatus::Pending);
    assert!(rig.tmux.typed().is_empty(), "{:?}", rig.tmux.typed());
    rig.tmux.with("%1", |a| a.input.clear());
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    assert_eq!(rig.tmux.pastes("%1"), ["write the changelog"]);
}

/// A busy agent never gets a prompt, however long it waits; once it is
/// idle, the prompt goes to it.
#[tokio::test]
async fn waits_for_a_busy_agent() {
    let mut busy = Agent::idle("%1", "claude-1");
    busy.busy = true;
    let mut rig = Rig::new([busy]);
    let id = rig.send("write the changelog");
    rig.scan(5).await;
    assert_eq!(rig.prompt(id).status, PromptStatus::Pending);
    assert!(rig.tmux.typed().is_empty(), "{:?}", rig.tmux.typed());
    rig.tmux.with("%1", |a| a.answer("done"));
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    assert_eq!(rig.tmux.pastes("%1"), ["write the changelog"]);
    assert_eq!(rig.tmux.keys("%1"), ["Enter"]);
}
