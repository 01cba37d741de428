//! What an agent hook reports about the turn it saw end
//! (`assignerctl complete`; README, Agent hooks): the daemon builds it from
//! the request, and `hook.rs` settles the prompt by it.

use crate::protocol::Failure;

/// What a hook reported.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The agent's answer, stored as the response.
    pub response: Option<String>,
    /// The turn failed: the reason, and what kind of failure.
    pub error: Option<(String, Option<Failure>)>,
}
