//! A prompt as the store reads it back for people and maintenance: the
//! summary a list holds, and the full record `show` adds the text and the
//! response to. Apart from the wire's `PromptInfo`, where a summary is a
//! record with an empty text: here a summary is a type of its own, so no
//! code can take a list row's missing text for an empty prompt.

use std::collections::BTreeMap;

use super::{FailureKind, PromptStatus, Routing, Timestamp};

/// A prompt without its text and response, as lists and maintenance read
/// it: a long queue of large prompts is cheap to scan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromptSummary {
    /// Prompt id.
    pub id: i64,
    /// Current status.
    pub status: PromptStatus,
    /// The text's first non-blank line, shortened, for tables.
    pub preview: String,
    /// Priority 0–10.
    pub priority: u8,
    /// Where it may go.
    pub routing: Routing,
    /// Environment variables set before the prompt.
    pub env: BTreeMap<String, String>,
    /// Commands run before the prompt.
    pub prereqs: Vec<String>,
    /// Prompts that must complete first.
    pub after: Vec<i64>,
    /// Minutes the agent may work on it.
    pub timeout_minutes: Option<u32>,
    /// Retries used so far.
    pub retry_count: u32,
    /// Retry budget.
    pub max_retries: u32,
    /// Who queued it.
    pub source: Option<String>,
    /// Free-form data kept with the prompt.
    pub metadata: Option<serde_json::Value>,
    /// Session (display name) it was handed to.
    pub session: Option<String>,
    /// Pane id it was handed to.
    pub pane: Option<String>,
    /// Why it failed, or why it is still waiting, for people.
    pub error: Option<String>,
    /// The kind of failure `error` describes; none for failures recorded
    /// before kinds were kept (schema 3).
    pub failure_kind: Option<FailureKind>,
    /// Why a pending prompt is not being delivered yet.
    pub waiting_reason: Option<String>,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When it was last claimed for a pane.
    pub assigned_at: Option<Timestamp>,
    /// When the agent started working.
    pub started_at: Option<Timestamp>,
    /// When it reached a final status.
    pub finished_at: Option<Timestamp>,
}

/// A prompt with everything stored of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromptRecord {
    /// What a list shows of it.
    pub summary: PromptSummary,
    /// The text typed into the agent, byte for byte.
    pub text: String,
    /// The agent's captured output, once it finished.
    pub response: Option<String>,
}
