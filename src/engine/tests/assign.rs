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

/// A wave of prompts is checked in one round, and a pane that turned out
/// busy at the check sends its prompt to the next pane before a later
/// prompt may take that one: queue order holds, and no pane gets two.
#[tokio::test]
async fn a_pane_busy_at_the_check_never_lets_a_later_prompt_overtake() {
    // Windows quiet since long ago: once read, a scan reads them no more.
    let quiet = |id: &str, session: &str| {
        let mut agent = Agent::idle(id, session);
        agent.pane.activity = 1;
        agent
    };
    let mut rig = Rig::new([quiet("%1", "claude-1"), quiet("%2", "claude-2")]);
    rig.run_until("both idle, settled", |r| {
        let now = std::time::Instant::now();
        let panes = r.engine.panes.values();
        panes.len() == 2
            && panes
                .into_iter()
                .all(|t| t.available() && !t.unsettled(now))
    })
    .await;
    // At work since the last scan: only the check before typing sees it.
    // Of panes alike routing picks the first, so the first prompt is
    // routed to it.
    rig.tmux.with("%1", |a| a.busy = true);
    let first = rig.send("write the changelog");
    let second = rig.send("and the release notes");
    rig.run_until("start", |r| {
        r.prompt(first).status == PromptStatus::InProgress
    })
    .await;
    rig.scan(2).await;
    assert_eq!(rig.prompt(first).pane.as_deref(), Some("%2"));
    assert_eq!(rig.prompt(second).status, PromptStatus::Pending);
    assert!(rig.tmux.typed().iter().all(|t| !t.is_for("%1")));
    assert_eq!(rig.tmux.pastes("%2"), ["write the changelog"]);
}
