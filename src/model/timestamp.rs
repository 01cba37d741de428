//! A moment as the store records it: RFC 3339 in UTC with milliseconds
//! (`2026-11-24T10:15:02.123Z`), the text SQLite writes. It is kept as
//! written rather than parsed, so that a row imported with another
//! spelling reads back unchanged, and becomes the wire's string in one
//! place (`protocol/record.rs`).

/// One recorded moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// The moment as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, for the wire.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<String> for Timestamp {
    fn from(at: String) -> Self {
        Self(at)
    }
}
