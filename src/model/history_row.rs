//! One row of a prompt's history as the store reads it back. The event is
//! kept as the name written: a database written by another version may
//! hold names this one does not know, and they are shown, not dropped;
//! [`HistoryRow::is`] asks about the events this version writes.

use super::{HistoryEvent, Timestamp};

/// What happened to a prompt, when, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryRow {
    /// The prompt it belongs to.
    pub prompt: i64,
    /// When.
    pub at: Timestamp,
    /// The event's name as written ([`HistoryEvent::as_str`] for the ones
    /// this version writes).
    pub event: String,
    /// The session involved, if any.
    pub session: Option<String>,
    /// Free-form detail.
    pub detail: Option<String>,
}

impl HistoryRow {
    /// Whether the row records `event`.
    pub fn is(&self, event: HistoryEvent) -> bool {
        self.event == event.as_str()
    }
}
