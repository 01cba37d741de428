//! Reports: the larger answers (`status`, `watch` events, `cleanup`,
//! `explain`, `import_legacy`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::types::SessionInfo;
use crate::model::{PromptStatus, SessionState};

/// Prompts per status, every status present (zero included); on the wire
/// an object keyed by the status's name.
pub type PromptCounts = BTreeMap<PromptStatus, u64>;

/// Sessions per state, every state present.
pub type SessionCounts = BTreeMap<SessionState, u64>;

/// Answer to `status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusInfo {
    /// Daemon version.
    pub version: String,
    /// Daemon process id.
    pub pid: u32,
    /// Seconds since the daemon started.
    pub uptime_secs: u64,
    /// Database file.
    pub db: String,
    /// Control socket.
    pub socket: String,
    /// The tmux server served.
    pub tmux: TmuxStatus,
    /// Prompt counts by status (every status present, zero included).
    pub prompts: PromptCounts,
    /// Session counts by state.
    pub sessions: SessionCounts,
    /// Sessions waiting for a human (approval dialogs), by name.
    #[serde(default)]
    pub waiting_for_human: Vec<String>,
    /// Notices a person should see (database recovered, ...).
    #[serde(default)]
    pub notices: Vec<String>,
    /// Pending prompts that no tracked session could ever take (`cleanup`
    /// lists them with the reason).
    #[serde(default)]
    pub unroutable: u64,
    /// The pools the daemon keeps running (none without `[pools.NAME]`).
    #[serde(default)]
    pub pools: Vec<super::PoolSummary>,
}

/// Which tmux server the daemon serves, and whether it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TmuxStatus {
    /// Socket path of the server (the `-S` argument).
    pub socket: String,
    /// Whether the last scan reached it.
    pub reachable: bool,
    /// Why not, when it did not.
    pub reason: Option<String>,
    /// How calls reach it: `control mode` or `a process per call`.
    #[serde(default)]
    pub path: String,
    /// Panes added or gone that the periodic scan found and no tmux
    /// notification had reported (control mode only).
    #[serde(default)]
    pub missed_by_events: u64,
    /// Scans that took the full listing of the panes.
    #[serde(default)]
    pub listings: u64,
    /// Scans that did without the full listing: a glance at the panes
    /// showed no change, or output in some, which were listed alone.
    #[serde(default)]
    pub glances: u64,
}

/// What a `watch` event is about.
///
/// `"prompt"`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A prompt's history grew (`event` is its history event).
    Prompt,
    /// A session's state changed (`event` is the new state).
    Session,
    /// The stream itself: events were dropped for a client too slow to
    /// read them (`lagged`).
    Notice,
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Prompt => "prompt",
            Self::Session => "session",
            Self::Notice => "notice",
        })
    }
}

/// One event of the `watch` stream.
///
/// `{"at":"2026-11-24T10:15:02.123Z","kind":"prompt","id":42,"event":"completed","session":"claude-1","detail":null}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When.
    pub at: String,
    /// What the event is about.
    pub kind: EventKind,
    /// Prompt id for prompt events.
    pub id: Option<i64>,
    /// What happened.
    pub event: String,
    /// Session involved.
    pub session: Option<String>,
    /// Free-form detail.
    pub detail: Option<String>,
}

/// Result of `cleanup`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CleanupReport {
    /// Whether the actions were carried out (false: dry run).
    pub applied: bool,
    /// tmux sessions seen now.
    pub tmux_sessions: Vec<String>,
    /// Sessions in the database whose pane is gone, with the prompt held.
    pub stale_sessions: Vec<StaleSession>,
    /// Failed prompts grouped by target.
    pub failed_by_target: Vec<FailedGroup>,
    /// Pending prompts that no tracked session could ever take.
    #[serde(default)]
    pub unroutable: Vec<Unroutable>,
    /// Prompt counts by status.
    pub counts: PromptCounts,
    /// Actions taken (or, in a dry run, that `--apply` would take).
    pub actions: Vec<String>,
    /// Integrity-check findings (`verify_only`, or always on apply).
    pub integrity: Vec<String>,
}

/// A pending prompt that no tracked session could ever take.
///
/// `{"id":12,"reason":"no tracked session runs codex"}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unroutable {
    /// Prompt id.
    pub id: i64,
    /// Why no session could take it.
    pub reason: String,
}

/// A database session whose pane no longer exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaleSession {
    /// Session name.
    pub name: String,
    /// Pane id.
    pub pane: String,
    /// Prompt it held.
    pub prompt: Option<i64>,
}

/// Failed prompts sharing one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedGroup {
    /// The target session (`(any)` for untargeted prompts).
    pub target: String,
    /// Whether tmux has that session now.
    pub exists: bool,
    /// The prompts: id, retries, error.
    pub prompts: Vec<FailedPrompt>,
}

/// One failed prompt in a cleanup report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailedPrompt {
    /// Prompt id.
    pub id: i64,
    /// Retries used.
    pub retry_count: u32,
    /// Retry budget.
    pub max_retries: u32,
    /// The error recorded.
    pub error: Option<String>,
}

/// Result of `explain`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The session as tracked.
    pub session: SessionInfo,
    /// How the provider was chosen.
    pub provider_reason: String,
    /// The rule that decided the state, and why.
    pub rule: Option<String>,
    /// The pane lines the rule matched.
    #[serde(default)]
    pub matched: Vec<String>,
    /// The bottom of the pane as inspected.
    #[serde(default)]
    pub screen_tail: Vec<String>,
}

/// Result of `import_legacy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Legacy ids imported, with their new ids.
    pub imported: Vec<(i64, i64)>,
    /// Legacy ids skipped, with the reason.
    pub skipped: Vec<(i64, String)>,
    /// What else a person should know (tables not imported, odd rows).
    #[serde(default)]
    pub notes: Vec<String>,
}
