//! The events of a prompt's history. Their names are stored in the
//! database and shown by `show` and `watch` (assigner-protocol(7)); code
//! that decides by history compares these, never a spelled-out string.

/// One kind of history row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HistoryEvent {
    /// Accepted into the queue.
    Queued,
    /// Imported from the original worker's database.
    Imported,
    /// Claimed for a pane.
    Assigned,
    /// Delivery phase `claimed` recorded (see [`super::Phase`]).
    Claimed,
    /// A shell pane's context preparation is about to be typed: from here
    /// on the shell may have run the prerequisites.
    Preparing,
    /// The context preparation was typed.
    ContextPrepared,
    /// The context preparation was left out (the pane is no shell).
    ContextSkipped,
    /// The text was pasted; Enter may or may not have been pressed.
    Pasted,
    /// Enter pressed and the agent reacted.
    Submitted,
    /// No reaction to the first Enter: one more was pressed.
    RescueEnter,
    /// The tmux server stopped answering mid-delivery; the delivery waits
    /// for it before deciding anything.
    TmuxUnreachable,
    /// The agent started working on it.
    Started,
    /// An interrupted delivery resolved after a restart.
    Recovered,
    /// Finished.
    Completed,
    /// Ended without success.
    Failed,
    /// Cancelled while pending.
    Cancelled,
    /// Put back in the queue, counting a retry.
    Retried,
    /// Put back in the queue with a new target (or none).
    Reassigned,
    /// Back in the queue without using a retry: nothing reached the agent,
    /// or its pane went away before it did.
    Requeued,
    /// Back in the queue because its session is gone.
    RequeuedFromStaleSession,
    /// Back in the queue because its agent stopped at a usage limit.
    RequeuedRateLimited,
    /// A failure caused by a missing target session was undone by
    /// `cleanup`.
    ResetMissingTarget,
}

impl HistoryEvent {
    /// Every event, in no particular order.
    pub const ALL: [Self; 22] = [
        Self::Queued,
        Self::Imported,
        Self::Assigned,
        Self::Claimed,
        Self::Preparing,
        Self::ContextPrepared,
        Self::ContextSkipped,
        Self::Pasted,
        Self::Submitted,
        Self::RescueEnter,
        Self::TmuxUnreachable,
        Self::Started,
        Self::Recovered,
        Self::Completed,
        Self::Failed,
        Self::Cancelled,
        Self::Retried,
        Self::Reassigned,
        Self::Requeued,
        Self::RequeuedFromStaleSession,
        Self::RequeuedRateLimited,
        Self::ResetMissingTarget,
    ];

    /// The stored and shown name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Imported => "imported",
            Self::Assigned => "assigned",
            Self::Claimed => "claimed",
            Self::Preparing => "preparing",
            Self::ContextPrepared => "context-prepared",
            Self::ContextSkipped => "context-skipped",
            Self::Pasted => "pasted",
            Self::Submitted => "submitted",
            Self::RescueEnter => "rescue-enter",
            Self::TmuxUnreachable => "tmux-unreachable",
            Self::Started => "started",
            Self::Recovered => "recovered",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
            Self::Retried => "retried",
            Self::Reassigned => "reassigned",
            Self::Requeued => "requeued",
            Self::RequeuedFromStaleSession => "requeued-from-stale-session",
            Self::RequeuedRateLimited => "requeued-rate-limited",
            Self::ResetMissingTarget => "reset-missing-target",
        }
    }

    /// Parses a stored name; `None` for one this version does not know
    /// (a newer daemon's, kept and shown as it is).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

impl std::fmt::Display for HistoryEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for e in HistoryEvent::ALL {
            assert!(seen.insert(e.as_str()), "{e} twice");
            assert_eq!(HistoryEvent::parse(e.as_str()), Some(e));
        }
        assert_eq!(HistoryEvent::parse("no-such-event"), None);
    }
}
