//! A pending prompt as the queue holds it: what routing, dependencies and
//! the start of a delivery read, and nothing else. The queue keeps one of
//! these per waiting prompt between passes, so with thousands waiting the
//! text, the response and the timestamps stay in the database; the text is
//! read once, when the prompt is delivered.

use std::collections::BTreeMap;

use super::Routing;

/// One waiting prompt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queued {
    /// Prompt id; with `priority`, the queue's order.
    pub id: i64,
    /// Priority 0–10, highest first.
    pub priority: u8,
    /// Whether the text holds more than one line (trailing spaces, tabs
    /// and blank lines aside; other whitespace is a word to a shell): a
    /// shell pane would run each line as it arrives.
    pub multi_line: bool,
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
    /// Retries used so far: a retried prompt avoids the pane it failed on.
    pub retry_count: u32,
    /// Why it waits, as last written: a pass writes a reason only when it
    /// changed.
    pub waiting_reason: Option<String>,
}
