//! What a `cleanup` plan is made of: the [`Action`]s it would take and the
//! [`Plan`] that pairs them with the report. The planning (`cleanup.rs`)
//! and the applying (`cleanup_apply.rs`) both use them, and `cleanup.rs`
//! re-exports the applying, so they live in neither: the two files import
//! each other in no cycle (ARCHITECTURE.md, "Layers").

use crate::protocol::CleanupReport;

/// One change `--apply` makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Forget a session whose pane is gone; requeue the prompt it held.
    DropStale {
        /// Pane id.
        pane: String,
        /// Session name.
        session: String,
        /// Prompt it held, if any.
        prompt: Option<i64>,
    },
    /// A prompt that failed because its target session was missing goes
    /// back to `pending` with target and error cleared (no retry used).
    ResetMissingTarget {
        /// Prompt id.
        id: i64,
        /// The session the error names.
        missing: String,
    },
    /// `--retry-failed`: another failed prompt under its retry budget.
    Retry {
        /// Prompt id.
        id: i64,
        /// The retry this will be.
        attempt: u32,
        /// Its budget.
        max: u32,
        /// Its delivery was never confirmed either way: the agent may have
        /// run it, and the report says so.
        maybe_delivered: bool,
    },
}

impl Action {
    /// One line for people, identical in the dry run and the applied run.
    pub fn describe(&self) -> String {
        match self {
            Self::DropStale {
                pane,
                session,
                prompt: Some(p),
            } => {
                format!("remove stale session {session} ({pane}) and return prompt {p} to pending")
            }
            Self::DropStale {
                pane,
                session,
                prompt: None,
            } => {
                format!("remove stale session {session} ({pane})")
            }
            Self::ResetMissingTarget { id, missing } => format!(
                "reset prompt {id} to pending (its session '{missing}' was missing; target and error cleared)"
            ),
            Self::Retry {
                id,
                attempt,
                max,
                maybe_delivered,
            } => format!(
                "retry prompt {id} (retry {attempt} of {max}; error cleared){}",
                if *maybe_delivered {
                    "; its delivery was never confirmed, so its agent may already have run it"
                } else {
                    ""
                }
            ),
        }
    }
}

/// A report and the actions that `--apply` would take.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What was found; `actions` holds the descriptions.
    pub report: CleanupReport,
    /// The actions, in order.
    pub actions: Vec<Action>,
}
