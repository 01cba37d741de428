//! Value types carried inside requests and replies.
//!
//! Timestamps are RFC 3339 strings in UTC (`2026-11-24T10:15:02.123Z`), as
//! SQLite writes them, so that people, scripts and the database agree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use crate::model::{PromptStatus, SessionState};

/// A prompt as submitted by `send`. Only `text` is required.
///
/// `{"text":"fix the flaky test","priority":7,"provider":"claude","fallback":["codex"],"allow_fallback":true,"timeout_minutes":30,"max_retries":2,"working_dir":"/src/app","env":{"CI":"1"},"prereqs":["git pull"],"branch":"main","after":[41]}`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPrompt {
    /// The text typed into the agent, byte for byte.
    pub text: String,
    /// 0 (lowest) to 10 (highest); default 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Exact session name (or `%N` pane id) that must receive it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Provider that must receive it (claude, codex, gemini, aider, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Providers preferred, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
    /// Providers to fall back to, in order, when the preferred ones are not idle.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback: Vec<String>,
    /// Allow any provider when none of the named ones is available.
    #[serde(default)]
    pub allow_fallback: bool,
    /// Minutes the agent may work before the prompt is failed (and retried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_minutes: Option<u32>,
    /// How many times a failed prompt is retried automatically; default 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// Directory the agent should work in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// Environment variables to set before delivery.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Shell commands to run before delivery (shell panes only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prereqs: Vec<String>,
    /// Git branch the agent should be on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Prompt ids that must complete first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<i64>,
    /// Who queued it (`cli`, `hook`, `legacy-import`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Free-form data kept with the prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
}

/// One prompt as stored. `show` returns it with its history; `prompts`
/// returns it without `text` beyond a short preview.
///
/// `{"id":42,"status":"pending","priority":5,"preview":"fix the flaky test","created_at":"2026-11-24T10:15:02.123Z",...}`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromptInfo {
    /// Prompt id.
    pub id: i64,
    /// Current status.
    pub status: PromptStatus,
    /// Full text (`show`) or empty (`prompts`).
    #[serde(default)]
    pub text: String,
    /// First line, shortened, for tables.
    pub preview: String,
    /// Priority 0–10.
    pub priority: u8,
    /// Routing and context as submitted.
    pub target: Option<String>,
    /// Required provider.
    pub provider: Option<String>,
    /// Preferred providers.
    #[serde(default)]
    pub providers: Vec<String>,
    /// Fallback providers.
    #[serde(default)]
    pub fallback: Vec<String>,
    /// Any provider as a last resort.
    pub allow_fallback: bool,
    /// Working directory.
    pub working_dir: Option<String>,
    /// Environment variables.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// Prerequisite commands.
    #[serde(default)]
    pub prereqs: Vec<String>,
    /// Git branch.
    pub branch: Option<String>,
    /// Dependencies.
    #[serde(default)]
    pub after: Vec<i64>,
    /// Timeout in minutes.
    pub timeout_minutes: Option<u32>,
    /// Retries used so far.
    pub retry_count: u32,
    /// Retry budget.
    pub max_retries: u32,
    /// Origin.
    pub source: Option<String>,
    /// Free-form data.
    pub metadata: Option<serde_json::Value>,
    /// Session (display name) it was handed to.
    pub session: Option<String>,
    /// Pane id it was handed to.
    pub pane: Option<String>,
    /// Why it failed, or why it is still waiting.
    pub error: Option<String>,
    /// The kind of failure `error` describes, for scripts and `cleanup`
    /// (`missing_target`, `maybe_delivered`, `delivery`, `agent`,
    /// `unrunnable`); absent for failures recorded before kinds were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_kind: Option<crate::model::FailureKind>,
    /// Why a pending prompt is not being delivered yet.
    pub waiting_reason: Option<String>,
    /// Captured agent output (`show` only).
    pub response: Option<String>,
    /// When it was queued.
    pub created_at: String,
    /// When it was last claimed for a pane.
    pub assigned_at: Option<String>,
    /// When the agent started working.
    pub started_at: Option<String>,
    /// When it reached a final status.
    pub finished_at: Option<String>,
}

/// One entry of a prompt's append-only history.
///
/// `{"at":"2026-11-24T10:15:02.123Z","event":"assigned","session":"claude-1","detail":"pane %3"}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When.
    pub at: String,
    /// What happened (`queued`, `assigned`, `started`, `completed`, ...).
    pub event: String,
    /// Session involved, if any.
    pub session: Option<String>,
    /// Free-form detail.
    pub detail: Option<String>,
}

/// A tracked pane.
///
/// `{"name":"claude-1","pane":"%3","provider":"claude","state":"idle","working_dir":"/src/app","prompt":null,...}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Display name: the session name, or `name:window.pane` when the
    /// session has several panes.
    pub name: String,
    /// Stable pane id (`%12`).
    pub pane: String,
    /// Detected provider.
    pub provider: String,
    /// Detected state.
    pub state: SessionState,
    /// The rule that decided the state.
    pub rule: Option<String>,
    /// Current working directory of the pane.
    pub working_dir: Option<String>,
    /// Git branch of the working directory, when known.
    pub branch: Option<String>,
    /// Foreground command in the pane.
    pub command: Option<String>,
    /// Prompt in flight there.
    pub prompt: Option<i64>,
    /// Excluded from assignment by the config.
    pub excluded: bool,
    /// Last time the pane's content changed.
    pub last_activity: Option<String>,
}
