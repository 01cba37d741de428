//! Carrying out a `cleanup` plan, the `--apply` half of `cleanup`. The
//! planning (`cleanup.rs`) only reads; everything a run writes is here, one
//! guarded transaction per action.

use tracing::info;

use super::cleanup_action::{Action, Plan};
use super::verify;
use crate::error::StoreError;
use crate::protocol::CleanupReport;
use crate::store::Store;

/// Carries out a plan. Each action is its own guarded transaction with its
/// history row; one that lost a race (the prompt moved on meanwhile) is
/// reported as skipped instead of forced.
pub fn apply(store: &mut Store, plan: Plan) -> Result<CleanupReport, StoreError> {
    let mut report = plan.report;
    report.actions.clear();
    for action in &plan.actions {
        let line = action.describe();
        let outcome = match action {
            Action::DropStale {
                pane,
                session,
                prompt,
            } => {
                let why = format!("cleanup: session {session} ({pane}) no longer exists in tmux");
                let requeued = store.drop_stale_session(pane, session, *prompt, &why)?;
                match prompt {
                    Some(id) if requeued => {
                        info!(session = %session, pane = %pane, prompt_id = id, "cleanup: removed stale session, prompt requeued");
                    }
                    Some(id) => {
                        info!(session = %session, pane = %pane, prompt_id = id, "cleanup: removed stale session, its prompt had moved on");
                        report.actions.push(format!(
                            "remove stale session {session} ({pane}); prompt {id} had already moved on and is left as it is"
                        ));
                        continue;
                    }
                    None => {
                        info!(session = %session, pane = %pane, "cleanup: removed stale session");
                    }
                }
                Ok(())
            }
            Action::ResetMissingTarget { id, missing } => {
                let why = format!(
                    "cleanup: failed because session '{missing}' was missing; target cleared"
                );
                let r = store.reset_missing_target(*id, &why);
                if r.is_ok() {
                    info!(prompt_id = id, missing = %missing, "cleanup: reset to pending");
                }
                r
            }
            Action::Retry {
                id, attempt, max, ..
            } => {
                let r = store.retry(
                    *id,
                    &format!("cleanup --retry-failed (retry {attempt} of {max})"),
                );
                if r.is_ok() {
                    info!(prompt_id = id, attempt, max, "cleanup: retried");
                }
                r
            }
        };
        match outcome {
            Ok(()) => report.actions.push(line),
            Err(e @ (StoreError::WrongStatus { .. } | StoreError::NoSuchPrompt(_))) => {
                report.actions.push(format!("skipped: {line}: {e}"));
            }
            Err(e) => return Err(e),
        }
    }
    report.applied = true;
    report.counts = store.counts()?;
    report.integrity = verify::verify(store.conn());
    Ok(report)
}
