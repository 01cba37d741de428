//! A delivery that cannot be confirmed: retried only when the agent
//! verifiably does not have the prompt, failed otherwise with a reason
//! that says the agent may have it.

use super::Rig;
use super::fake::{Agent, OnEnter};
use crate::model::FailureKind;
use crate::protocol::{MAYBE_DELIVERED, NewPrompt, PromptStatus};

/// An agent that ignores Enter, so no delivery is ever confirmed.
fn deaf() -> Agent {
    let mut agent = Agent::idle("%1", "claude-1");
    agent.on_enter = OnEnter::Ignore;
    agent
}

/// Waits until prompt `id` has failed for good.
async fn failed(rig: &mut Rig, id: i64) -> crate::protocol::PromptInfo {
    rig.run_until("failure", |r| r.prompt(id).status == PromptStatus::Failed)
        .await;
    rig.prompt(id)
}

/// The text still in the box after two Enters is cleared (C-u); with the
/// box then empty and the agent idle, the agent does not have it, and the
/// prompt is delivered again, until its retries are spent.
#[tokio::test]
async fn cleared_from_an_idle_agent_is_retried() {
    let mut rig = Rig::new([deaf()]);
    let id = rig.send_with(&NewPrompt {
        text: "rename the module".into(),
        max_retries: Some(1),
        ..NewPrompt::default()
    });
    let p = failed(&mut rig, id).await;
    assert_eq!(p.retry_count, 1);
    assert_eq!(rig.tmux.pastes("%1").len(), 2);
    assert_eq!(
        rig.tmux.keys("%1"),
        ["Enter", "Enter", "C-u", "Enter", "Enter", "C-u"]
    );
    let error = p.error.unwrap_or_default();
    assert!(
        error.contains("cleared from the input box unsent"),
        "{error}"
    );
    assert!(!error.contains(MAYBE_DELIVERED), "{error}");
}

/// Text that stays in the box after C-u may still be submitted by
/// someone at the pane: the prompt fails without a retry, saying where
/// its text is.
#[tokio::test]
async fn text_left_in_the_box_fails_without_a_retry() {
    let mut agent = deaf();
    agent.clears = false;
    let mut rig = Rig::new([agent]);
    let id = rig.send("rename the module");
    let p = failed(&mut rig, id).await;
    assert_eq!(p.retry_count, 0);
    assert_eq!(rig.tmux.pastes("%1").len(), 1);
    let error = p.error.unwrap_or_default();
    assert!(error.contains("still in the input box of %1"), "{error}");
    assert!(error.contains("not sent again"), "{error}");
    assert_eq!(
        rig.tmux.with("%1", |a| a.input.clone()),
        "rename the module"
    );
}

/// A paste the box never showed, and an Enter after which nothing shows
/// the prompt: the agent may have it, so the prompt fails without a retry
/// and no second Enter lands in what may be a working agent.
#[tokio::test]
async fn nothing_to_show_where_the_text_went_fails_as_maybe_delivered() {
    let mut agent = Agent::idle("%1", "claude-1");
    agent.shows_paste = false;
    let mut rig = Rig::new([agent]);
    let id = rig.send("rename the module");
    let p = failed(&mut rig, id).await;
    assert_eq!(p.retry_count, 0);
    assert_eq!(p.failure_kind, Some(FailureKind::MaybeDelivered));
    let error = p.error.unwrap_or_default();
    assert!(error.contains(MAYBE_DELIVERED), "{error}");
    assert_eq!(rig.tmux.pastes("%1").len(), 1);
    assert_eq!(rig.tmux.keys("%1"), ["Enter"]);
}
