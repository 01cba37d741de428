//! How far a delivery got.

/// How far a delivery got, written before each side effect so that a
/// restart knows what may already have reached the pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Claimed for a pane; nothing typed yet (the paste may be under way).
    Claimed,
    /// The paste completed; Enter may or may not have been pressed.
    Pasted,
    /// Enter pressed and the agent reacted.
    Submitted,
}

impl Phase {
    /// Database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Claimed => "claimed",
            Self::Pasted => "pasted",
            Self::Submitted => "submitted",
        }
    }

    /// Parses the database spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Claimed, Self::Pasted, Self::Submitted]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    /// The history event that records reaching this phase.
    pub fn event(self) -> super::HistoryEvent {
        use super::HistoryEvent;
        match self {
            Self::Claimed => HistoryEvent::Claimed,
            Self::Pasted => HistoryEvent::Pasted,
            Self::Submitted => HistoryEvent::Submitted,
        }
    }
}
