//! The two states the whole system speaks of: a prompt's status and a
//! pane's state. Their spellings are the wire's and the database's alike.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Lifecycle of a prompt. The first four names come from the original
/// worker and are kept for its users and scripts.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PromptStatus {
    /// Waiting in the queue.
    #[default]
    Pending,
    /// Claimed for a pane; delivery is under way or not yet confirmed.
    Assigned,
    /// The agent is working on it.
    InProgress,
    /// The agent finished.
    Completed,
    /// Gave up; `error` says why.
    Failed,
    /// Withdrawn by a person before delivery.
    Cancelled,
}

impl PromptStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [Self; 6] = [
        Self::Pending,
        Self::Assigned,
        Self::InProgress,
        Self::Completed,
        Self::Failed,
        Self::Cancelled,
    ];

    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Assigned => "assigned",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether the prompt will not move again on its own.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

impl fmt::Display for PromptStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PromptStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown status '{s}' (expected one of: pending, assigned, in_progress, completed, failed, cancelled)"
                )
            })
    }
}

/// What the engine believes a pane is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    /// Ready for a prompt: the only state that receives one.
    Idle,
    /// Working.
    Busy,
    /// Showing an approval dialog; a human must answer it.
    WaitingApproval,
    /// Showing a usage-limit banner.
    RateLimited,
    /// No rule matched with confidence.
    Unknown,
    /// The pane no longer exists.
    Gone,
}

impl SessionState {
    /// Every state.
    pub const ALL: [Self; 6] = [
        Self::Idle,
        Self::Busy,
        Self::WaitingApproval,
        Self::RateLimited,
        Self::Unknown,
        Self::Gone,
    ];

    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Busy => "busy",
            Self::WaitingApproval => "waiting_approval",
            Self::RateLimited => "rate_limited",
            Self::Unknown => "unknown",
            Self::Gone => "gone",
        }
    }
}

impl fmt::Display for SessionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SessionState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown session state '{s}'"))
    }
}
