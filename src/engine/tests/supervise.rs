//! Supervision: when a prompt counts as completed, and what its timeout
//! does.

use std::time::{Duration, Instant};

use super::fake::Agent;
use super::{Rig, config};
use crate::engine::pane_job::PaneJob;
use crate::model::FailureKind;
use crate::protocol::{MAYBE_DELIVERED, PromptStatus};

/// Delivers `text` to the one agent of a new rig and waits until it runs.
async fn running(agent: Agent, text: &str) -> (Rig, i64) {
    let mut rig = Rig::new([agent]);
    let id = rig.send(text);
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    (rig, id)
}

/// A working agent's prompt stays in progress, scan after scan; once the
/// agent is idle again it completes, no sooner than the completion
/// debounce after, with the agent's answer as its response.
#[tokio::test]
async fn completes_once_the_agent_has_been_idle_for_the_debounce() {
    let (mut rig, id) = running(Agent::idle("%1", "claude-1"), "sum the column").await;
    rig.scan(5).await;
    assert_eq!(rig.prompt(id).status, PromptStatus::InProgress);
    let answered = Instant::now();
    rig.tmux.with("%1", |a| a.answer("The total is 42."));
    rig.run_until("completion", |r| {
        r.prompt(id).status == PromptStatus::Completed
    })
    .await;
    let debounce = Duration::from_millis(config().delivery.completion_debounce_ms);
    assert!(answered.elapsed() >= debounce);
    let response = rig.prompt(id).response.unwrap_or_default();
    assert!(response.contains("The total is 42."), "{response}");
}

/// An answer that ends in the model API's error fails the prompt, saying
/// so, rather than completing it.
#[tokio::test]
async fn an_api_error_at_the_end_fails_the_prompt() {
    let (mut rig, id) = running(Agent::idle("%1", "claude-1"), "sum the column").await;
    rig.tmux
        .with("%1", |a| a.answer("API Error: 500 internal server error"));
    rig.run_until("failure", |r| r.prompt(id).status == PromptStatus::Failed)
        .await;
    let p = rig.prompt(id);
    assert_eq!(p.failure_kind, Some(FailureKind::Agent));
    assert!(p.error.unwrap_or_default().contains("API Error: 500"));
}

/// Makes prompt `id`'s timeout due now: the store keeps it in whole
/// minutes, which no test waits out.
fn time_out_now(rig: &mut Rig, pane: &str) {
    let t = rig.engine.panes.get_mut(pane).unwrap();
    match &mut t.job {
        PaneJob::Running(w) => w.timeout = Some(Duration::ZERO),
        other => panic!("{pane} runs nothing: {other:?}"),
    }
}

/// Past its timeout the agent is interrupted with Escape; one that stops
/// and shows an empty input box has let go of the prompt, which is tried
/// again (on the one agent there is) at the cost of a retry.
#[tokio::test]
async fn a_timeout_interrupts_and_retries_once_the_agent_let_go() {
    let (mut rig, id) = running(Agent::idle("%1", "claude-1"), "sum the column").await;
    time_out_now(&mut rig, "%1");
    rig.run_until("a retry", |r| {
        let p = r.prompt(id);
        p.retry_count == 1 && p.status == PromptStatus::InProgress
    })
    .await;
    assert_eq!(rig.tmux.pastes("%1").len(), 2);
    assert_eq!(rig.tmux.keys("%1"), ["Enter", "Escape", "Enter"]);
    assert_eq!(rig.prompt(id).retry_count, 1);
    assert!(
        rig.events(id).contains(&"retried".to_owned()),
        "{:?}",
        rig.events(id)
    );
}

/// An agent that keeps working after the Escape may still have the
/// prompt: it fails without a retry, saying so.
#[tokio::test]
async fn a_timeout_fails_while_the_agent_keeps_working() {
    let mut agent = Agent::idle("%1", "claude-1");
    agent.stops = false;
    let (mut rig, id) = running(agent, "sum the column").await;
    time_out_now(&mut rig, "%1");
    rig.run_until("failure", |r| r.prompt(id).status == PromptStatus::Failed)
        .await;
    let p = rig.prompt(id);
    let error = p.error.unwrap_or_default();
    assert!(error.contains("still busy after Escape"), "{error}");
    assert!(error.contains(MAYBE_DELIVERED), "{error}");
    assert_eq!(p.retry_count, 0);
    assert_eq!(rig.tmux.pastes("%1").len(), 1);
}

/// A pane that closes while its prompt runs is retired, and the prompt
/// goes back to the queue at no retry cost, to the agent left.
#[tokio::test]
async fn a_closed_pane_gives_its_prompt_to_another() {
    let mut other = Agent::idle("%2", "claude-2");
    other.busy = true;
    let mut rig = Rig::new([Agent::idle("%1", "claude-1"), other]);
    let id = rig.send("sum the column");
    rig.run_until("start", |r| r.prompt(id).status == PromptStatus::InProgress)
        .await;
    rig.tmux.remove("%1");
    rig.tmux.with("%2", |a| a.answer("done"));
    rig.run_until("a start on %2", |r| {
        let p = r.prompt(id);
        p.status == PromptStatus::InProgress && p.pane.as_deref() == Some("%2")
    })
    .await;
    assert_eq!(rig.prompt(id).retry_count, 0);
    assert_eq!(rig.tmux.pastes("%2"), ["sum the column"]);
}
