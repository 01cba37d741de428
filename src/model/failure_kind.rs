//! Why a prompt failed, as a machine reads it. The error text is for
//! people and may be reworded; what other code decides by (whether
//! `cleanup` may reset it, whether a retry may deliver it twice) is this.

use serde::{Deserialize, Serialize};

/// The kind of a failure, stored beside its error text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Its target session did not exist for the whole wait; `cleanup`
    /// may send it back to the queue with the target cleared.
    MissingTarget,
    /// Nothing proved the delivery either way: the agent may have it, so it
    /// is never retried on its own.
    MaybeDelivered,
    /// It failed with proof that the agent is not working on it: a
    /// delivery withdrawn from the input box, or a timed-out prompt the
    /// agent let go of when interrupted. Retried while its budget lasts.
    Delivery,
    /// The agent took it and reported a failure: its model API or its hook.
    Agent,
    /// It cannot run as queued: a prompt it depends on failed, or its
    /// context cannot be prepared in the pane's shell.
    Unrunnable,
}

impl FailureKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::MissingTarget,
        Self::MaybeDelivered,
        Self::Delivery,
        Self::Agent,
        Self::Unrunnable,
    ];

    /// The database and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingTarget => "missing_target",
            Self::MaybeDelivered => "maybe_delivered",
            Self::Delivery => "delivery",
            Self::Agent => "agent",
            Self::Unrunnable => "unrunnable",
        }
    }

    /// Parses the database spelling; `None` for a row written before kinds
    /// were stored (or by a newer version).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_and_wire_spellings_agree() {
        for k in FailureKind::ALL {
            assert_eq!(FailureKind::parse(k.as_str()), Some(k));
            let wire = serde_json::to_string(&k).unwrap();
            assert_eq!(wire, format!("\"{}\"", k.as_str()));
        }
    }
}
